#include "smtpkit/options.hpp"

#include "smtpkit/error.hpp"

namespace smtpkit {
namespace {

bool has_tls_settings(const ConnectOptions& o) {
    const TlsOptions& t = o.tls;
    return !t.ca_file.empty() || !t.ca_path.empty() || !t.cert_file.empty() ||
           !t.key_file.empty() || !t.key_password.empty() ||
           has(o.options, Option::trusted_site | Option::secure_fallback);
}

}  // namespace

const char* to_string(Security s) noexcept {
    switch (s) {
        case Security::tls_required:
            return "tls_required";
        case Security::starttls:
            return "starttls";
        case Security::implicit_tls:
            return "implicit_tls";
        case Security::starttls_when_available:
            return "starttls_when_available";
        case Security::plaintext:
            return "plaintext";
    }
    return "tls_required";
}

std::uint16_t effective_port(std::uint16_t port, Security security) noexcept {
    if (port != 0) {
        return port;
    }
    return security == Security::implicit_tls ? default_smtps_port : default_smtp_port;
}

ConnectPlan plan_connection(std::uint16_t port, const ConnectOptions& options,
                            std::error_code& ec) {
    ec.clear();
    ConnectPlan plan;
    plan.port = effective_port(port, options.security);
    plan.verify = !has(options.options, Option::trusted_site);
    switch (options.security) {
        case Security::tls_required:
            plan.implicit_tls = plan.port == default_smtps_port;
            plan.starttls = !plan.implicit_tls;
            plan.tls_required = true;
            break;
        case Security::starttls:
            plan.starttls = true;
            plan.tls_required = true;
            break;
        case Security::implicit_tls:
            plan.implicit_tls = true;
            plan.tls_required = true;
            break;
        case Security::starttls_when_available:
            plan.starttls = true;
            break;
        case Security::plaintext:
            if (has_tls_settings(options)) {
                ec = make_error_code(error::tls_settings_without_tls);
            }
            break;
    }
    // TLS needs ESMTP (STARTTLS is an extension; 465 is submission, RFC
    // 8314), and so does submission on 587 (RFC 6409).
    plan.extended =
        options.extended || options.security != Security::plaintext || plan.port == submission_port;
    return plan;
}

}  // namespace smtpkit
