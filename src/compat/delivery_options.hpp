// SetDeliveryOptions' session-wide DSN defaults (RFC 3461), applied to each
// message's envelope and recipients.
#pragma once

#include <string>

#include "smtpkit/compat/types.hpp"
#include "smtpkit/envelope.hpp"

namespace smtpkit::compat {

struct DeliveryDefaults {
    DWORD flags = 0;  // SMTP_NOTIFY_* | SMTP_RETURN_*
    std::string envelope_id;

    // False for bits that are none of SMTP_NOTIFY_*/SMTP_RETURN_*, NEVER
    // with another NOTIFY flag, or both RETURN flags.
    static bool valid(DWORD flags);
    void apply(Envelope& envelope) const;    // RET, ENVID and every recipient's NOTIFY
    void apply(Recipient& recipient) const;  // NOTIFY
};

}  // namespace smtpkit::compat
