#include "compat/submission.hpp"

#include "compat/error_codes.hpp"
#include "message/date_parse.hpp"
#include "smtpkit/compat/constants.hpp"
#include "smtpkit/error.hpp"

namespace smtpkit::compat {
namespace {

// ISO 8859-1 octets are the first 256 code points.
std::string latin1_to_utf8(const std::string& latin1) {
    std::string out;
    out.reserve(latin1.size());
    for (const char c : latin1) {
        const auto octet = static_cast<unsigned char>(c);
        if (octet < 0x80) {
            out += c;
        } else {
            out += static_cast<char>(0xC0 | (octet >> 6));
            out += static_cast<char>(0x80 | (octet & 0x3F));
        }
    }
    return out;
}

std::string trimmed(std::string_view s) {
    const auto first = s.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) {
        return {};
    }
    return std::string(s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1));
}

// "Name: value" lines; a line that starts with white space continues the
// one before it (a folded field).
void add_headers(Message& m, const std::string& block) {
    std::string name, value;
    const auto flush = [&] {
        if (!name.empty()) {
            m.header(name, trimmed(value));
        }
        name.clear();
        value.clear();
    };
    std::size_t start = 0;
    while (start < block.size()) {
        std::size_t end = block.find('\n', start);
        end = end == std::string::npos ? block.size() : end;
        std::string_view line(block.data() + start, end - start);
        if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        start = end + 1;
        if (line.empty()) {
            continue;
        }
        if ((line.front() == ' ' || line.front() == '\t') && !name.empty()) {
            value += " " + trimmed(line);
            continue;
        }
        flush();
        const auto colon = line.find(':');
        if (colon == std::string_view::npos || colon == 0) {
            throw system_error(make_error_code(error::invalid_header),
                               "not a header field: " + std::string(line));
        }
        name = trimmed(line.substr(0, colon));
        value = std::string(line.substr(colon + 1));
    }
    flush();
}

void add_attachments(Message& m, const std::string& list) {
    std::size_t start = 0;
    while (start <= list.size()) {
        const std::size_t end = std::min(list.find(';', start), list.size());
        const std::string file = trimmed(std::string_view(list).substr(start, end - start));
        if (!file.empty()) {
            m.attach_file(file);
        }
        start = end + 1;
    }
}

void build(Message& m, const Submission& s) {
    m.from(s.from).to(s.to);
    if (!s.cc.empty()) {
        m.cc(s.cc);
    }
    if (!s.bcc.empty()) {
        m.bcc(s.bcc);
    }
    if (!s.subject.empty()) {
        m.subject(s.subject);
    }
    if (!s.date.empty()) {
        const auto when = message::parse_rfc5322_date(s.date);
        if (!when) {
            throw system_error(make_error_code(error::invalid_header),
                               "not an RFC 5322 date: " + s.date);
        }
        m.date(*when);
    }
    add_headers(m, s.headers);
    if (!s.text.empty() || s.html.empty()) {
        m.text(s.text);
    }
    if (!s.html.empty()) {
        m.html(s.html);
    }
    add_attachments(m, s.attach);
}

Submission in_utf8(Submission s) {
    if (s.charset != MIME_CHARSET_ISO8859_1) {
        return s;
    }
    for (std::string* field :
         {&s.from, &s.to, &s.cc, &s.bcc, &s.subject, &s.headers, &s.text, &s.html, &s.attach}) {
        *field = latin1_to_utf8(*field);
    }
    return s;
}

}  // namespace

std::optional<Message> compose_submission(const Submission& submission, ErrorRecord& error) {
    if (submission.charset > MIME_CHARSET_UTF8) {
        error = {ST_ERROR_INVALID_CHARACTER_SET, {}, {}};
        return std::nullopt;
    }
    if (submission.encoding > MIME_ENCODING_BASE64 || submission.from.empty() ||
        submission.to.empty()) {
        error = {ST_ERROR_INVALID_PARAMETER, {}, {}};
        return std::nullopt;
    }
    try {
        Message m;
        build(m, in_utf8(submission));
        return m;
    } catch (const system_error& e) {
        error = {st_error_for(e.code()), e.code(), e.what()};
        return std::nullopt;
    }
}

}  // namespace smtpkit::compat
