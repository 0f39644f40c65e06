// SubmitMessage's structures, read into one form whatever their character
// type, and the smtpkit::Message they describe.
#pragma once

#include <optional>
#include <string>

#include "compat/error_record.hpp"
#include "compat/wide_string.hpp"
#include "smtpkit/compat/constants.hpp"
#include "smtpkit/compat/structures.hpp"
#include "smtpkit/message.hpp"

namespace smtpkit::compat {

// SMTPMESSAGEEX's fields as UTF-8 (null: empty).
struct Submission {
    std::string from, to, cc, bcc, date, subject, headers, text, html, attach;
    UINT charset = MIME_CHARSET_DEFAULT;
    UINT encoding = MIME_ENCODING_DEFAULT;
};

// SMTPSERVER's fields as UTF-8.
struct SubmissionServer {
    std::string host, user, password;
    UINT port = 0;
    UINT timeout = 0;
    DWORD options = 0;
};

inline std::string utf8_of(const char* text) {
    return text == nullptr ? std::string() : std::string(text);
}
inline std::string utf8_of(const wchar_t* text) {
    return to_utf8(text);
}

template <class C>
Submission submission_of(const BasicSmtpMessageEx<C>& m) {
    return {utf8_of(m.lpszFrom),    utf8_of(m.lpszTo),   utf8_of(m.lpszCc),
            utf8_of(m.lpszBcc),     utf8_of(m.lpszDate), utf8_of(m.lpszSubject),
            utf8_of(m.lpszHeaders), utf8_of(m.lpszText), utf8_of(m.lpszHTML),
            utf8_of(m.lpszAttach),  m.nCharSet,          m.nEncType};
}

template <class C>
SubmissionServer server_of(const BasicSmtpServer<C>& s) {
    return {utf8_of(s.lpszHostName),
            utf8_of(s.lpszUserName),
            utf8_of(s.lpszPassword),
            s.nHostPort,
            s.nTimeout,
            s.dwOptions};
}

// The message, or nullopt with `error` set: a From or To missing or not an
// address list, a date that is no RFC 5322 date, a header line without a
// colon or one the builder owns, a file that cannot be read, an unknown
// character set or encoding value.
std::optional<Message> compose_submission(const Submission& submission, ErrorRecord& error);

}  // namespace smtpkit::compat
