#include "smtpkit/options.hpp"

namespace smtpkit {

std::uint16_t effective_port(std::uint16_t port, Option options) noexcept {
    if (port != 0) {
        return port;
    }
    return has(options, Option::secure_implicit) ? default_smtps_port : default_smtp_port;
}

Option effective_options(std::uint16_t port, Option options) noexcept {
    // Submission (587, and 465 by RFC 8314) is ESMTP by definition, and
    // STARTTLS is an ESMTP extension: all need EHLO.
    if (effective_port(port, options) == submission_port ||
        has(options, Option::secure | Option::secure_implicit)) {
        options |= Option::extended;
    }
    return options;
}

}  // namespace smtpkit
