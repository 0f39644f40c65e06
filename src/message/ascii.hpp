// ASCII case folding for header names, media types and addresses (never
// the locale's: a Turkish locale must not turn "I" into a dotless i).
#pragma once

#include <algorithm>
#include <string>
#include <string_view>

namespace smtpkit::message {

inline std::string ascii_lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; });
    return out;
}

}  // namespace smtpkit::message
