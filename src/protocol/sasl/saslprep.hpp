// SASLprep (RFC 4013) over GNU libidn's stringprep. Internal to the core.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace smtpkit::protocol::sasl::detail {

// RFC 3454 7: a "query" string may hold code points unassigned in Unicode
// 3.2; a "stored" string may not. SCRAM prepares user names and passwords as
// queries (RFC 5802 2.2, 5.1).
enum class StringKind { query, stored };

// The prepared UTF-8 string, or nullopt when the input is not UTF-8, holds a
// prohibited code point (controls, NUL, ...), breaks the bidi rules, or (for
// a stored string) holds an unassigned code point.
std::optional<std::string> saslprep(std::string_view text, StringKind kind = StringKind::query);

}  // namespace smtpkit::protocol::sasl::detail
