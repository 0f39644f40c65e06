// Header names and values from callers, checked before they reach a message.
#include "smtpkit/header_field.hpp"

#include <algorithm>

#include "smtpkit/error.hpp"

namespace smtpkit {

bool is_valid_field_name(std::string_view name) noexcept {
    constexpr std::size_t max_name = 998 - 2;  // "name: " on one line
    if (name.empty() || name.size() > max_name) {
        return false;
    }
    return std::all_of(name.begin(), name.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u >= 33 && u <= 126 && c != ':';
    });
}

bool is_valid_field_value(std::string_view value) noexcept {
    return value.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

void check_header_field(std::string_view name, std::string_view value,
                        std::error_code& ec) noexcept {
    if (is_valid_field_name(name) && is_valid_field_value(value)) {
        ec.clear();
    } else {
        ec = make_error_code(error::invalid_header);
    }
}

}  // namespace smtpkit
