// One header field of a message, and the checks that keep a caller's header
// names and values from injecting lines (or whole fields) into a message.
#pragma once

#include <string>
#include <string_view>
#include <system_error>

namespace smtpkit {

struct HeaderField {
    std::string name;   // as written ("Subject", "X-Mailer"); compare case-insensitively
    std::string value;  // unfolded, without the leading and trailing white space

    friend bool operator==(const HeaderField&, const HeaderField&) = default;
};

// RFC 5322 3.6.8 field-name: one or more printable US-ASCII octets (33..126)
// other than ':', and short enough that "name: " fits a 998-octet line.
bool is_valid_field_name(std::string_view name) noexcept;

// A value a caller may hand to the header encoder: no CR, LF or NUL (the
// encoder folds long values itself; a line break in the value would start a
// new field). Other octets, UTF-8 included, are the encoder's business.
bool is_valid_field_value(std::string_view value) noexcept;

// Both checks; sets ec to error::invalid_header when either fails, else
// clears it.
void check_header_field(std::string_view name, std::string_view value,
                        std::error_code& ec) noexcept;

}  // namespace smtpkit
