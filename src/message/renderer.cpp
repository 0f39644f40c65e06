// The plan of a message: its header fields, then each MIME entity's headers
// and body, in order. In-memory text is encoded here, once; files and
// streams are referenced and encoded as the message streams (body_stream.cpp).
#include "message/renderer.hpp"

#include <algorithm>

#include "message/body_stream.hpp"
#include "message/identity.hpp"
#include "message/mime_writer.hpp"
#include "smtpkit/error.hpp"

namespace smtpkit {
namespace {

using message::Segment;

bool non_ascii(std::string_view s) {
    return std::any_of(s.begin(), s.end(),
                       [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
}

const char* disposition_name(MimePart::Disposition d) {
    switch (d) {
        case MimePart::Disposition::inline_part:
            return "inline";
        case MimePart::Disposition::attachment:
            return "attachment";
        case MimePart::Disposition::none:
            break;
    }
    return "";
}

std::string reference_list(const std::vector<std::string>& ids) {
    std::string out;
    for (const std::string& id : ids) {
        out += (out.empty() ? "<" : " <") + id + ">";
    }
    return out;
}

// In the domain of the first From address, as an A-label so that the field
// stays ASCII whatever the server.
std::string default_message_id(const Message& m, const std::string& token) {
    std::string address;
    if (!m.from().empty()) {
        std::error_code ec;
        address = to_ascii_address(m.from().front().address, ec);
    }
    return message::message_id_for(token, address);
}

}  // namespace

Renderer::Renderer(const Message& m, const RenderOptions& options)
    : options_(options), plan_(std::make_shared<message::Plan>()), token_(m.id_token_) {
    plan_->size = 0;
    add_headers(m);
    add_entity(layout_body(m.text_, m.html_, m.embedded_, m.attachments_, m.body_));
    flush_literal();
}

// --- segments ---------------------------------------------------------------------

// Consecutive literal text is gathered into one segment.
void Renderer::add_literal(std::string_view text) {
    pending_ += text;
}

void Renderer::flush_literal() {
    if (pending_.empty()) {
        return;
    }
    if (plan_->size) {
        *plan_->size += pending_.size();
    }
    plan_->segments.push_back({Segment::Kind::literal, std::move(pending_), nullptr});
    pending_.clear();
}

void Renderer::add_stream(Segment::Kind kind, std::shared_ptr<const MimePart::Data> d,
                          std::optional<std::uint64_t> size) {
    flush_literal();
    if (plan_->size && size) {
        *plan_->size += *size;
    } else {
        plan_->size.reset();
    }
    if (d->kind == MimePart::Data::Kind::stream && !d->source->restartable()) {
        plan_->restartable = false;
    }
    plan_->segments.push_back({kind, {}, std::move(d)});
}

void Renderer::note_content(ContentClass c) {
    plan_->content_class = std::max(plan_->content_class, c);
}

// --- the message's own fields -----------------------------------------------------

void Renderer::add_headers(const Message& m) {
    const bool utf8 = options_.smtputf8;
    std::string h = message::structured_field(
        "Date", message::rfc5322_date(m.date_.value_or(std::chrono::system_clock::now())));
    if (!m.from_.empty()) {
        h += message::address_field("From", m.from_, utf8);
    }
    if (m.sender_) {
        h += message::address_field("Sender", {*m.sender_}, utf8);
    }
    if (!m.to_.empty()) {
        h += message::address_field("To", m.to_, utf8);
    }
    if (!m.cc_.empty()) {
        h += message::address_field("Cc", m.cc_, utf8);
    }
    // Bcc: in the envelope only, never written.
    if (!m.reply_to_.empty()) {
        h += message::address_field("Reply-To", m.reply_to_, utf8);
    }
    if (m.subject_) {
        h += message::unstructured_field("Subject", *m.subject_, utf8);
    }
    const std::string id =
        !m.message_id_.empty() ? m.message_id_ : default_message_id(m, m.id_token_);
    h += message::structured_field("Message-ID", "<" + id + ">");
    if (!m.in_reply_to_.empty()) {
        h += message::structured_field("In-Reply-To", "<" + m.in_reply_to_ + ">");
    }
    if (!m.references_.empty()) {
        h += message::structured_field("References", reference_list(m.references_));
    }
    for (const auto& [name, value] : m.headers_) {
        h += message::unstructured_field(name, value, utf8);
    }
    h += "MIME-Version: 1.0\r\n";
    plan_->eight_bit_headers = utf8 && non_ascii(h);
    if (plan_->eight_bit_headers) {
        note_content(ContentClass::eight_bit);
    }
    add_literal(std::move(h));
}

// --- MIME entities ------------------------------------------------------------------------

// "=_" cannot occur in base64 or quoted-printable output, and the message's
// 26 random characters make a clash with 7bit text as good as impossible.
// Drawn from the message, so rendering the same message twice gives the same
// octets.
std::string Renderer::next_boundary() {
    return "=_smtpkit_" + token_ + "_" + std::to_string(boundaries_++);
}

void Renderer::add_entity(const MimePart& part) {
    const auto& d = part.data_;
    if (d->kind != MimePart::Data::Kind::multipart) {
        add_leaf_body(d);
        return;
    }
    const std::string boundary = next_boundary();
    add_entity_headers(*d, boundary);
    add_literal("\r\n");
    for (const MimePart& child : d->children) {
        add_literal("--" + boundary + "\r\n");
        add_entity(child);
        add_literal("\r\n");
    }
    add_literal("--" + boundary + "--\r\n");
}

void Renderer::add_entity_headers(const MimePart::Data& d, const std::string& boundary) {
    const bool utf8 = options_.smtputf8;
    std::vector<message::Parameter> type_params;
    if (!boundary.empty()) {
        type_params.push_back({"boundary", boundary});
    } else if (d.kind == MimePart::Data::Kind::text) {
        type_params.push_back({"charset", "utf-8"});
    }
    std::string h = message::parameter_field("Content-Type", d.media_type, type_params, utf8);
    const auto disposition =
        d.disposition.value_or(!d.content_id.empty() ? MimePart::Disposition::inline_part
                               : d.filename.empty()  ? MimePart::Disposition::none
                                                     : MimePart::Disposition::attachment);
    if (disposition != MimePart::Disposition::none) {
        std::vector<message::Parameter> params;
        if (!d.filename.empty()) {
            params.push_back({"filename", d.filename});
        }
        h += message::parameter_field("Content-Disposition", disposition_name(disposition), params,
                                      utf8);
    }
    if (!d.content_id.empty()) {
        h += message::structured_field("Content-ID", "<" + d.content_id + ">");
    }
    if (!d.description.empty()) {
        h += message::unstructured_field("Content-Description", d.description, utf8);
    }
    for (const auto& [name, value] : d.headers) {
        h += message::unstructured_field(name, value, utf8);
    }
    if (utf8 && non_ascii(h)) {
        plan_->eight_bit_headers = true;
        note_content(ContentClass::eight_bit);
    }
    add_literal(std::move(h));
}

void Renderer::add_leaf_body(const std::shared_ptr<const MimePart::Data>& d) {
    using Kind = MimePart::Data::Kind;
    switch (d->kind) {
        case Kind::text: {
            message::EncodedText encoded = message::encode_text(d->text, options_.eight_bit);
            add_entity_headers(*d, {});
            add_literal("Content-Transfer-Encoding: " + encoded.encoding + "\r\n\r\n");
            if (encoded.encoding == "8bit") {
                note_content(ContentClass::eight_bit);
            }
            add_literal(std::move(encoded.body));
            return;
        }
        case Kind::message: {
            // The inner message with the same options: its parts are encoded
            // for the same server, so it needs no transfer encoding itself.
            const Renderer inner(*d->message, options_);
            note_content(inner.plan().content_class);
            add_entity_headers(*d, {});
            add_literal(std::string("Content-Transfer-Encoding: ") +
                        (inner.plan().content_class == ContentClass::seven_bit ? "7bit" : "8bit") +
                        "\r\n\r\n");
            for (const Segment& s : inner.plan().segments) {
                if (s.kind == Segment::Kind::literal) {
                    add_literal(s.text);
                } else {
                    add_stream(s.kind, s.part, message::streamed_size(s));
                }
            }
            return;
        }
        case Kind::raw_file:
            if (d->raw_class == ContentClass::seven_bit || options_.eight_bit) {
                note_content(d->raw_class == ContentClass::seven_bit ? ContentClass::seven_bit
                                                                     : ContentClass::eight_bit);
                add_entity_headers(*d, {});
                add_literal(std::string("Content-Transfer-Encoding: ") +
                            (d->raw_class == ContentClass::seven_bit ? "7bit" : "8bit") +
                            "\r\n\r\n");
                add_stream(Segment::Kind::raw, d, d->size);
                return;
            }
            // 8-bit and no 8BITMIME: message/rfc822 cannot be encoded (RFC
            // 2046 5.2.1), so it goes as an opaque base64 attachment.
            {
                auto opaque = std::make_shared<MimePart::Data>(*d);
                opaque->media_type = "application/octet-stream";
                add_entity_headers(*opaque, {});
                add_literal("Content-Transfer-Encoding: base64\r\n\r\n");
                add_stream(Segment::Kind::base64, opaque,
                           message::Base64Stream::encoded_size(*d->size));
            }
            return;
        case Kind::bytes:
        case Kind::file:
        case Kind::stream:
            add_entity_headers(*d, {});
            add_literal("Content-Transfer-Encoding: base64\r\n\r\n");
            add_stream(Segment::Kind::base64, d,
                       d->size ? std::optional(message::Base64Stream::encoded_size(*d->size))
                               : std::nullopt);
            return;
        case Kind::multipart:
            break;
    }
}

// --- output ---------------------------------------------------------------------------------

MessageSource Renderer::source() const {
    return message::plan_source(plan_);
}

std::string Renderer::to_string() const {
    return message::render_all(plan_);
}

}  // namespace smtpkit
