#include "compat/delivery_options.hpp"

#include "smtpkit/compat/constants.hpp"

namespace smtpkit::compat {
namespace {

constexpr DWORD notify_bits =
    SMTP_NOTIFY_SUCCESS | SMTP_NOTIFY_FAILURE | SMTP_NOTIFY_DELAY | SMTP_NOTIFY_NEVER;
constexpr DWORD return_bits = SMTP_RETURN_HEADERS | SMTP_RETURN_MESSAGE;

}  // namespace

bool DeliveryDefaults::valid(DWORD flags) {
    if ((flags & ~(notify_bits | return_bits)) != 0) {
        return false;
    }
    const bool never_with_others =
        (flags & SMTP_NOTIFY_NEVER) != 0 && (flags & (notify_bits & ~SMTP_NOTIFY_NEVER)) != 0;
    return !never_with_others && (flags & return_bits) != return_bits;
}

void DeliveryDefaults::apply(Recipient& recipient) const {
    DsnNotify notify = DsnNotify::unspecified;
    const auto add = [&](DWORD seed, DsnNotify ours) {
        if ((flags & seed) != 0) {
            notify = notify | ours;
        }
    };
    add(SMTP_NOTIFY_NEVER, DsnNotify::never);
    add(SMTP_NOTIFY_SUCCESS, DsnNotify::success);
    add(SMTP_NOTIFY_FAILURE, DsnNotify::failure);
    add(SMTP_NOTIFY_DELAY, DsnNotify::delay);
    if (notify != DsnNotify::unspecified) {
        recipient.notify = notify;
    }
}

void DeliveryDefaults::apply(Envelope& envelope) const {
    if ((flags & SMTP_RETURN_HEADERS) != 0) {
        envelope.dsn.ret = DsnReturn::headers;
    } else if ((flags & SMTP_RETURN_MESSAGE) != 0) {
        envelope.dsn.ret = DsnReturn::full;
    }
    if (!envelope_id.empty()) {
        envelope.dsn.envelope_id = envelope_id;
    }
    for (Recipient& r : envelope.to) {
        apply(r);
    }
}

}  // namespace smtpkit::compat
