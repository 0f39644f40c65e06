// Invariants of the two base64 codecs: SASL's (protocol/sasl.hpp: encode,
// and a strict decoder for server challenges) and the MIME body encoder
// (message/base64_encoder.hpp: streaming, 76-character lines). The input:
// byte 0 holds flags (bits 0-4 all set: repeat the data to 50 KiB, past the
// codecs' internal blocks), byte 1 the chunk size for the streaming encoder,
// the rest is the data, also read as base64 text as a server might send it.
//
// What must hold: decode(encode(x)) == x; encode(x) is canonical (whole
// quads of the alphabet, padding only at the end); decode(t) accepts t
// exactly when it is canonical base64 (checked against a strict reference
// decoder written here, which must give the same octets), so every octet
// string has one accepted form; the MIME encoder writes lines of exactly 76
// characters ending in CRLF (the last shorter), exactly encoded_size(n)
// octets, the same whatever the chunking, and its lines joined are
// encode(x).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "message/base64_encoder.hpp"
#include "smtpkit/protocol/sasl.hpp"

namespace smtpkit::fuzz {

inline int base64_value(char c) {
    if (c >= 'A' && c <= 'Z') {
        return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
        return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
        return c - '0' + 52;
    }
    return c == '+' ? 62 : c == '/' ? 63 : -1;
}

// RFC 4648 4, strict: whole quads, '=' only as the last one or two
// characters, and the bits the padding leaves over are zero.
inline std::optional<std::string> reference_base64_decode(std::string_view t) {
    if (t.size() % 4 != 0) {
        return std::nullopt;
    }
    std::string out;
    for (std::size_t i = 0; i < t.size(); i += 4) {
        const bool last = i + 4 == t.size();
        int v[4];
        int pad = 0;
        for (int k = 0; k < 4; ++k) {
            const char c = t[i + k];
            if (c == '=' && last && k >= 2) {
                v[k] = 0;
                ++pad;
                continue;
            }
            if (pad > 0) {
                return std::nullopt;  // a letter after '='
            }
            v[k] = base64_value(c);
            if (v[k] < 0) {
                return std::nullopt;
            }
        }
        const std::uint32_t bits = (v[0] << 18) | (v[1] << 12) | (v[2] << 6) | v[3];
        out += static_cast<char>(bits >> 16);
        if (pad < 2) {
            out += static_cast<char>((bits >> 8) & 0xFF);
        } else if ((bits & 0xFFFF) != 0) {
            return std::nullopt;
        }
        if (pad < 1) {
            out += static_cast<char>(bits & 0xFF);
        } else if ((bits & 0xFF) != 0) {
            return std::nullopt;
        }
    }
    return out;
}

inline std::string check_base64_text(std::string_view text) {
    const std::optional<std::string> got = protocol::sasl::base64_decode(text);
    if (got != reference_base64_decode(text)) {
        return "base64_decode() disagrees with the strict reference";
    }
    if (got && protocol::sasl::base64_encode(*got) != text) {
        return "an accepted text that is not the one encoding of its octets";
    }
    return {};
}

inline std::string check_base64_data(std::string_view data, std::size_t chunk) {
    const std::string encoded = protocol::sasl::base64_encode(data);
    if (encoded.size() != (data.size() + 2) / 3 * 4) {
        return "base64_encode() of the wrong length";
    }
    if (reference_base64_decode(encoded) != std::optional<std::string>(data)) {
        return "base64_encode() is not base64 of the data";
    }
    if (protocol::sasl::base64_decode(encoded) != std::optional<std::string>(data)) {
        return "decode(encode(x)) is not x";
    }

    // The MIME encoder, in chunks of `chunk` octets, then in one piece.
    std::string lines;
    message::Base64Encoder mime;
    for (std::size_t pos = 0; pos < data.size(); pos += chunk) {
        mime.encode(data.substr(pos, chunk), lines);
    }
    mime.finish(lines);
    std::string whole;
    message::Base64Encoder once;
    once.encode(data, whole);
    once.finish(whole);
    if (lines != whole) {
        return "the MIME encoding depends on the chunking";
    }
    if (lines.size() != message::Base64Encoder::encoded_size(data.size())) {
        return "encoded_size() is not the size written";
    }
    std::string joined;
    std::size_t pos = 0;
    while (pos < lines.size()) {
        const std::size_t eol = lines.find("\r\n", pos);
        if (eol == std::string::npos) {
            return "a MIME base64 line without CRLF";
        }
        const std::size_t length = eol - pos;
        const bool last = eol + 2 == lines.size();
        if (length == 0 || length > 76 || (!last && length != 76)) {
            return "a MIME base64 line that is not 76 characters (the last at most)";
        }
        joined.append(lines, pos, length);
        pos = eol + 2;
    }
    if (joined != encoded) {
        return "the MIME lines joined are not the base64 of the data";
    }
    return {};
}

inline std::string check_base64_input(std::string_view input) {
    const auto byte = [&input]() -> unsigned {
        if (input.empty()) {
            return 0;
        }
        const auto b = static_cast<unsigned char>(input.front());
        input.remove_prefix(1);
        return b;
    };
    const unsigned flags = byte();
    std::size_t chunk = 1 + byte();
    std::string data(input);
    if ((flags & 0x1F) == 0x1F && !input.empty()) {
        // Past the codecs' blocks: 48 KiB of octets, 64 KiB of text.
        while (data.size() < 50 * 1024) {
            data.append(input);
        }
        chunk *= 331;
    }
    if (std::string v = check_base64_text(data); !v.empty()) {
        return v;
    }
    return check_base64_data(data, chunk);
}

}  // namespace smtpkit::fuzz
