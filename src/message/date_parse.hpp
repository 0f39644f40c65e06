// Reading an RFC 5322 date-time ("Tue, 4 Mar 2025 14:05:09 +0100"), the
// inverse of rfc5322_date(): for callers that hand a Date field over as text
// (SocketTools' SMTPMESSAGEEX::lpszDate) while the builder keeps a time.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace smtpkit::message {

// RFC 5322 3.3 with the obsolete forms of 4.3 that real mail has: the day
// of the week optional (and not checked against the date), seconds
// optional, two- and three-digit years, zones as +hhmm/-hhmm or UT, GMT,
// Z and the North American names. nullopt when the text is no such date.
std::optional<std::chrono::system_clock::time_point> parse_rfc5322_date(std::string_view text);

}  // namespace smtpkit::message
