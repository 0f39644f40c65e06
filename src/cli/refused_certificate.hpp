// The library drops a session whose certificate it refuses, and what it
// refused is then gone. To show it (probe) or to say why it was refused in
// the user's terms (its expiry date, its issuer), the tool looks once more
// with verification off. Nothing but EHLO, STARTTLS and QUIT is sent on that
// session, so not trusting it costs nothing.
#pragma once

#include <cstdint>
#include <string>

#include "smtpkit/options.hpp"
#include "smtpkit/tls.hpp"

namespace smtpkit::cli {

// The TLS session as the server presents it (active: false when even that
// did not work). `trace`: print that dialogue on stderr too.
SecurityInfo look_at_refused_certificate(const std::string& server, std::uint16_t port,
                                         ConnectOptions options, bool trace);

}  // namespace smtpkit::cli
