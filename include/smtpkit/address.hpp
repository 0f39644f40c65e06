// RFC 5322 addresses as people write them in header fields ("Name <a@b>",
// groups, comments, RFC 2047 encoded names, RFC 6532 UTF-8) turned into
// mailboxes whose `address` is ready for the RFC 5321 envelope, and IDNA
// (UTS #46) for domains a server without SMTPUTF8 must see as A-labels.
//
// What the parser accepts beyond the strict grammar, because real mail has it:
// - ';' as well as ',' between addresses (Outlook, SocketTools); a ';' right
//   after a group's members is the group's own terminator.
// - empty list elements ("a@b,,c@d", trailing commas), a group without its
//   closing ';' at the end of the text, obsolete routes ("<@x,@y:a@b>",
//   ignored), "." in display names ("John Q. Public"), white space and
//   comments around the dots of a local part or domain (obs-local-part,
//   obs-domain), a bare address used as its own display name
//   ("a@b <a@b>").
// - folded text (CRLF or LF followed by a space or tab) anywhere white space
//   may be; any other CR or LF, NUL, or other control (DEL included) is
//   error::invalid_character, so a header value can never smuggle in a line.
//
// What it gives back:
// - Mailbox::address is protocol::canonical_address of the addr-spec: quotes
//   only where the local part needs them, the domain exactly as written (case
//   and U-labels kept; to_ascii_address() converts). Comments are dropped.
// - Mailbox::name is the display name in UTF-8: quoted strings unescaped,
//   words joined by one space where the text had white space, encoded-words
//   decoded (UTF-8, US-ASCII and ISO-8859-1 natively, other charsets through
//   iconv). An encoded-word that cannot be decoded (unknown charset, bad
//   base64, or text that would decode to a control character) stays as
//   written. Octets that are not UTF-8 (legacy 8-bit names) become U+FFFD:
//   the name is always valid UTF-8, and a name never fails a parse.
//
// Errors (in `ec`; `where`, if given, gets the offset and a sentence):
//   invalid_character     CR/LF outside a fold, NUL, another control
//   invalid_address_list  the grammar is broken, or a limit was passed
//   invalid_address       the addr-spec is RFC 5322 but no RFC 5321 mailbox
//                         (local part over 64 octets, "a_b" domain, bad UTF-8)
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <system_error>
#include <variant>
#include <vector>

#include "smtpkit/parse_error.hpp"

namespace smtpkit {

struct Mailbox {
    std::string name;     // display name, UTF-8; "" when there is none
    std::string address;  // canonical RFC 5321 "local@domain", no angle brackets

    friend bool operator==(const Mailbox&, const Mailbox&) = default;
};

struct AddressGroup {
    std::string name;  // the group's display name ("undisclosed-recipients")
    std::vector<Mailbox> members;

    friend bool operator==(const AddressGroup&, const AddressGroup&) = default;
};

// One element of an address list as written: a mailbox or a group.
using Address = std::variant<Mailbox, AddressGroup>;

// Bounds that keep hostile input cheap: every parse is linear in the input,
// and these cap the input itself.
struct AddressListLimits {
    std::size_t max_size = std::size_t{64} * 1024;  // octets of text
    std::size_t max_addresses = 10'000;             // mailboxes, group members included
    std::size_t max_comment_depth = 32;             // "(a (b (c)))" is depth 3
};

// An address list (To, Cc, Bcc, From, Reply-To, ...), groups kept. An empty
// or all-blank text is an empty list, not an error.
std::vector<Address> parse_addresses(std::string_view text, std::error_code& ec,
                                     ParseError* where = nullptr,
                                     const AddressListLimits& limits = {});
std::vector<Address> parse_addresses(std::string_view text, const AddressListLimits& limits = {});

// The same list with groups flattened into their members, in order (an empty
// group such as "undisclosed-recipients:;" contributes nothing): the
// recipients an envelope needs.
std::vector<Mailbox> parse_address_list(std::string_view text, std::error_code& ec,
                                        ParseError* where = nullptr,
                                        const AddressListLimits& limits = {});
std::vector<Mailbox> parse_address_list(std::string_view text,
                                        const AddressListLimits& limits = {});

// Exactly one mailbox ("Name <a@b>" or "a@b", comments and folds allowed);
// a group, a second address or an empty text is invalid_address_list.
Mailbox parse_mailbox(std::string_view text, std::error_code& ec, ParseError* where = nullptr);
Mailbox parse_mailbox(std::string_view text);

// The throwing forms above throw smtpkit::system_error whose what() holds the
// reason and the offset.

// IDNA2008 with UTS #46 processing, non-transitional, NFC first (libidn2):
// "Bücher.example" -> "xn--bcher-kva.example". An all-ASCII domain and an
// address literal ("[192.0.2.1]") come back unchanged. Sets ec to
// invalid_idn when the domain cannot be converted or the result is no RFC
// 5321 domain, invalid_character for controls; returns "" on error.
std::string to_ascii_domain(std::string_view domain, std::error_code& ec);
std::string to_ascii_domain(std::string_view domain);

// The address (as parse_* give it, or any RFC 5321 mailbox, angle brackets
// allowed) with its domain converted by to_ascii_domain(). The local part is
// left alone: IDNA has no form for it, so a UTF-8 local part still needs a
// server offering SMTPUTF8 (RFC 6531) and protocol::is_utf8_address() stays
// true. Sets ec to invalid_address or invalid_idn; returns "" on error.
std::string to_ascii_address(std::string_view address, std::error_code& ec);
std::string to_ascii_address(std::string_view address);

}  // namespace smtpkit
