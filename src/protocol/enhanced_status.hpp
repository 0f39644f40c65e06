// Internal: recognising an RFC 3463 enhanced status code at the start of a
// reply line's text ("5.1.1 User unknown").
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include "smtpkit/reply.hpp"

namespace smtpkit::protocol::detail {

struct EnhancedStatusMatch {
    EnhancedStatus status;
    std::size_t length = 0;  // octets of "c.s.d", not counting the space after it
};

// The enhanced code at the start of `text`, when there is one whose class
// (2, 4 or 5) matches the first digit of `reply_code`, with 1-3 digits of
// subject and of detail, followed by a space or the end of the text.
// Anything else (qmail's "(#2.0.0)", "1.2.3", "5.1.1:") is no code.
std::optional<EnhancedStatusMatch> match_enhanced_status(std::string_view text, int reply_code);

}  // namespace smtpkit::protocol::detail
