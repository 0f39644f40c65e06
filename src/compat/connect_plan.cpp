#include "compat/connect_plan.hpp"

#include "smtpkit/compat/constants.hpp"

namespace smtpkit::compat {
namespace {

constexpr DWORD known_options = SMTP_OPTION_EXTENDED | SMTP_OPTION_TUNNEL |
                                SMTP_OPTION_TRUSTEDSITE | SMTP_OPTION_SECURE |
                                SMTP_OPTION_SECURE_IMPLICIT | SMTP_OPTION_SECURE_FALLBACK |
                                SMTP_OPTION_PREFER_IPV6 | SMTP_OPTION_FREETHREAD;

Security security_for(DWORD options) {
    if ((options & SMTP_OPTION_SECURE_IMPLICIT) != 0) {
        return Security::implicit_tls;
    }
    return (options & SMTP_OPTION_SECURE) != 0 ? Security::starttls : Security::plaintext;
}

Option modifiers_for(DWORD options, bool tls) {
    Option o = Option::none;
    const auto set = [&](DWORD seed, Option ours) {
        if ((options & seed) != 0) {
            o |= ours;
        }
    };
    set(SMTP_OPTION_TUNNEL, Option::tunnel);
    set(SMTP_OPTION_PREFER_IPV6, Option::prefer_ipv6);
    set(SMTP_OPTION_FREETHREAD, Option::free_thread);
    if (tls) {
        set(SMTP_OPTION_TRUSTEDSITE, Option::trusted_site);
        set(SMTP_OPTION_SECURE_FALLBACK, Option::secure_fallback);
    }
    return o;
}

}  // namespace

std::optional<ConnectRequest> plan_seed_connect(UINT port, UINT timeout, DWORD options,
                                                const FacadeSettings& settings, DWORD& error) {
    error = 0;
    if ((options & ~known_options) != 0) {
        error = ST_ERROR_INVALID_OPTION;
        return std::nullopt;
    }
    if (port > 65535) {
        error = ST_ERROR_INVALID_PARAMETER;
        return std::nullopt;
    }
    ConnectRequest request;
    request.port = static_cast<std::uint16_t>(port);
    ConnectOptions& o = request.options;
    o.security = security_for(options);
    const bool tls = o.security != Security::plaintext;
    o.extended = (options & SMTP_OPTION_EXTENDED) != 0 || port == submission_port;
    o.options = modifiers_for(options, tls);
    o.timeout = std::chrono::seconds(timeout == 0 ? default_timeout_seconds : timeout);
    o.helo_name = settings.local_name;
    o.proxy = settings.proxy;
    if (tls) {
        o.tls = settings.tls;
    }
    o.allow_insecure_auth = settings.allow_insecure_auth;
    return request;
}

}  // namespace smtpkit::compat
