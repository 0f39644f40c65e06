// Invariants of the quoted-printable encoder (message/quoted_printable.hpp)
// in both modes. The input: byte 0 holds the mode (bit 0: binary) and the
// chunk size, the rest is the body.
//
// What must hold: the output is printable US-ASCII and CRLF only; no line
// is over 76 characters; '=' only as a soft line break at the end of a line
// or before two upper-case hex digits; no line ends in white space; no line
// starts with '.' or "From " (dot-stuffing and mbox quoting leave the body
// alone); decoding gives back the body octet for octet in binary mode, and
// in text mode the body with each line break (CRLF or bare LF) as CRLF;
// the output ends in CRLF only when a text body ended with a line break;
// encoded_size() is the size written; the chunking changes nothing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "message/quoted_printable.hpp"

namespace smtpkit::fuzz {

inline int hex_value(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    return c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;  // the encoder writes upper case
}

// Checks the form of `qp` and decodes it; `problem` says what is wrong.
inline std::string decode_quoted_printable(std::string_view qp, std::string& problem) {
    std::string out;
    std::size_t line_start = 0;
    for (std::size_t i = 0; i < qp.size(); ++i) {
        const char c = qp[i];
        if (c == '\r') {
            if (i + 1 >= qp.size() || qp[i + 1] != '\n') {
                problem = "a bare CR in quoted-printable";
                return out;
            }
            const std::string_view line = qp.substr(line_start, i - line_start);
            if (line.size() > 76) {
                problem = "a quoted-printable line over 76 characters";
                return out;
            }
            if (!line.empty() && (line.back() == ' ' || line.back() == '\t')) {
                problem = "white space at the end of a line";
                return out;
            }
            if (line.empty() || line.back() != '=') {
                out += "\r\n";  // a hard break
            }
            ++i;
            line_start = i + 1;
            continue;
        }
        if (i == line_start && (c == '.' || qp.substr(i, 5) == "From ")) {
            problem = "a line starting with '.' or \"From \"";
            return out;
        }
        if (c == '=') {
            if (i + 2 < qp.size() + 0 && qp[i + 1] == '\r' && qp[i + 2] == '\n') {
                continue;  // a soft break: the CRLF is handled above
            }
            if (i + 2 >= qp.size() || hex_value(qp[i + 1]) < 0 || hex_value(qp[i + 2]) < 0) {
                problem = "a '=' that is neither a soft break nor =XX";
                return out;
            }
            out += static_cast<char>(hex_value(qp[i + 1]) * 16 + hex_value(qp[i + 2]));
            i += 2;
            continue;
        }
        if (c < ' ' && c != '\t') {
            problem = "a control character in quoted-printable";
            return out;
        }
        if (static_cast<unsigned char>(c) > '~') {
            problem = "an 8-bit octet in quoted-printable";
            return out;
        }
        out += c;
    }
    const std::string_view tail = qp.substr(line_start);
    if (tail.size() > 76) {
        problem = "a quoted-printable line over 76 characters";
    } else if (!tail.empty() && (tail.back() == ' ' || tail.back() == '\t' || tail.back() == '=')) {
        problem = "the output ends in white space or '='";
    }
    return out;
}

// Text mode: every line break (CRLF or LF) as CRLF; bare CRs stay.
inline std::string text_line_breaks(std::string_view in) {
    std::string out;
    for (std::size_t i = 0; i < in.size(); ++i) {
        if (in[i] == '\r' && i + 1 < in.size() && in[i + 1] == '\n') {
            continue;  // the LF writes the break
        }
        if (in[i] == '\n') {
            out += "\r\n";
        } else {
            out += in[i];
        }
    }
    return out;
}

inline std::string check_quoted_printable_input(std::string_view input) {
    using message::QuotedPrintableEncoder;
    auto mode = QuotedPrintableEncoder::Mode::text;
    std::size_t chunk = 1;
    if (!input.empty()) {
        const auto first = static_cast<unsigned char>(input.front());
        mode = (first & 1) != 0 ? QuotedPrintableEncoder::Mode::binary
                                : QuotedPrintableEncoder::Mode::text;
        chunk = 1 + (first >> 1);
        input.remove_prefix(1);
    }
    std::string chunked;
    QuotedPrintableEncoder enc(mode);
    for (std::size_t pos = 0; pos < input.size(); pos += chunk) {
        enc.encode(input.substr(pos, chunk), chunked);
    }
    enc.finish(chunked);
    std::string whole;
    QuotedPrintableEncoder once(mode);
    once.encode(input, whole);
    once.finish(whole);
    if (chunked != whole) {
        return "the encoding depends on the chunking";
    }
    if (QuotedPrintableEncoder::encoded_size(input, mode) != whole.size()) {
        return "encoded_size() is not the size written";
    }
    std::string problem;
    const std::string decoded = decode_quoted_printable(whole, problem);
    if (!problem.empty()) {
        return problem;
    }
    const bool binary = mode == QuotedPrintableEncoder::Mode::binary;
    if (decoded != (binary ? std::string(input) : text_line_breaks(input))) {
        return "decoding does not give the body back";
    }
    const bool ends_with_break = !input.empty() && input.back() == '\n';
    if (whole.ends_with("\r\n") != (!binary && ends_with_break)) {
        return "the output ends in CRLF although the body did not end in a line break";
    }
    return {};
}

}  // namespace smtpkit::fuzz
