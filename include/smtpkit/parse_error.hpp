// Where and why a message-layer parser gave up.
//
// The error_code stays the one error channel (as everywhere in smtpkit): it
// says *what* kind of failure (invalid_address_list, malformed_message, ...)
// and is what callers branch on. A ParseError is an optional extra for people:
// the octet offset and a sentence, so a tool can say "To: unterminated quoted
// string at offset 17". Parsers take it as a nullable pointer, so callers who
// do not want it pay nothing (no string is built unless it is asked for).
#pragma once

#include <cstddef>
#include <string>

namespace smtpkit {

struct ParseError {
    std::size_t offset = 0;  // octet offset into the text given to the parser
    std::string reason;      // e.g. "unterminated quoted string"
};

}  // namespace smtpkit
