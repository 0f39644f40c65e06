// RFC 6376 3.4.1-3.4.4. The relaxed rules keep only what survives the usual
// rewriting on the way (case of field names, folding, runs of white space,
// trailing white space and empty lines); simple keeps every octet but the
// empty lines at the end of the body.
#include "message/dkim_canonical.hpp"

#include "message/ascii.hpp"

namespace smtpkit::message {
namespace {

bool is_wsp(char c) noexcept {
    return c == ' ' || c == '\t';
}

// RFC 6376 3.4.2: unfold, runs of WSP to one SP, no WSP at either end of the
// value, none around the colon, the name in lower case.
std::string relaxed_header(std::string_view field) {
    const std::size_t colon = field.find(':');
    std::string_view name = field.substr(0, colon);
    while (!name.empty() && is_wsp(name.back())) {
        name.remove_suffix(1);
    }
    std::string out = ascii_lower(name);
    out += ':';
    bool pending_wsp = false;
    bool started = false;
    for (const char c : field.substr(colon == std::string_view::npos ? field.size() : colon + 1)) {
        if (c == '\r' || c == '\n') {
            continue;  // unfolding: the WSP after the line break stays
        }
        if (is_wsp(c)) {
            pending_wsp = started;
            continue;
        }
        if (pending_wsp) {
            out += ' ';
            pending_wsp = false;
        }
        out += c;
        started = true;
    }
    out += "\r\n";
    return out;
}

}  // namespace

std::string canonical_header(std::string_view field, DkimCanonicalization c) {
    return c == DkimCanonicalization::relaxed ? relaxed_header(field) : std::string(field);
}

void BodyCanonicalizer::content(char c, std::string& out) {
    if (relaxed_ && is_wsp(c)) {
        pending_wsp_ = true;  // written only if something follows on this line
        return;
    }
    // A line with content: the empty lines before it were not trailing.
    for (; empty_lines_ > 0; --empty_lines_) {
        out += "\r\n";
    }
    if (pending_wsp_) {
        out += ' ';
        pending_wsp_ = false;
    }
    out += c;
    line_has_content_ = true;
    wrote_anything_ = true;
}

void BodyCanonicalizer::end_line(std::string& out) {
    if (line_has_content_) {
        out += "\r\n";
    } else {
        ++empty_lines_;
    }
    line_has_content_ = false;
    pending_wsp_ = false;  // relaxed: white space at the end of a line goes
}

void BodyCanonicalizer::feed(std::string_view chunk, std::string& out) {
    for (const char c : chunk) {
        if (pending_cr_) {
            pending_cr_ = false;
            end_line(out);  // CR, or CRLF: one line ending either way
            if (c == '\n') {
                continue;
            }
        }
        if (c == '\r') {
            pending_cr_ = true;
        } else if (c == '\n') {
            end_line(out);
        } else {
            content(c, out);
        }
    }
}

void BodyCanonicalizer::finish(std::string& out) {
    if (pending_cr_) {
        pending_cr_ = false;
        end_line(out);
    }
    if (line_has_content_) {
        end_line(out);  // RFC 6376 3.4.3/3.4.4: a missing final CRLF is added
    }
    if (!relaxed_ && !wrote_anything_) {
        out += "\r\n";  // simple: an empty body is one CRLF
    }
    empty_lines_ = 0;
}

}  // namespace smtpkit::message
