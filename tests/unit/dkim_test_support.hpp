// Shared by the DKIM unit tests: the test keys in tests/data/dkim/ and a
// source read whole.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "smtpkit/dkim.hpp"
#include "smtpkit/message_source.hpp"

namespace smtpkit::test {

inline std::string dkim_key_path(const std::string& name) {
    return SMTPKIT_TEST_DATA_DIR "/data/dkim/" + name;
}

inline DkimKey dkim_test_key(const std::string& name) {
    return DkimKey::from_pem_file(dkim_key_path(name));
}

// Everything a source gives, as one send reads it.
inline std::string read_source(const MessageSource& source) {
    std::error_code ec;
    MessageSource::Reader reader = source.open(ec);
    EXPECT_FALSE(ec) << ec.message();
    std::string out;
    char buf[8192];
    while (reader) {
        const std::size_t n = reader(buf, sizeof buf, ec);
        if (n == 0) {
            break;
        }
        out.append(buf, n);
    }
    EXPECT_FALSE(ec) << ec.message();
    return out;
}

// A tag's value from a DKIM-Signature field, folding removed.
inline std::string dkim_tag(const std::string& field, const std::string& tag) {
    std::string unfolded;
    for (char c : field.substr(field.find(':') + 1)) {
        if (c != '\r' && c != '\n' && c != ' ' && c != '\t') {
            unfolded += c;
        }
    }
    const std::string key = tag + "=";
    std::size_t at = 0;
    while ((at = unfolded.find(key, at)) != std::string::npos) {
        if (at == 0 || unfolded[at - 1] == ';') {
            const std::size_t start = at + key.size();
            return unfolded.substr(start, unfolded.find(';', start) - start);
        }
        ++at;
    }
    return "<none>";
}

}  // namespace smtpkit::test
