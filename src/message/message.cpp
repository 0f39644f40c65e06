// Message: the setters (each checks its input at once) and the envelope the
// headers imply.
#include "smtpkit/message.hpp"

#include <algorithm>
#include <cctype>
#include <set>

#include "message/ascii.hpp"
#include "message/identity.hpp"
#include "message/input_checks.hpp"
#include "message/mime_part_data.hpp"
#include "message/renderer.hpp"
#include "smtpkit/error.hpp"

namespace smtpkit {
namespace {

void append(std::vector<Mailbox>& field, std::vector<Mailbox> more) {
    field.insert(field.end(), std::make_move_iterator(more.begin()),
                 std::make_move_iterator(more.end()));
}

// "<id>" or "id" to "id", checked: it goes between <> in a header.
std::string bare_id(std::string_view field, std::string_view id) {
    message::require_header_text(field, id);
    if (id.size() >= 2 && id.front() == '<' && id.back() == '>') {
        id = id.substr(1, id.size() - 2);
    }
    message::require_id(field, id);
    return std::string(id);
}

bool non_ascii(std::string_view s) {
    return std::any_of(s.begin(), s.end(),
                       [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
}

std::string local_part(const std::string& address) {
    const auto at = address.rfind('@');
    return at == std::string::npos ? address : address.substr(0, at);
}

}  // namespace

Message::Message() : id_token_(message::random_id_token()) {}

// --- addresses --------------------------------------------------------------------

Message& Message::from(std::string_view list) {
    append(from_, message::require_addresses("From", list));
    return *this;
}
Message& Message::from(Mailbox mailbox) {
    message::require_mailbox("From", mailbox);
    from_.push_back(std::move(mailbox));
    return *this;
}
Message& Message::sender(std::string_view mailbox) {
    sender_ = message::require_mailbox("Sender", mailbox);
    return *this;
}
Message& Message::to(std::string_view list) {
    append(to_, message::require_addresses("To", list));
    return *this;
}
Message& Message::to(Mailbox mailbox) {
    message::require_mailbox("To", mailbox);
    to_.push_back(std::move(mailbox));
    return *this;
}
Message& Message::cc(std::string_view list) {
    append(cc_, message::require_addresses("Cc", list));
    return *this;
}
Message& Message::cc(Mailbox mailbox) {
    message::require_mailbox("Cc", mailbox);
    cc_.push_back(std::move(mailbox));
    return *this;
}
Message& Message::bcc(std::string_view list) {
    append(bcc_, message::require_addresses("Bcc", list));
    return *this;
}
Message& Message::bcc(Mailbox mailbox) {
    message::require_mailbox("Bcc", mailbox);
    bcc_.push_back(std::move(mailbox));
    return *this;
}
Message& Message::reply_to(std::string_view list) {
    append(reply_to_, message::require_addresses("Reply-To", list));
    return *this;
}

// --- other headers ---------------------------------------------------------------------

Message& Message::subject(std::string_view utf8) {
    message::require_header_text("Subject", utf8);
    subject_ = std::string(utf8);
    return *this;
}

Message& Message::date(std::chrono::system_clock::time_point when) {
    date_ = when;
    return *this;
}

Message& Message::message_id(std::string_view id) {
    message_id_ = bare_id("Message-ID", id);
    return *this;
}

Message& Message::in_reply_to(std::string_view id) {
    in_reply_to_ = bare_id("In-Reply-To", id);
    return *this;
}

Message& Message::references(std::vector<std::string> ids) {
    for (std::string& id : ids) {
        id = bare_id("References", id);
    }
    references_ = std::move(ids);
    return *this;
}

Message& Message::header(std::string_view name, std::string_view value) {
    message::require_field_name(name);
    message::require_header_text(name, value);
    static const std::set<std::string> builder_owned = {"bcc",          "mime-version",
                                                        "content-type", "content-transfer-encoding",
                                                        "content-id",   "content-disposition"};
    if (builder_owned.count(message::ascii_lower(name)) != 0) {
        throw system_error(make_error_code(error::invalid_header),
                           std::string(name) + " is the builder's to write");
    }
    headers_.emplace_back(name, value);
    return *this;
}

// --- body ---------------------------------------------------------------------------------

Message& Message::text(std::string utf8) {
    text_ = std::move(utf8);
    return *this;
}

Message& Message::html(std::string utf8) {
    html_ = std::move(utf8);
    return *this;
}

Message& Message::embed(MimePart part) {
    embedded_.push_back(std::move(part));
    return *this;
}

Message& Message::embed_file(const std::filesystem::path& path, std::string_view content_id,
                             std::string_view media_type) {
    MimePart part = MimePart::file(path, media_type);
    part.content_id(content_id).disposition(MimePart::Disposition::inline_part);
    return embed(std::move(part));
}

Message& Message::attach(MimePart part) {
    attachments_.push_back(std::move(part));
    return *this;
}

Message& Message::attach_file(const std::filesystem::path& path, std::string_view media_type) {
    MimePart part = MimePart::file(path, media_type);
    part.disposition(MimePart::Disposition::attachment);
    return attach(std::move(part));
}

Message& Message::body(MimePart part) {
    body_ = std::move(part);
    return *this;
}

// --- envelope -------------------------------------------------------------------------------

Envelope Message::envelope(bool smtputf8) const {
    Envelope e;
    const Mailbox* reverse = sender_ ? &*sender_ : from_.empty() ? nullptr : &from_.front();
    const auto envelope_address = [smtputf8](const Mailbox& m) {
        return smtputf8 ? m.address : to_ascii_address(m.address);
    };
    if (reverse != nullptr) {
        e.from = envelope_address(*reverse);
    }
    std::set<std::string> seen;
    for (const auto* field : {&to_, &cc_, &bcc_}) {
        for (const Mailbox& m : *field) {
            std::string address = envelope_address(m);
            if (seen.insert(message::ascii_lower(address)).second) {
                e.to.emplace_back(std::move(address));
            }
        }
    }
    return e;
}

bool Message::needs_smtputf8() const {
    const auto local_utf8 = [](const Mailbox& m) { return non_ascii(local_part(m.address)); };
    for (const auto* field : {&from_, &to_, &cc_, &bcc_, &reply_to_}) {
        if (std::any_of(field->begin(), field->end(), local_utf8)) {
            return true;
        }
    }
    return sender_ && local_utf8(*sender_);
}

// --- rendering --------------------------------------------------------------------------------

MessageSource Message::source(const RenderOptions& options) const {
    return Renderer(*this, options).source();
}

std::string Message::to_string(const RenderOptions& options) const {
    return Renderer(*this, options).to_string();
}

}  // namespace smtpkit
