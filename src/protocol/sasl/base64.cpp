// Base64 (RFC 4648 4) over OpenSSL's EVP block coder. OpenSSL's decoder is
// lenient (it skips surrounding whitespace and cannot say how much padding it
// saw), so the text is checked for the canonical form first and the padding
// is counted here.
#include <openssl/evp.h>

#include <algorithm>
#include <cstddef>

#include "smtpkit/protocol/sasl.hpp"

namespace smtpkit::protocol::sasl {
namespace {

// Whole groups of three bytes per EVP call keep each block's output free of
// padding, so the pieces concatenate; the size keeps the counts within int.
constexpr std::size_t encode_block = std::size_t{3} * 16 * 1024;
constexpr std::size_t decode_block = std::size_t{4} * 16 * 1024;

// The 6-bit value of a base64 letter, or -1.
int sextet(char c) noexcept {
    if (c >= 'A' && c <= 'Z') {
        return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
        return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
        return c - '0' + 52;
    }
    if (c == '+') {
        return 62;
    }
    if (c == '/') {
        return 63;
    }
    return -1;
}

// The number of '=' at the end if `text` is canonical base64, else -1:
// whole quads, only alphabet letters before the padding, at most two '=',
// and the bits the padding drops are zero (so each byte string has exactly
// one encoding).
int canonical_padding(std::string_view text) noexcept {
    if (text.size() % 4 != 0) {
        return -1;
    }
    std::size_t pad = 0;
    while (pad < 2 && pad < text.size() && text[text.size() - 1 - pad] == '=') {
        ++pad;
    }
    const std::string_view letters = text.substr(0, text.size() - pad);
    if (!std::all_of(letters.begin(), letters.end(), [](char c) { return sextet(c) >= 0; })) {
        return -1;
    }
    if (pad > 0) {
        const int last = sextet(letters.back());
        const int unused_bits_mask = pad == 1 ? 0x03 : 0x0f;
        if ((last & unused_bits_mask) != 0) {
            return -1;
        }
    }
    return static_cast<int>(pad);
}

}  // namespace

std::string base64_encode(std::string_view bytes) {
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    for (std::size_t pos = 0; pos < bytes.size(); pos += encode_block) {
        const std::string_view block = bytes.substr(pos, encode_block);
        const std::size_t old_size = out.size();
        out.resize(old_size + (block.size() + 2) / 3 * 4 + 1);  // EVP writes a NUL
        const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data() + old_size),
                                      reinterpret_cast<const unsigned char*>(block.data()),
                                      static_cast<int>(block.size()));
        out.resize(old_size + static_cast<std::size_t>(n));
    }
    return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
    const int pad = canonical_padding(text);
    if (pad < 0) {
        return std::nullopt;
    }
    std::string out;
    out.reserve(text.size() / 4 * 3);
    for (std::size_t pos = 0; pos < text.size(); pos += decode_block) {
        const std::string_view block = text.substr(pos, decode_block);
        const std::size_t old_size = out.size();
        out.resize(old_size + block.size() / 4 * 3);
        const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data() + old_size),
                                      reinterpret_cast<const unsigned char*>(block.data()),
                                      static_cast<int>(block.size()));
        if (n < 0 || static_cast<std::size_t>(n) != block.size() / 4 * 3) {
            return std::nullopt;
        }
    }
    // EVP_DecodeBlock turns each '=' into a zero byte; the count comes from
    // the check above.
    out.resize(out.size() - static_cast<std::size_t>(pad));
    return out;
}

}  // namespace smtpkit::protocol::sasl
