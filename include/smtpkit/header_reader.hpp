// Reading the header section of an existing RFC 5322 message: for
// `sendmail -t` (recipients taken from the header, Bcc removed before
// sending) and for taking an envelope from a message file.
//
// The reader accepts CRLF and bare LF line endings (mixed, too: files on
// Unix have LF, messages off the wire CRLF), unfolds continuation lines and
// keeps the fields in order with their names as written. It stops at the
// first empty line; a text that ends first is a header section without a
// body (HeaderSection::complete says which). Bytes after the empty line are
// never looked at.
//
// Errors: error::malformed_message (a line that is neither "name: value" nor
// a continuation, a continuation before the first field, a bare CR, a NUL,
// an invalid field name, a limit passed), with `where` saying at which octet
// and why.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "smtpkit/address.hpp"
#include "smtpkit/header_field.hpp"
#include "smtpkit/parse_error.hpp"

namespace smtpkit {

struct HeaderLimits {
    // RFC 5322 2.1.1: a line MUST NOT exceed 998 octets without its CRLF.
    // Raise it to read messages from software that ignores that.
    std::size_t max_line_length = 998;
    std::size_t max_fields = 1000;
    std::size_t max_size =
        std::size_t{1024} * 1024;  // octets of the header section, blank line included
};

struct HeaderSection {
    std::vector<HeaderField> fields;  // in message order, values unfolded
    std::size_t body_offset = 0;      // where the body starts: just after the empty line
    bool complete = false;            // an empty line ended the section
};

// `message` is the whole message or any prefix of it that holds the header
// section. A field name may be followed by white space before the ':'
// (RFC 5322 4.5.3, obs-optional); it is not part of the name.
HeaderSection read_header_section(std::string_view message, std::error_code& ec,
                                  ParseError* where = nullptr, const HeaderLimits& limits = {});
HeaderSection read_header_section(std::string_view message, const HeaderLimits& limits = {});

// The header section exactly as in `message` (up to body_offset: the empty
// line included) minus every Bcc and Resent-Bcc field, continuation lines
// and all: what `sendmail -t` sends, with message.substr(body_offset) after
// it untouched. Errors as read_header_section().
std::string header_section_without_bcc(std::string_view message, std::error_code& ec,
                                       ParseError* where = nullptr,
                                       const HeaderLimits& limits = {});
std::string header_section_without_bcc(std::string_view message, const HeaderLimits& limits = {});

// Who a message is from and to, by its header fields.
//
// Normally From, Sender, To, Cc and Bcc. When the message carries Resent-*
// fields it has been resent (RFC 5322 3.6.6), and the recipients are those
// of the latest resending only: Resent-To, Resent-Cc and Resent-Bcc, with
// Resent-From and Resent-Sender for the sender. Each resending prepends its
// block of Resent-* fields, so the latest is the first block from the top (a
// block is a run of consecutive Resent-* fields; trace fields separate
// blocks). `resent` says which set was used.
//
// Several To/Cc/Bcc fields are read together, in order. `from` and `sender`
// are the first mailbox of the first such field (From may list several
// authors; RFC 5322 then requires a Sender).
struct HeaderRecipients {
    std::optional<Mailbox> from;
    std::optional<Mailbox> sender;
    std::vector<Mailbox> to, cc, bcc;
    bool resent = false;
};

// Sets ec to the address parser's error (invalid_address_list,
// invalid_character, invalid_address) for the first field that does not
// parse; `where` then names the field ("Cc: unterminated quoted string")
// and gives the offset in that field's unfolded value. `limits` apply to
// each field (raise them for a Bcc of thousands).
HeaderRecipients header_recipients(const std::vector<HeaderField>& fields, std::error_code& ec,
                                   ParseError* where = nullptr,
                                   const AddressListLimits& limits = {});
HeaderRecipients header_recipients(const std::vector<HeaderField>& fields,
                                   const AddressListLimits& limits = {});

// The envelope the header asks for: the reverse-path is the Sender (or
// Resent-Sender) mailbox if there is one, else the first From (Resent-From)
// mailbox; nullopt when the header names neither, so that the caller picks
// one (sendmail -f) rather than sending a null sender by accident.
std::optional<std::string> envelope_sender(const HeaderRecipients& recipients);

// Every To, Cc and Bcc address once, in that order (a second occurrence,
// with the domain compared without regard to ASCII case, is dropped).
std::vector<std::string> envelope_recipients(const HeaderRecipients& recipients);

}  // namespace smtpkit
