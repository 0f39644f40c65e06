// Unstructured header fields (RFC 5322 3.2.5, 3.6.5: Subject, Comments,
// custom X- fields) from UTF-8 text.
//
// The value is split into words at spaces and tabs. A word is written as it
// is unless it must be encoded: it holds non-ASCII (without options.utf8) or
// control characters, it contains "=?" (decoders would take it for an
// encoded-word), or it is too long to fold (more than fits a 78-octet line;
// 998 with options.utf8). Consecutive words to encode become one run of
// RFC 2047 encoded-words that carries the white space between them, since
// decoders drop white space between encoded-words; the white space between
// a plain word and an encoded one stays outside and is kept by decoders.
// White space at the start or end of the value, or a long run of it, goes
// inside encoded-words too, so that decoding gives back exactly the text.
#pragma once

#include <string>
#include <string_view>
#include <system_error>

#include "message/header_field.hpp"

namespace smtpkit::message {

// "Name: value" CRLF, folded (header_field.hpp). Errors (error::invalid_header,
// "" returned): a name that is not ftext, CR, LF or NUL in the value, or
// malformed UTF-8.
std::string encode_unstructured(std::string_view name, std::string_view value,
                                const HeaderOptions& options, std::error_code& ec);

}  // namespace smtpkit::message
