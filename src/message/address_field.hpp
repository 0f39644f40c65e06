// Mailbox and address-list fields (RFC 5322 3.4, 3.6.2, 3.6.3: From, To,
// Cc, Bcc, Reply-To, Sender) from display names (UTF-8) and addresses.
//
// A display name is written, by the first form that carries it exactly:
//   - as atoms (John Smith) when it is words of atext separated by single
//     spaces;
//   - as a quoted-string ("Smith, John", "a \"b\"") when it is printable
//     text, with '"' and '\' escaped;
//   - as RFC 2047 encoded-words under the phrase rules (RFC 2047 5(3)) for
//     anything else: non-ASCII, tabs, control characters, "=?", or a name
//     too long for one line. The whole name is encoded (spaces included),
//     split only where it does not fit one word.
// With options.utf8 (RFC 6532), UTF-8 counts as atext and qtext, so
// non-ASCII names are written as they are.
//
// Addresses are written as given, after the checks of the envelope's
// canonical_address() (so a caller's address cannot carry a second address,
// a comment or a line break); the caller turns domains into A-labels first
// where SMTPUTF8 is not in use. Folding happens between addresses, and
// between a name and its address or the words of a name when a line is full.
#pragma once

#include <concepts>
#include <iterator>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "message/header_field.hpp"

namespace smtpkit::message {

struct MailboxRef {
    std::string_view name;     // display name, UTF-8; empty for none
    std::string_view address;  // local@domain
};

// "Name: mailbox, mailbox, ..." CRLF. Errors ("" returned): a bad field name
// or an empty list (error::invalid_header); CR, LF, NUL or malformed UTF-8 in
// a name (error::invalid_header); an address canonical_address() refuses
// (invalid_character, invalid_address, or utf8_not_allowed for a UTF-8
// address without options.utf8).
std::string encode_address_field(std::string_view field, std::span<const MailboxRef> mailboxes,
                                 const HeaderOptions& options, std::error_code& ec);

// The same for any range of values with `name` and `address` members (such
// as smtpkit::Mailbox).
template <typename Range>
requires(!std::convertible_to<const Range&, std::span<const MailboxRef>>) &&
    requires(const Range& r) {
    {std::string_view(std::begin(r)->name)};
    {std::string_view(std::begin(r)->address)};
}
std::string encode_address_field(std::string_view field, const Range& mailboxes,
                                 const HeaderOptions& options, std::error_code& ec) {
    std::vector<MailboxRef> refs;
    for (const auto& mailbox : mailboxes) {
        refs.push_back({mailbox.name, mailbox.address});
    }
    return encode_address_field(field, std::span<const MailboxRef>(refs), options, ec);
}

}  // namespace smtpkit::message
