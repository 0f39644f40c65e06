// Python's email package (policy.default) as an independent reader of whole
// messages: runs tests/data/parse_mime.py under /usr/bin/python3 (the
// system's, which has the email package; the python3 on PATH may be another
// build) and gives back what a mail reader sees (see the script).
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

namespace smtpkit::test {

inline nlohmann::json parse_mime_with_python(const std::string& raw) {
    char name[] = "/tmp/smtpkit-mime-XXXXXX";
    const int fd = ::mkstemp(name);
    if (fd < 0) {
        ADD_FAILURE() << "cannot make a scratch file";
        return {};
    }
    ::close(fd);
    std::ofstream(name, std::ios::binary) << raw;
    const std::string command =
        "/usr/bin/python3 " SMTPKIT_TEST_DATA_DIR "/data/parse_mime.py " + std::string(name);
    std::string out;
    if (FILE* pipe = ::popen(command.c_str(), "r")) {
        char buf[65536];
        while (const std::size_t n = std::fread(buf, 1, sizeof buf, pipe)) {
            out.append(buf, n);
        }
        EXPECT_EQ(::pclose(pipe), 0) << out;
    }
    ::unlink(name);
    return nlohmann::json::parse(out);
}

// The decoded bytes of a part's "bytes" (base64 from the script).
inline std::string decode_part_bytes(const std::string& base64) {
    static const std::string alphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    unsigned value = 0;
    int bits = -8;
    for (char c : base64) {
        const auto at = alphabet.find(c);
        if (at == std::string::npos) {
            continue;
        }
        value = (value << 6) | static_cast<unsigned>(at);
        bits += 6;
        if (bits >= 0) {
            out += static_cast<char>((value >> bits) & 0xFF);
            bits -= 8;
        }
    }
    return out;
}

// The first part of `type` in a tree from parse_mime_with_python().
inline const nlohmann::json* find_mime_part(const nlohmann::json& node, const std::string& type) {
    if (node.value("type", "") == type) {
        return &node;
    }
    if (node.contains("parts")) {
        for (const nlohmann::json& child : node["parts"]) {
            if (const nlohmann::json* found = find_mime_part(child, type)) {
                return found;
            }
        }
    }
    return nullptr;
}

}  // namespace smtpkit::test
