// DkimSigner: settings checked at sign(), one pass to digest the message,
// and a source that puts the field in front of a fresh read of it.
#include <algorithm>
#include <cstring>
#include <memory>

#include "message/dkim_body_hash.hpp"
#include "message/dkim_key_impl.hpp"
#include "message/dkim_signature.hpp"
#include "message/header_scan.hpp"
#include "smtpkit/error.hpp"
#include "smtpkit/header_field.hpp"

namespace smtpkit {
namespace {

// ASCII labels of letters, digits, '-' and '_' (selectors often hold an
// underscore), 1-63 octets each, dot-separated.
bool is_dns_name(std::string_view name) {
    if (name.empty() || name.size() > 253) {
        return false;
    }
    std::size_t label = 0;
    for (const char c : name) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '-' || c == '_';
        if (c == '.') {
            if (label == 0) {
                return false;
            }
            label = 0;
        } else if (!ok || ++label > 63) {
            return false;
        }
    }
    return label > 0;
}

// RFC 6376 3.5 i=: the domain is d= or a subdomain of it.
bool is_valid_identity(std::string_view auid, std::string_view domain) {
    const std::size_t at = auid.rfind('@');
    if (at == std::string_view::npos) {
        return false;
    }
    const std::string_view host = auid.substr(at + 1);
    if (!is_dns_name(host) || host.size() < domain.size()) {
        return false;
    }
    const std::string_view tail = host.substr(host.size() - domain.size());
    return message::field_name_is(tail, domain) &&
           (host.size() == domain.size() || host[host.size() - domain.size() - 1] == '.');
}

bool valid_settings(const DkimSigner::Settings& s) {
    const auto bad_name = [](const std::string& n) { return !is_valid_field_name(n); };
    return s.key.valid() && is_dns_name(s.domain) && is_dns_name(s.selector) &&
           (!s.identity || is_valid_identity(*s.identity, s.domain)) &&
           std::none_of(s.headers.begin(), s.headers.end(), bad_name) &&
           std::none_of(s.oversigned.begin(), s.oversigned.end(), bad_name);
}

// The field first, then the message as a fresh read of it gives it.
MessageSource::Reader prefixed(std::shared_ptr<const std::string> field,
                               MessageSource::Reader message) {
    return [field, message, pos = std::size_t{0}](char* buf, std::size_t n,
                                                  std::error_code& ec) mutable -> std::size_t {
        if (pos < field->size()) {
            const std::size_t count = std::min(n, field->size() - pos);
            std::memcpy(buf, field->data() + pos, count);
            pos += count;
            return count;
        }
        return message(buf, n, ec);
    };
}

}  // namespace

DkimSigner::DkimSigner(DkimKey key, std::string_view domain, std::string_view selector) {
    settings_.key = std::move(key);
    settings_.domain = domain;
    settings_.selector = selector;
    settings_.headers = default_headers();
    settings_.oversigned = {"From"};
}

const std::vector<std::string>& DkimSigner::default_headers() {
    static const std::vector<std::string> names{
        "From",        "To",        "Cc",           "Subject",      "Date",
        "Message-ID",  "Reply-To",  "MIME-Version", "Content-Type", "Content-Transfer-Encoding",
        "In-Reply-To", "References"};
    return names;
}

DkimSigner& DkimSigner::canonicalization(DkimCanonicalization header, DkimCanonicalization body) {
    settings_.header_c = header;
    settings_.body_c = body;
    return *this;
}

DkimSigner& DkimSigner::headers(std::vector<std::string> names) {
    settings_.headers = std::move(names);
    return *this;
}

DkimSigner& DkimSigner::oversigned_headers(std::vector<std::string> names) {
    settings_.oversigned = std::move(names);
    return *this;
}

DkimSigner& DkimSigner::identity(std::string_view auid) {
    settings_.identity = std::string(auid);
    return *this;
}

DkimSigner& DkimSigner::timestamp(std::optional<std::chrono::system_clock::time_point> when) {
    settings_.timestamp = when;
    settings_.timestamp_now = false;
    return *this;
}

DkimSigner& DkimSigner::timestamp_now() {
    settings_.timestamp.reset();
    settings_.timestamp_now = true;
    return *this;
}

DkimSigner& DkimSigner::expire_after(std::optional<std::chrono::seconds> validity) {
    settings_.validity = validity;
    return *this;
}

std::string DkimSigner::signature_field(const MessageSource& message, std::error_code& ec) const {
    ec.clear();
    if (!valid_settings(settings_)) {
        ec = make_error_code(error::dkim_invalid_settings);
        return {};
    }
    message::DkimDigest digest;
    if (!message::digest_message(message, settings_.body_c, digest, ec)) {
        return {};
    }
    return message::make_signature_field(settings_, *settings_.key.impl_, digest, ec);
}

MessageSource DkimSigner::sign(const MessageSource& message, std::error_code& ec) const {
    if (!message.restartable()) {
        ec = make_error_code(error::dkim_source_not_restartable);
        return MessageSource::from_string({});
    }
    auto field = std::make_shared<const std::string>(signature_field(message, ec));
    if (ec) {
        return MessageSource::from_string({});
    }
    auto open = [field, message](std::error_code& open_ec) -> MessageSource::Reader {
        MessageSource::Reader reader = message.open(open_ec);
        return open_ec ? MessageSource::Reader{} : prefixed(field, std::move(reader));
    };
    const std::optional<std::uint64_t> size =
        message.size() ? std::optional(*message.size() + field->size()) : std::nullopt;
    return MessageSource::from_opener(std::move(open), size, message.content_class())
        .set_eight_bit_headers(message.eight_bit_headers());
}

MessageSource DkimSigner::sign(const MessageSource& message) const {
    std::error_code ec;
    MessageSource signed_message = sign(message, ec);
    if (ec) {
        throw system_error(ec, "DKIM signing");
    }
    return signed_message;
}

MessageSource DkimSigner::sign(const Message& message, const RenderOptions& options,
                               std::error_code& ec) const {
    try {
        return sign(message.source(options), ec);
    } catch (const std::system_error& e) {  // an attachment that cannot be read
        ec = e.code();
        return MessageSource::from_string({});
    }
}

MessageSource DkimSigner::sign(const Message& message, const RenderOptions& options) const {
    return sign(message.source(options));
}

}  // namespace smtpkit
