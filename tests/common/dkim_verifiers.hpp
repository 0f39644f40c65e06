// Two independent DKIM verifiers, as programs: python3-dkim (dkimpy) and
// OpenDKIM's libopendkim, through the helpers in tests/data/dkim/ under
// /usr/bin/python3 (the system's, which has the dkim module). Neither uses
// the network: the public keys come from a keys file written here, one
// "<selector>._domainkey.<domain> <TXT record>" line per key.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "smtpkit/dkim.hpp"

namespace smtpkit::test {

struct DkimVerdict {
    bool pass = false;
    std::string output;  // what the verifier said (its reason on failure)
};

// The keys file line that publishes `key` as <selector>._domainkey.<domain>.
inline std::string dkim_key_line(const DkimKey& key, const std::string& selector,
                                 const std::string& domain) {
    return selector + "._domainkey." + domain + " " + key.dns_record() + "\n";
}

// Runs tests/data/dkim/<script> on `message` (as the verifier receives it:
// CRLF line endings) with `keys` (dkim_key_line()s).
inline DkimVerdict run_dkim_verifier(const std::string& script, const std::string& message,
                                     const std::string& keys) {
    char dir[] = "/tmp/smtpkit-dkim-XXXXXX";
    if (::mkdtemp(dir) == nullptr) {
        ADD_FAILURE() << "cannot make a scratch directory";
        return {};
    }
    const std::string message_file = std::string(dir) + "/message.eml";
    const std::string keys_file = std::string(dir) + "/keys.txt";
    std::ofstream(message_file, std::ios::binary) << message;
    std::ofstream(keys_file, std::ios::binary) << keys;
    const std::string command = "/usr/bin/python3 " SMTPKIT_TEST_DATA_DIR "/data/dkim/" + script +
                                " " + message_file + " " + keys_file + " 2>&1";
    DkimVerdict verdict;
    if (FILE* pipe = ::popen(command.c_str(), "r")) {
        char buf[4096];
        while (const std::size_t n = std::fread(buf, 1, sizeof buf, pipe)) {
            verdict.output.append(buf, n);
        }
        verdict.pass = ::pclose(pipe) == 0;
    }
    std::remove(message_file.c_str());
    std::remove(keys_file.c_str());
    ::rmdir(dir);
    return verdict;
}

inline DkimVerdict verify_with_dkimpy(const std::string& message, const std::string& keys) {
    return run_dkim_verifier("verify_dkimpy.py", message, keys);
}

inline DkimVerdict verify_with_opendkim(const std::string& message, const std::string& keys) {
    return run_dkim_verifier("verify_opendkim.py", message, keys);
}

}  // namespace smtpkit::test
