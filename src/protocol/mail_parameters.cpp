// MAIL/RCPT parameters: the choice of each extension and its wire form.
#include "smtpkit/protocol/detail/mail_parameters.hpp"

#include <algorithm>
#include <charconv>
#include <cstdlib>

#include "smtpkit/error.hpp"
#include "smtpkit/protocol/address.hpp"
#include "smtpkit/protocol/command.hpp"

namespace smtpkit::protocol {
namespace {

// RFC 3461 4.4 and 4.2: ENVID at most 100 octets, ORCPT at most 500.
constexpr std::size_t max_envid = 100;
constexpr std::size_t max_orcpt = 500;
// RFC 2852 4: by-time is at most nine digits.
constexpr long long max_by_time = 999'999'999;

constexpr char hex_digits[] = "0123456789ABCDEF";

bool needs_smtputf8(const Envelope& envelope) {
    if (is_utf8_address(envelope.from)) {
        return true;
    }
    return std::any_of(envelope.to.begin(), envelope.to.end(),
                       [](const Recipient& r) { return is_utf8_address(r.address); });
}

bool is_printable_ascii(std::string_view text) {
    return std::all_of(text.begin(), text.end(), [](char c) { return c >= 0x20 && c < 0x7f; });
}

std::string strip_angles(std::string_view s) {
    if (s.size() >= 2 && s.front() == '<' && s.back() == '>') {
        s = s.substr(1, s.size() - 2);
    }
    return std::string(s);
}

// The next code point of valid UTF-8 at text[i]; advances i. -1 if malformed
// (is_valid_utf8 has checked the whole text first, so this only decodes).
long next_code_point(std::string_view text, std::size_t& i) {
    const auto lead = static_cast<unsigned char>(text[i++]);
    const int extra = lead >= 0xF0 ? 3 : lead >= 0xE0 ? 2 : lead >= 0xC0 ? 1 : 0;
    long cp = extra == 0 ? lead : (lead & (0x3F >> extra));
    for (int k = 0; k < extra && i < text.size(); ++k) {
        cp = (cp << 6) | (static_cast<unsigned char>(text[i++]) & 0x3F);
    }
    return cp;
}

// How the body is declared and what the content may then hold.
std::error_code plan_body(const Envelope& envelope, const MessageInfo& info,
                          const ServerOffer& offer, MailPlan& plan) {
    const Capabilities& caps = offer.capabilities;
    const bool chunking = offer.chunking && caps.chunking();
    const bool binary_ok = chunking && caps.binarymime();
    plan.chunked = chunking;
    const ContentClass assumed = info.content_class.value_or(
        caps.eightbitmime() ? ContentClass::eight_bit : ContentClass::seven_bit);
    const auto known_above = [&](ContentClass limit) {
        return info.content_class && *info.content_class > limit;
    };

    BodyType body = envelope.body;
    if (body == BodyType::automatic) {
        body = assumed == ContentClass::binary      ? BodyType::binary_mime
               : assumed == ContentClass::eight_bit ? BodyType::eight_bit_mime
                                                    : BodyType::seven_bit;
    }
    switch (body) {
        case BodyType::automatic:
        case BodyType::seven_bit:
            if (known_above(ContentClass::seven_bit)) {
                return error::content_not_as_declared;
            }
            plan.allowed = ContentClass::seven_bit;
            return {};
        case BodyType::eight_bit_mime:
            if (!caps.eightbitmime()) {
                return error::eight_bit_not_offered;
            }
            if (known_above(ContentClass::eight_bit)) {
                return error::content_not_as_declared;
            }
            plan.body = "8BITMIME";
            plan.allowed = ContentClass::eight_bit;
            return {};
        case BodyType::binary_mime:
            if (!binary_ok) {
                return error::binary_not_offered;
            }
            plan.body = "BINARYMIME";
            plan.allowed = ContentClass::binary;
            return {};
    }
    return {};
}

// SIZE (RFC 1870): declared when both sides know it; over the limit is refused.
std::error_code plan_size(const MessageInfo& info, const Capabilities& caps, MailPlan& plan) {
    if (!info.size || !caps.has("SIZE")) {
        return {};
    }
    if (const auto limit = caps.size_limit(); limit && *info.size > *limit) {
        return error::message_too_large;
    }
    plan.mail_params.push_back("SIZE=" + std::to_string(*info.size));
    return {};
}

// Checks every DSN value, whether or not it will be sent.
std::error_code check_dsn(const Envelope& envelope) {
    const DsnRequest& dsn = envelope.dsn;
    if (dsn.envelope_id.size() > max_envid || !is_printable_ascii(dsn.envelope_id)) {
        return error::invalid_parameter;
    }
    for (const auto& r : envelope.to) {
        if (r.notify != DsnNotify::unspecified && notify_value(r.notify).empty()) {
            return error::invalid_parameter;
        }
        if (!r.original_recipient.empty()) {
            const std::string orcpt = orcpt_value(r.original_recipient);
            if (orcpt.empty() || orcpt.size() > max_orcpt) {
                return error::invalid_parameter;
            }
        }
    }
    return {};
}

std::error_code plan_dsn(const Envelope& envelope, const Capabilities& caps, MailPlan& plan) {
    if (auto ec = check_dsn(envelope)) {
        return ec;
    }
    const DsnRequest& dsn = envelope.dsn;
    if (!dsn.requested(envelope.to)) {
        return {};
    }
    if (!caps.dsn()) {
        if (dsn.required) {
            return error::dsn_not_offered;
        }
        plan.dropped.emplace_back("DSN");
        return {};
    }
    if (dsn.ret != DsnReturn::unspecified) {
        plan.mail_params.emplace_back(dsn.ret == DsnReturn::full ? "RET=FULL" : "RET=HDRS");
    }
    if (!dsn.envelope_id.empty()) {
        plan.mail_params.push_back("ENVID=" + xtext(dsn.envelope_id));
    }
    for (std::size_t i = 0; i < envelope.to.size(); ++i) {
        const Recipient& r = envelope.to[i];
        if (r.notify != DsnNotify::unspecified) {
            plan.rcpt_params[i].push_back("NOTIFY=" + notify_value(r.notify));
        }
        if (!r.original_recipient.empty()) {
            plan.rcpt_params[i].push_back("ORCPT=" + orcpt_value(r.original_recipient));
        }
    }
    return {};
}

// The server's min-by-time ("DELIVERBY 3600"); 0 when it gives none.
long long min_by_time(const Capabilities& caps) {
    const std::vector<std::string>* params = caps.params("DELIVERBY");
    if (params == nullptr || params->empty()) {
        return 0;
    }
    long long value = 0;
    const std::string& text = params->front();
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    return (ec == std::errc{} && end == text.data() + text.size() && value > 0) ? value : 0;
}

// MT-PRIORITY and DELIVERBY: checked always, sent when offered, else dropped.
std::error_code plan_advisory(const Envelope& envelope, const Capabilities& caps, MailPlan& plan) {
    if (const auto& p = envelope.mt_priority) {
        if (*p < -9 || *p > 9) {
            return error::invalid_parameter;
        }
        if (caps.mt_priority()) {
            plan.mail_params.push_back("MT-PRIORITY=" + std::to_string(*p));
        } else {
            plan.dropped.emplace_back("MT-PRIORITY");
        }
    }
    if (const auto& by = envelope.deliver_by) {
        const long long seconds = by->within.count();
        // RFC 2852 4: a return (R) deadline must lie in the future.
        if (std::llabs(seconds) > max_by_time || (by->return_if_late && seconds <= 0)) {
            return error::invalid_parameter;
        }
        if (caps.deliverby() && by->return_if_late && seconds < min_by_time(caps)) {
            // RFC 2852 4: the server refuses R deadlines below its minimum.
            return error::invalid_parameter;
        }
        if (caps.deliverby()) {
            plan.mail_params.push_back("BY=" + std::to_string(seconds) + ';' +
                                       (by->return_if_late ? "R" : "N") + (by->trace ? "T" : ""));
        } else {
            plan.dropped.emplace_back("DELIVERBY");
        }
    }
    return {};
}

}  // namespace

std::string xtext(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (c < 33 || c > 126 || c == '+' || c == '=') {
            out += '+';
            out += hex_digits[c >> 4];
            out += hex_digits[c & 0xF];
        } else {
            out += ch;
        }
    }
    return out;
}

std::string utf8_addr_xtext(std::string_view address) {
    if (!is_valid_utf8(address)) {
        return {};
    }
    std::string out;
    for (std::size_t i = 0; i < address.size();) {
        const long cp = next_code_point(address, i);
        if (cp > 0x20 && cp < 0x7F && cp != '\\' && cp != '+' && cp != '=') {
            out += static_cast<char>(cp);
            continue;
        }
        // HEXPOINT: upper-case, no leading zeros.
        std::string hex;
        for (long v = cp; v > 0 || hex.empty(); v >>= 4) {
            hex.insert(hex.begin(), hex_digits[v & 0xF]);
        }
        out += "\\x{" + hex + "}";
    }
    return out;
}

std::string orcpt_value(std::string_view address) {
    const std::string bare = strip_angles(address);
    if (bare.empty() || has_forbidden_octet(bare)) {
        return {};
    }
    if (!is_utf8_address(bare)) {
        return "rfc822;" + xtext(bare);
    }
    const std::string encoded = utf8_addr_xtext(bare);
    return encoded.empty() ? std::string{} : "utf-8;" + encoded;
}

std::string notify_value(DsnNotify notify) {
    if (notify == DsnNotify::unspecified) {
        return {};
    }
    if (has(notify, DsnNotify::never)) {
        return notify == DsnNotify::never ? "NEVER" : "";
    }
    std::string out;
    for (const auto& [flag, word] :
         {std::pair{DsnNotify::success, "SUCCESS"}, std::pair{DsnNotify::failure, "FAILURE"},
          std::pair{DsnNotify::delay, "DELAY"}}) {
        if (has(notify, flag)) {
            out += (out.empty() ? "" : ",");
            out += word;
        }
    }
    return out;
}

std::error_code plan_mail(const Envelope& envelope, const MessageInfo& info,
                          const ServerOffer& offer, MailPlan& plan) {
    plan = {};
    plan.rcpt_params.resize(envelope.to.size());
    const Capabilities& caps = offer.capabilities;
    if (auto ec = plan_body(envelope, info, offer, plan)) {
        return ec;
    }
    if (auto ec = plan_size(info, caps, plan)) {
        return ec;
    }
    if (!plan.body.empty()) {
        plan.mail_params.push_back("BODY=" + plan.body);
    }
    // RFC 6531 3.4: a transaction with any UTF-8 address says SMTPUTF8 on
    // MAIL; so does an internationalised message (RFC 6532 headers) where
    // the server takes one. Without the offer such a message still goes as
    // 8-bit content: what a server without SMTPUTF8 makes of its headers is
    // its own choice, and refusing would stop mail that works today.
    if (caps.smtputf8() && (needs_smtputf8(envelope) || info.eight_bit_headers)) {
        plan.mail_params.emplace_back("SMTPUTF8");
    }
    if (auto ec = plan_dsn(envelope, caps, plan)) {
        return ec;
    }
    if (envelope.require_tls) {
        // RFC 8689 4.1: only over TLS, and only to a server that offers it.
        if (!offer.tls_active || !caps.requiretls()) {
            return error::requiretls_not_possible;
        }
        plan.mail_params.emplace_back("REQUIRETLS");
    }
    return plan_advisory(envelope, caps, plan);
}

}  // namespace smtpkit::protocol
