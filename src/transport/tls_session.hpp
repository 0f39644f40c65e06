// One TLS session's peer checks and what we report about it.
#pragma once

#include <openssl/ssl.h>

#include <string>
#include <system_error>

#include "smtpkit/tls.hpp"

namespace smtpkit::transport {

// Sets SNI (names only, RFC 6066 forbids addresses) and the identity the
// certificate must match: the host the caller asked for, never one from DNS.
// Wildcards only as the whole left-most label. Returns false if OpenSSL
// refused the name.
bool prepare_peer(SSL* ssl, const std::string& host);

// Turns a failed handshake into the most precise smtpkit error, with
// OpenSSL's words in `detail`.
std::error_code classify_handshake_error(std::error_code ec, SSL* ssl, std::string& detail);

// The verification result of a completed handshake as an error (ok: {}).
std::error_code verification_error(SSL* ssl);

SecurityInfo describe_session(SSL* ssl, const std::string& host, bool implicit);

bool is_ip_literal(const std::string& host);

}  // namespace smtpkit::transport
