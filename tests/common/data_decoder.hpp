// The inverse of the DATA encoder, as a receiving server sees it: the wire
// bytes of a DATA body are lines ending in CRLF, the first line holding only
// "." ends the message, and one leading '.' is removed from every other line
// that starts with one (RFC 5321 4.5.2). Used by the encoder tests, the fuzz
// target and the scripted server.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace smtpkit::test {

struct DecodedData {
    // The un-stuffed content before the terminator, every line ending in CRLF.
    std::string content;
    // Offset just past the terminating ".\r\n"; npos when there is none.
    std::size_t end = std::string_view::npos;
    // No CR without LF after it and no LF without CR before it.
    bool no_bare_cr_lf = false;
    // The terminator is found and is the last thing in the wire bytes: no
    // "\r\n.\r\n" (or leading ".\r\n") ended the message early.
    bool terminator_only_at_end = false;
    // Why the bytes are not a well-formed DATA body; empty when they are.
    std::string problem;

    bool ok() const { return problem.empty(); }
};

// True when every CR is followed by LF and every LF preceded by CR.
inline bool has_only_crlf(std::string_view wire) {
    for (std::size_t i = 0; i < wire.size(); ++i) {
        if (wire[i] == '\r' && (i + 1 == wire.size() || wire[i + 1] != '\n')) {
            return false;
        }
        if (wire[i] == '\n' && (i == 0 || wire[i - 1] != '\r')) {
            return false;
        }
    }
    return true;
}

// Decodes `wire`, which starts at the beginning of the DATA body (just after
// the 354 reply) and should end with the terminator.
inline DecodedData decode_data(std::string_view wire) {
    DecodedData d;
    d.no_bare_cr_lf = has_only_crlf(wire);
    std::size_t pos = 0;
    while (pos < wire.size()) {
        const std::size_t eol = wire.find("\r\n", pos);
        if (eol == std::string_view::npos) {
            break;  // an unterminated last line: no terminator follows
        }
        std::string_view line = wire.substr(pos, eol - pos);
        pos = eol + 2;
        if (line == ".") {
            d.end = pos;
            break;
        }
        if (!line.empty() && line.front() == '.') {
            line.remove_prefix(1);
        }
        d.content.append(line);
        d.content.append("\r\n");
    }
    d.terminator_only_at_end = d.end == wire.size();
    if (!d.no_bare_cr_lf) {
        d.problem = "bare CR or LF on the wire";
    } else if (d.end == std::string_view::npos) {
        d.problem = "no terminating CRLF.CRLF";
    } else if (!d.terminator_only_at_end) {
        d.problem = "CRLF.CRLF before the end of the wire bytes";
    }
    return d;
}

}  // namespace smtpkit::test
