// Invariants of the header reader (header_reader.hpp) on arbitrary bytes,
// beyond those fuzz_address_list checks with it (the section without Bcc,
// recipients parsing): how the reader treats line endings, limits, what
// follows the section, and the envelope it derives.
//
// What must hold: an error comes with a reason and an offset within the
// input, and no fields; field values hold no CR, LF or NUL and no white
// space at either end; names are RFC 5322 field names; the limits hold
// (fields, line length, section size) or the read fails; the section read
// from a bare-LF text is the one read from the same text with CRLF line
// endings; the bytes after the empty line are never looked at (anything
// appended, or nothing, reads the same; a text cut between the CR and LF of
// the empty line reads as complete, as documented); the section alone reads the same
// as with its body; the envelope is made of the Sender (else the first
// From) and of To, Cc and Bcc once each (the domain compared without case),
// every address as the parser gives it.
#pragma once

#include <algorithm>
#include <cstddef>
#include <set>
#include <string>
#include <string_view>
#include <system_error>

#include "smtpkit/error.hpp"
#include "smtpkit/header_reader.hpp"
#include "smtpkit/protocol/address.hpp"

namespace smtpkit::fuzz {

inline std::string section_violation(std::string_view input, const HeaderSection& s,
                                     std::error_code ec, const ParseError& where,
                                     const HeaderLimits& limits) {
    if (ec) {
        if (!s.fields.empty() || where.reason.empty() || where.offset > input.size()) {
            return "a failed read with fields, no reason or an offset past the input";
        }
        if (ec != error::malformed_message) {
            return "an error other than malformed_message: " + ec.message();
        }
        return {};
    }
    if (s.fields.size() > limits.max_fields || s.body_offset > input.size() ||
        (s.complete && s.body_offset > limits.max_size)) {
        return "a read past the limits";
    }
    for (const HeaderField& f : s.fields) {
        if (!is_valid_field_name(f.name)) {
            return "a field name that is not one";
        }
        if (f.value.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) {
            return "CR, LF or NUL in a value";
        }
        if (!f.value.empty() && (f.value.front() == ' ' || f.value.front() == '\t' ||
                                 f.value.back() == ' ' || f.value.back() == '\t')) {
            return "white space at an end of a value";
        }
    }
    // Every line of the section within the limit (CR LF not counted).
    std::size_t start = 0;
    const std::string_view section = input.substr(0, s.body_offset);
    while (start < section.size()) {
        std::size_t end = section.find('\n', start);
        end = end == std::string_view::npos ? section.size() : end;
        std::size_t length = end - start;
        if (length > 0 && section[end - 1] == '\r') {
            --length;
        }
        if (length > limits.max_line_length) {
            return "a line over the limit was read";
        }
        start = end + 1;
    }
    return {};
}

inline std::string with_crlf(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r')) {
            out += '\r';
        }
        out += s[i];
    }
    return out;
}

inline std::string check_header_reader(std::string_view input) {
    HeaderLimits tight;
    if (!input.empty()) {
        const auto b = static_cast<unsigned char>(input.front());
        tight.max_line_length = 8 + b % 64;
        tight.max_fields = 1 + b % 5;
        tight.max_size = 16 + b * 2;
    }
    for (const HeaderLimits& limits : {HeaderLimits{}, tight}) {
        std::error_code ec;
        ParseError where;
        const HeaderSection s = read_header_section(input, ec, &where, limits);
        if (std::string v = section_violation(input, s, ec, where, limits); !v.empty()) {
            return v;
        }
        if (ec) {
            continue;
        }
        if (s.complete) {
            // Nothing after the empty line is read: the section alone, or
            // with any other body, reads the same. (A text that ends in the
            // CR of the empty line's CRLF was cut there: its LF comes first.)
            const std::string section(input.substr(0, s.body_offset));
            const bool cut_crlf = section.ends_with('\r');
            const std::string body = std::string(cut_crlf ? "\n" : "") + "\r\n\0garbage\rX: y\n";
            for (const std::string& other : {section, section + body}) {
                std::error_code ec2;
                const HeaderSection again = read_header_section(other, ec2, nullptr, limits);
                const std::size_t offset =
                    s.body_offset + (cut_crlf && other.size() > section.size() ? 1 : 0);
                if (ec2 || !again.complete || again.fields != s.fields ||
                    again.body_offset != offset) {
                    return "what follows the empty line changed the reading";
                }
            }
        }
    }

    // Bare LF and CRLF line endings read the same, where the text has no CR
    // of its own (a bare CR is an error either way; the limits count octets
    // without the line ending).
    if (input.find('\r') == std::string_view::npos) {
        std::error_code ec_lf;
        std::error_code ec_crlf;
        const std::string crlf = with_crlf(input);
        HeaderLimits roomy;
        roomy.max_size = std::size_t{4} << 20;
        const HeaderSection lf = read_header_section(input, ec_lf, nullptr, roomy);
        const HeaderSection cr = read_header_section(crlf, ec_crlf, nullptr, roomy);
        if (static_cast<bool>(ec_lf) != static_cast<bool>(ec_crlf) || lf.fields != cr.fields ||
            lf.complete != cr.complete) {
            return "LF and CRLF line endings read differently";
        }
    }

    std::error_code ec;
    const HeaderSection s = read_header_section(input, ec);
    if (ec) {
        return {};
    }
    const HeaderRecipients r = header_recipients(s.fields, ec);
    if (ec) {
        return {};
    }
    const std::optional<std::string> sender = envelope_sender(r);
    const std::optional<Mailbox>& first = r.sender ? r.sender : r.from;
    if (sender != (first ? std::optional<std::string>(first->address) : std::nullopt)) {
        return "the reverse-path is not the Sender or the first From";
    }
    const std::vector<std::string> to = envelope_recipients(r);
    std::vector<std::string> expected;
    std::set<std::string> seen;
    // The domain starts after the first '@' outside the local part's quotes
    // (an address literal may hold '@' too).
    const auto key = [](const std::string& a) {
        std::size_t at = 0;
        if (!a.empty() && a.front() == '"') {
            for (at = 1; at < a.size() && a[at] != '"'; ++at) {
                at += a[at] == '\\' ? 1 : 0;
            }
            ++at;
        } else {
            at = std::min(a.find('@'), a.size());
        }
        std::string k = a;
        for (std::size_t i = std::min(at, k.size()); i < k.size(); ++i) {
            k[i] = k[i] >= 'A' && k[i] <= 'Z' ? char(k[i] - 'A' + 'a') : k[i];
        }
        return k;
    };
    for (const auto* list : {&r.to, &r.cc, &r.bcc}) {
        for (const Mailbox& m : *list) {
            if (seen.insert(key(m.address)).second) {
                expected.push_back(m.address);
            }
        }
    }
    if (to != expected) {
        return "the envelope recipients are not To, Cc and Bcc once each";
    }
    for (const std::string& a : to) {
        std::error_code cec;
        if (protocol::canonical_address(a, {.allow_utf8 = true}, cec) != a || cec) {
            return "an envelope recipient that is not canonical: " + a;
        }
    }
    return {};
}

}  // namespace smtpkit::fuzz
