// The builder's door: what a caller gives a Message or MimePart is checked
// when it is given, and refused with an exception naming the field, so that
// nothing is ever built from it (no header or address injection).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "smtpkit/address.hpp"

namespace smtpkit::message {

// Throws smtpkit::system_error(invalid_header) when `value` holds CR, LF or
// NUL (or is not UTF-8), naming `field`.
void require_header_text(std::string_view field, std::string_view value);
// Throws invalid_header unless `name` is an RFC 5322 field name.
void require_field_name(std::string_view name);
// A message or content id without its <>: throws invalid_header unless it
// is printable US-ASCII other than '<' and '>' (no space). The fields that
// carry ids are written in US-ASCII whatever the server takes.
void require_id(std::string_view field, std::string_view id);
// Parses an address list; throws invalid_address_list (or invalid_idn)
// naming `field`.
std::vector<Mailbox> require_addresses(std::string_view field, std::string_view list);
Mailbox require_mailbox(std::string_view field, std::string_view text);
// A mailbox given as a value is checked as if it had been parsed.
void require_mailbox(std::string_view field, const Mailbox& mailbox);

}  // namespace smtpkit::message
