// RFC 5322 2.2 (header fields), 2.2.3 (unfolding) and 4.5.3 (white space
// before the colon), line by line. Each line is looked for within the line
// length limit only, so a megabyte without a line break costs no more than
// one long line.
#include "header_scan.hpp"

#include <algorithm>

namespace smtpkit::message {
namespace {

bool is_wsp(char c) noexcept {
    return c == ' ' || c == '\t';
}

std::string_view trim_wsp(std::string_view s) noexcept {
    while (!s.empty() && is_wsp(s.front())) {
        s.remove_prefix(1);
    }
    while (!s.empty() && is_wsp(s.back())) {
        s.remove_suffix(1);
    }
    return s;
}

bool fail(Failure& failure, std::size_t offset, std::string_view reason) noexcept {
    failure = Failure{error::malformed_message, offset, reason};
    return false;
}

struct Line {
    std::string_view content;  // without its line ending
    std::size_t next = 0;      // where the next line starts
};

// The line at `pos`, ended by LF or CRLF, or by the end of the text (a CR as
// the very last octet is taken for half of a CRLF the text was cut in).
bool read_line(std::string_view text, std::size_t pos, std::size_t max_line, Line& line,
               Failure& failure) {
    const std::string_view window = text.substr(pos, std::min(max_line, text.size()) + 2);
    const std::size_t nl = window.find('\n');
    std::size_t content_end = 0;
    if (nl == std::string_view::npos) {
        if (pos + window.size() < text.size()) {
            return fail(failure, pos, "a line longer than HeaderLimits::max_line_length");
        }
        line.next = text.size();
        content_end = text.size();
        if (!window.empty() && window.back() == '\r') {
            --content_end;
        }
    } else {
        line.next = pos + nl + 1;
        content_end = pos + nl;
        if (nl > 0 && window[nl - 1] == '\r') {
            --content_end;
        }
    }
    line.content = text.substr(pos, content_end - pos);
    if (line.content.size() > max_line) {
        return fail(failure, pos, "a line longer than HeaderLimits::max_line_length");
    }
    if (const auto cr = line.content.find('\r'); cr != std::string_view::npos) {
        return fail(failure, pos + cr, "a CR that is not part of a line ending");
    }
    if (const auto nul = line.content.find('\0'); nul != std::string_view::npos) {
        return fail(failure, pos + nul, "a NUL octet in the header");
    }
    return true;
}

// "name: value" (or "name  : value") as the first line of a field.
bool start_field(std::string_view content, std::size_t pos, ScannedSection& out,
                 const HeaderLimits& limits, Failure& failure) {
    if (out.fields.size() >= limits.max_fields) {
        return fail(failure, pos, "more fields than HeaderLimits::max_fields");
    }
    const std::size_t colon = content.find(':');
    if (colon == std::string_view::npos) {
        return fail(failure, pos, "a line that is neither a field (no ':') nor a continuation");
    }
    std::string_view name = content.substr(0, colon);
    while (!name.empty() && is_wsp(name.back())) {
        name.remove_suffix(1);
    }
    if (!is_valid_field_name(name)) {
        return fail(failure, pos, "an invalid field name (printable ASCII other than ':')");
    }
    out.fields.push_back(ScannedField{
        HeaderField{std::string(name), std::string(content.substr(colon + 1))}, pos, pos});
    return true;
}

}  // namespace

bool field_name_is(std::string_view name, std::string_view wanted) noexcept {
    return std::equal(name.begin(), name.end(), wanted.begin(), wanted.end(), [](char a, char b) {
        const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; };
        return lower(a) == lower(b);
    });
}

bool scan_header_section(std::string_view text, const HeaderLimits& limits, ScannedSection& out,
                         Failure& failure) {
    out = ScannedSection{};
    std::size_t pos = 0;
    while (pos < text.size()) {
        Line line;
        if (!read_line(text, pos, limits.max_line_length, line, failure)) {
            return false;
        }
        if (line.next > limits.max_size) {
            return fail(failure, limits.max_size, "a header larger than HeaderLimits::max_size");
        }
        if (line.content.empty()) {
            out.complete = true;
            out.fields_end = pos;
            out.body_offset = line.next;
            break;
        }
        if (is_wsp(line.content.front())) {
            if (out.fields.empty()) {
                return fail(failure, pos, "a continuation line before the first field");
            }
            // Unfolding removes the line break and keeps the white space.
            out.fields.back().field.value += line.content;
        } else if (!start_field(line.content, pos, out, limits, failure)) {
            return false;
        }
        out.fields.back().end = line.next;
        pos = line.next;
    }
    if (!out.complete) {
        out.fields_end = out.body_offset = text.size();
    }
    for (ScannedField& f : out.fields) {
        f.field.value = std::string(trim_wsp(f.field.value));
    }
    return true;
}

}  // namespace smtpkit::message
