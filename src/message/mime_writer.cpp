#include "message/mime_writer.hpp"

#include "message/address_field.hpp"
#include "message/header_field.hpp"
#include "message/quoted_printable.hpp"
#include "message/transfer_encoding.hpp"
#include "message/unstructured_field.hpp"
#include "smtpkit/error.hpp"

namespace smtpkit::message {
namespace {

// The builder checked every caller-given value when it was set, so an
// encoder refusing one here is a bug of ours, not bad input.
std::string checked(std::string field, std::error_code ec, std::string_view name) {
    if (ec) {
        throw system_error(ec, "writing the " + std::string(name) + " field");
    }
    return field;
}

// Text with every line break (CRLF, LF or a lone CR) written as CRLF, ending
// with one: the canonical form of text (RFC 2046 4.1.1).
std::string canonical_text(std::string_view text) {
    std::string out;
    out.reserve(text.size() + text.size() / 32 + 2);
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '\r') {
            out += "\r\n";
            if (i + 1 < text.size() && text[i + 1] == '\n') {
                ++i;
            }
        } else if (c == '\n') {
            out += "\r\n";
        } else {
            out += c;
        }
    }
    if (!out.empty() && !out.ends_with("\r\n")) {
        out += "\r\n";
    }
    return out;
}

}  // namespace

std::string unstructured_field(std::string_view name, std::string_view utf8, bool smtputf8) {
    std::error_code ec;
    std::string field = encode_unstructured(name, utf8, HeaderOptions{smtputf8}, ec);
    return checked(std::move(field), ec, name);
}

std::string address_field(std::string_view name, const std::vector<Mailbox>& mailboxes,
                          bool smtputf8) {
    std::vector<Mailbox> written = mailboxes;
    if (!smtputf8) {
        for (Mailbox& m : written) {
            std::error_code ec;
            std::string ascii = to_ascii_address(m.address, ec);
            if (!ec) {
                m.address = std::move(ascii);
            }
        }
    }
    std::error_code ec;
    std::string field = encode_address_field(name, written, HeaderOptions{smtputf8}, ec);
    return checked(std::move(field), ec, name);
}

std::string structured_field(std::string_view name, std::string_view value) {
    std::error_code ec;
    std::string field = fold_structured(name, value, HeaderOptions{}, ec);
    return checked(std::move(field), ec, name);
}

std::string parameter_field(std::string_view name, std::string_view value,
                            const std::vector<Parameter>& parameters, bool smtputf8) {
    std::error_code ec;
    std::string field =
        encode_parameter_field(name, value, parameters, HeaderOptions{smtputf8}, ec);
    return checked(std::move(field), ec, name);
}

EncodedText encode_text(std::string_view utf8, bool eight_bit_allowed) {
    const std::string text = canonical_text(utf8);
    const TransferEncoding encoding = choose_transfer_encoding(
        profile_content(text), TransferRules{.text = true, .eight_bit_mime = eight_bit_allowed});
    EncodedText out{std::string(to_string(encoding)), {}};
    switch (encoding) {
        case TransferEncoding::seven_bit:
        case TransferEncoding::eight_bit:
        case TransferEncoding::binary:
            out.body = text;
            break;
        case TransferEncoding::quoted_printable: {
            QuotedPrintableEncoder qp(QuotedPrintableEncoder::Mode::text);
            qp.encode(text, out.body);
            qp.finish(out.body);
            break;
        }
        case TransferEncoding::base64: {
            Base64Encoder b64;
            b64.encode(text, out.body);
            b64.finish(out.body);
            break;
        }
    }
    return out;
}

}  // namespace smtpkit::message
