// RFC 5321 envelope addresses (4.1.2 Mailbox) with RFC 6531 UTF-8 where the
// session allows it. The text put on the wire is always the canonical form
// this returns, never the caller's raw input.
#pragma once

#include <string>
#include <string_view>
#include <system_error>

namespace smtpkit::protocol {

struct AddressRules {
    bool allow_utf8 = false;  // RFC 6531: only when SMTPUTF8 is offered and used
    bool allow_null = false;  // "<>" (MAIL FROM of a bounce)
};

// Checks `input` ("user@example.com", "<user@example.com>", "\"a b\"@x.org",
// "user@[192.0.2.1]", "user@[IPv6:2001:db8::1]") and returns its canonical
// form without angle brackets: quotes only where the local part needs them,
// the domain as given. Sets ec to invalid_character (controls, CR, LF, NUL,
// DEL), utf8_not_allowed or invalid_address, and returns "" on error.
std::string canonical_address(std::string_view input, const AddressRules& rules,
                              std::error_code& ec);

// True when the address holds any octet >= 0x80 (needs SMTPUTF8).
bool is_utf8_address(std::string_view address) noexcept;

// Checks a domain (RFC 5321 Domain or address-literal) for EHLO/HELO.
bool is_valid_domain(std::string_view domain, bool allow_utf8) noexcept;

// True when `text` is well-formed UTF-8 (RFC 3629: no overlong forms, no
// surrogates, nothing above U+10FFFF). Pure ASCII is well-formed.
bool is_valid_utf8(std::string_view text) noexcept;

}  // namespace smtpkit::protocol
