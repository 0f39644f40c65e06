// The one pass a DKIM signature needs over a message: the header section
// kept (it is small and signed later), the body hashed as it streams, so a
// message of any size costs a few buffers.
#pragma once

#include <string>
#include <system_error>

#include "smtpkit/dkim.hpp"
#include "smtpkit/message_source.hpp"

namespace smtpkit::message {

struct DkimDigest {
    // The header section with CRLF line endings, each field ended by CRLF,
    // without the empty line that ends it.
    std::string header_section;
    std::string body_hash;  // SHA-256 of the canonical body, 32 octets
};

// Reads `source` once. Errors: the source's own (open or read), and
// malformed_message for a header section over HeaderLimits' default size.
bool digest_message(const MessageSource& source, DkimCanonicalization body, DkimDigest& out,
                    std::error_code& ec);

}  // namespace smtpkit::message
