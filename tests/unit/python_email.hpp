// Python's email package (policy.default) as an independent MIME decoder for
// the round-trip tests: runs mime_decode.py beside this file under
// /usr/bin/python3 (the system's, which has the email package; the python3
// on PATH may be another build) over a batch of requests at once.
#pragma once

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace smtpkit::test {

inline constexpr const char* system_python = "/usr/bin/python3";

struct DecodeRequest {
    std::string kind;   // see mime_decode.py: unstructured, addresses, legacy, param, ...
    std::string field;  // the field (or "Field/param") to decode
    std::string raw;    // the message: header section, empty line, body
};

struct Decoded {
    std::vector<std::string> values;
    int defects = -1;
};

inline bool python_available() {
    return access(system_python, X_OK) == 0;
}

inline std::string to_hex(std::string_view bytes) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    for (const char c : bytes) {
        const auto octet = static_cast<unsigned char>(c);
        out += digits[octet >> 4];
        out += digits[octet & 0x0f];
    }
    return out;
}

inline std::string from_hex(std::string_view hex) {
    std::string out;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
        out += static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16));
    }
    return out;
}

// One Decoded per request, in order; nullopt when Python could not be run or
// its answer is short (a Python exception: its traceback is on stderr).
inline std::optional<std::vector<Decoded>> python_decode(
    const std::vector<DecodeRequest>& requests) {
    // Not __FILE__: with CCACHE_BASEDIR it is relative to the build directory.
    const std::filesystem::path script =
        std::filesystem::path(SMTPKIT_TEST_DATA_DIR) / "unit" / "mime_decode.py";
    char name[] = "/tmp/smtpkit_mime_XXXXXX";
    const int fd = mkstemp(name);
    if (fd < 0) {
        return std::nullopt;
    }
    close(fd);
    {
        std::ofstream file(name, std::ios::binary);
        for (const DecodeRequest& r : requests) {
            file << r.kind << ' ' << r.field << ' ' << to_hex(r.raw) << '\n';
        }
    }
    const std::string command =
        std::string(system_python) + " '" + script.string() + "' < '" + name + "'";
    FILE* pipe = popen(command.c_str(), "r");
    std::string output;
    if (pipe != nullptr) {
        char buffer[4096];
        std::size_t n = 0;
        while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) {
            output.append(buffer, n);
        }
        pclose(pipe);
    }
    std::remove(name);
    std::vector<Decoded> results;
    std::istringstream lines(output);
    for (std::string line; std::getline(lines, line);) {
        Decoded decoded;
        std::istringstream fields(line);
        for (std::string field; fields >> field;) {
            if (field.front() == '=') {
                decoded.values.push_back(from_hex(std::string_view(field).substr(1)));
            } else {
                decoded.defects = std::stoi(field);
            }
        }
        results.push_back(std::move(decoded));
    }
    if (results.size() != requests.size()) {
        return std::nullopt;
    }
    return results;
}

}  // namespace smtpkit::test
