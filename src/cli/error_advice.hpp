// Errors that name the cause and the fix: what went wrong in this user's
// terms (the host, the port, the certificate's date) and the flag that
// changes it, e.g.
//
//   STARTTLS required but smtp.example.com did not offer it: use --tls implicit
//   for port 465, or --tls none on a trusted network
//   certificate for mail.example.com expired on 2026-01-01: the server must renew
//   it (--trusted-site skips verification: DANGEROUS)
//
// For the failures people meet first: a refused or silent port, a name that
// does not resolve, TLS that is not offered or a certificate that does not
// verify. Others keep the library's words.
#pragma once

#include <cstdint>
#include <string>
#include <system_error>

#include "cli/tls_flags.hpp"
#include "smtpkit/tls.hpp"

namespace smtpkit::cli {

struct ConnectContext {
    std::string server;
    std::uint16_t port = 0;  // the port really used
    TlsMode tls_mode = TlsMode::none;
    int timeout = 0;  // seconds
    // The certificate the server presents, when it was refused and looked
    // at again with verification off (refused_certificate.hpp).
    SecurityInfo refused;
    std::string detail;  // the library's explanation (OpenSSL's reason)
};

struct Advice {
    std::string cause;  // replaces "connecting to HOST port N: <error>"
    std::string fix;
};

// The cause and the fix of a failed connection; an empty cause when there
// is nothing better to say than the library's words.
Advice connect_advice(std::error_code ec, const ConnectContext& context);

}  // namespace smtpkit::cli
