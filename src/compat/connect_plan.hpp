// The seed's Connect rules as smtpkit ConnectOptions. The seed's numeric
// options, where 0 means plain SMTP (HELO, no TLS), live here and only here:
// smtpkit's own defaults require TLS.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "smtpkit/compat/types.hpp"
#include "smtpkit/options.hpp"

namespace smtpkit::compat {

// What the facade was told outside Connect's parameters.
struct FacadeSettings {
    std::string local_name;  // SetLocalName: the EHLO/HELO name
    ProxyOptions proxy;      // SetProxy
    TlsOptions tls;          // SetSecurityCredentials
    bool allow_insecure_auth = false;
};

struct ConnectRequest {
    std::uint16_t port = 0;  // 0: smtpkit's default for the security (25 or 465)
    ConnectOptions options;
};

inline constexpr UINT default_timeout_seconds = 20;  // SMTPSERVER's documented default

// The request for Connect(host, port, timeout, options), or nullopt with
// `error` set: ST_ERROR_INVALID_OPTION for an option bit the seed does not
// define, ST_ERROR_INVALID_PARAMETER for a port past 65535.
//   - SECURE_IMPLICIT: TLS from the first byte; else SECURE: STARTTLS,
//     required; else plaintext.
//   - EXTENDED, or port 587: EHLO; otherwise HELO (TLS always uses EHLO).
//   - TRUSTEDSITE and SECURE_FALLBACK, and the TLS credentials, only touch
//     TLS connections (the seed's words): without TLS they are left out.
//   - TUNNEL goes through the proxy SetProxy gave; PREFER_IPV6, FREETHREAD.
//   - timeout 0: 20 seconds.
std::optional<ConnectRequest> plan_seed_connect(UINT port, UINT timeout, DWORD options,
                                                const FacadeSettings& settings, DWORD& error);

}  // namespace smtpkit::compat
