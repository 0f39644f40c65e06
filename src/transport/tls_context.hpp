// OpenSSL settings for a client: verification on by default, TLS 1.2 as the
// floor unless legacy servers are explicitly allowed.
#pragma once

#include <asio/ssl/context.hpp>
#include <memory>
#include <string>
#include <system_error>

#include "smtpkit/tls.hpp"

namespace smtpkit::transport {

struct TlsPolicy {
    bool verify = true;   // false only with trusted_site: the result is still recorded
    bool legacy = false;  // secure_fallback: TLS 1.0/1.1 and legacy suites (security level 0)
    TlsOptions options;
};

// Builds the context; on bad CA, certificate or key files sets ec to
// error::tls_setup_failed and `detail` to OpenSSL's reason.
std::unique_ptr<asio::ssl::context> make_tls_context(const TlsPolicy& policy, std::error_code& ec,
                                                     std::string& detail);

}  // namespace smtpkit::transport
