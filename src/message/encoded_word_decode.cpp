// RFC 2047 section 4 (the B and Q encodings) and 5 (encoded-words in
// phrases), with the leniency real mail needs: missing base64 padding and
// lower-case encodings are accepted.
#include "encoded_word_decode.hpp"

#include <algorithm>

#include "charset_to_utf8.hpp"
#include "smtpkit/protocol/sasl.hpp"

namespace smtpkit::message {
namespace {

int hex_value(char c) noexcept {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    return -1;
}

// "Q": '_' is a space, "=XX" an octet, anything else itself.
std::optional<std::string> decode_q(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '_') {
            out += ' ';
        } else if (text[i] == '=') {
            if (i + 2 >= text.size()) {
                return std::nullopt;
            }
            const int hi = hex_value(text[i + 1]);
            const int lo = hex_value(text[i + 2]);
            if (hi < 0 || lo < 0) {
                return std::nullopt;
            }
            out += static_cast<char>(hi * 16 + lo);
            i += 2;
        } else {
            out += text[i];
        }
    }
    return out;
}

// "B": base64, padded here when the encoder left the '=' off.
std::optional<std::string> decode_b(std::string_view text) {
    std::string padded(text);
    if (padded.size() % 4 == 1) {
        return std::nullopt;
    }
    while (padded.size() % 4 != 0) {
        padded += '=';
    }
    return protocol::sasl::base64_decode(padded);
}

bool has_control(std::string_view text) noexcept {
    return std::any_of(text.begin(), text.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u < 0x20 || u == 0x7F;
    });
}

}  // namespace

std::optional<std::string> decode_encoded_word(std::string_view word) {
    if (word.size() < 8 || !word.starts_with("=?") || !word.ends_with("?=")) {
        return std::nullopt;
    }
    // charset "?" encoding "?" encoded-text, none of them holding '?'
    const std::string_view inner = word.substr(2, word.size() - 4);
    const auto q1 = inner.find('?');
    if (q1 == std::string_view::npos || q1 == 0 || inner.size() < q1 + 3 || inner[q1 + 2] != '?') {
        return std::nullopt;
    }
    std::string_view charset = inner.substr(0, q1);
    const char encoding = inner[q1 + 1];
    const std::string_view text = inner.substr(q1 + 3);
    if (text.find('?') != std::string_view::npos) {
        return std::nullopt;
    }
    charset = charset.substr(0, charset.find('*'));  // RFC 2231 5: "charset*lang"

    std::optional<std::string> bytes;
    if (encoding == 'B' || encoding == 'b') {
        bytes = decode_b(text);
    } else if (encoding == 'Q' || encoding == 'q') {
        bytes = decode_q(text);
    }
    if (!bytes) {
        return std::nullopt;
    }
    auto utf8 = charset_to_utf8(charset, *bytes);
    if (!utf8 || has_control(*utf8)) {
        return std::nullopt;
    }
    return utf8;
}

}  // namespace smtpkit::message
