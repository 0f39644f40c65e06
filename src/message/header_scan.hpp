// The header section read line by line, each field with the octets it
// occupies in the message, so that fields can be dropped byte-exactly
// (header_section_without_bcc) as well as read (read_header_section).
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "parse_failure.hpp"
#include "smtpkit/header_field.hpp"
#include "smtpkit/header_reader.hpp"

namespace smtpkit::message {

struct ScannedField {
    HeaderField field;
    std::size_t begin = 0;  // the first octet of the field's first line
    std::size_t end = 0;    // just after the last line's line ending
};

struct ScannedSection {
    std::vector<ScannedField> fields;
    std::size_t fields_end = 0;   // where the empty line (or the text's end) is
    std::size_t body_offset = 0;  // just after the empty line
    bool complete = false;
};

// False, with `failure` set (always malformed_message), when the section
// cannot be read. Linear in the octets read; reads nothing past the empty
// line or past limits.max_size.
bool scan_header_section(std::string_view text, const HeaderLimits& limits, ScannedSection& out,
                         Failure& failure);

// Case-insensitive ASCII comparison for field names.
bool field_name_is(std::string_view name, std::string_view wanted) noexcept;

}  // namespace smtpkit::message
