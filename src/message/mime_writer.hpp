// The pieces of MIME text the renderer writes, on top of the encoders
// (base64, quoted-printable, RFC 2047/2231 header encoding): one place that
// says how smtpkit writes a header field or a text body.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "message/base64_encoder.hpp"
#include "message/parameter_field.hpp"
#include "smtpkit/address.hpp"

namespace smtpkit::message {

// "Name: value" CRLF for unstructured text (Subject, Content-Description,
// custom fields): folded at 78, non-ASCII as RFC 2047 encoded-words (raw
// UTF-8 with `smtputf8`).
std::string unstructured_field(std::string_view name, std::string_view utf8, bool smtputf8);

// "Name: a, Name <b@c>, ..." CRLF: display names quoted or encoded as
// needed, domains as A-labels unless `smtputf8`, folded between addresses.
std::string address_field(std::string_view name, const std::vector<Mailbox>& mailboxes,
                          bool smtputf8);

// "Name: value" CRLF for a structured ASCII value (Message-ID, Date,
// References), folded at whitespace.
std::string structured_field(std::string_view name, std::string_view value);

// A header field whose value carries parameters: "Content-Type: text/plain;
// charset=utf-8" CRLF, each parameter quoted or RFC 2231-encoded as its
// value needs, folded so that lines stay within 78 where they can.
std::string parameter_field(std::string_view name, std::string_view value,
                            const std::vector<Parameter>& parameters, bool smtputf8);

// A text body (UTF-8, any line endings) ready to send: its transfer
// encoding ("7bit", "8bit", "quoted-printable" or "base64") and the encoded
// octets with CRLF line ends.
struct EncodedText {
    std::string encoding;
    std::string body;
};
EncodedText encode_text(std::string_view utf8, bool eight_bit_allowed);

// Base64 for content that streams (files, streams): lines of 76 characters
// and CRLF, the exact encoded size known from the input size.
using Base64Stream = Base64Encoder;

}  // namespace smtpkit::message
