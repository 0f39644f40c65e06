// A minimal RFC 5322 message for `smtpkit send --subject/--text`: the
// headers a receiving system expects (Date, From, To, Subject, Message-ID,
// MIME) and a text/plain UTF-8 body. The full MIME builder lives in
// message/; this covers the one-text-part case the command line needs.
#pragma once

#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace smtpkit::cli {

struct ComposeInput {
    std::string from;             // canonical address
    std::vector<std::string> to;  // canonical addresses
    std::string subject;          // UTF-8
    std::string text;             // UTF-8, any line endings
};

// What varies between runs, separate so tests can fix it.
struct ComposeContext {
    std::time_t now = 0;
    std::string message_id;  // "<...@...>", or empty to leave the header out
};

// The whole message with CRLF line endings. Sets ec (and returns "") when
// the subject or text cannot be sent as given: invalid_character for control
// characters (CR/LF in the subject would inject headers; NUL is never
// allowed), std::errc::illegal_byte_sequence for invalid UTF-8.
// `bad_field` names the offending option ("--subject" or "--text").
std::string compose_message(const ComposeInput& input, const ComposeContext& context,
                            std::error_code& ec, std::string& bad_field);

// RFC 5322 3.3 date-time in local time with its UTC offset, e.g.
// "Tue, 04 Mar 2025 14:05:09 +0100". Independent of the locale.
std::string rfc5322_date(std::time_t t);

// "<32 hex digits@host>" from 16 bytes of OpenSSL's RAND_bytes; nullopt when
// the generator fails (the submission server then adds one, RFC 6409 8.3).
std::optional<std::string> make_message_id(std::string_view host);

// The machine's host name when it is a valid domain, else "localhost".
std::string local_host_name();

// "Subject: ..." folded to 78 columns, as RFC 2047 encoded-words (UTF-8,
// base64) when the value is not plain printable ASCII. No trailing CRLF.
std::string subject_header(std::string_view subject);

// "To: a, b, ..." folded after commas. No trailing CRLF.
std::string address_list_header(std::string_view name, const std::vector<std::string>& addresses);

// The body with CRLF line endings and a final CRLF, and the transfer
// encoding it needs: "7bit", "8bit", or "base64" when a line is longer than
// the 998 octets RFC 5322 allows (the body is then base64-encoded).
struct EncodedBody {
    std::string encoding;
    std::string content;
};
EncodedBody encode_body(std::string_view text);

}  // namespace smtpkit::cli
