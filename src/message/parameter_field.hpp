// Fields with MIME parameters (RFC 2045 5.1, RFC 2183, RFC 2231):
//   Content-Type: text/plain; charset=utf-8
//   Content-Disposition: attachment; filename="report 2024.pdf"
//
// Each parameter value is written by the first form that carries it:
//   - as a token (charset=utf-8) or a quoted-string (filename="a b.pdf",
//     '"' and '\' escaped) when it is printable US-ASCII (or, with
//     options.utf8, UTF-8 as well: RFC 6532 allows it in quoted-strings);
//   - otherwise (non-ASCII, control characters) as an RFC 2231 extended
//     value, filename*=UTF-8''%E2%82%AC.pdf, every octet outside
//     attribute-char percent-encoded;
//   - a value too long for one line is split into RFC 2231 continuations
//     (filename*0="..."; filename*1="..." or filename*0*=UTF-8''...;
//     filename*1*=...), each on its own line within 78 octets, split between
//     whole UTF-8 characters.
// Parameter::rfc2047 asks instead for RFC 2047 encoded-words inside a
// quoted string (name="=?UTF-8?B?...?="): not standard (RFC 2047 5 says
// encoded-words do not belong in quoted strings) but what old readers
// understand on Content-Type's name=. Pair it with an RFC 2231 filename on
// Content-Disposition, which standard readers take first.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <system_error>

#include "message/header_field.hpp"

namespace smtpkit::message {

struct Parameter {
    std::string_view name;   // an RFC 2231 attribute: a token without '*', '\'' or '%'
    std::string_view value;  // UTF-8
    bool rfc2047 = false;    // for values that are not plain ASCII (see above)
};

// "Field: value; name=value; ..." CRLF, one parameter per line once the
// first line is full. `value` is the media type ("text/plain") or the
// disposition ("attachment"): tokens and '/', at most 255 octets. Errors (error::invalid_header,
// "" returned): a bad field name, value or parameter name (at most 76
// octets), or CR, LF, NUL or malformed UTF-8 in a parameter value.
std::string encode_parameter_field(std::string_view field, std::string_view value,
                                   std::span<const Parameter> parameters,
                                   const HeaderOptions& options, std::error_code& ec);

}  // namespace smtpkit::message
