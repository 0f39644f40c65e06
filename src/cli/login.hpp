// Logging in for the tool: Client::authenticate, with what the user can do
// about a login that could not start (the mechanisms the server offers, TLS).
#pragma once

#include <string>
#include <system_error>

#include "cli/auth_flags.hpp"
#include "cli/auth_outcome.hpp"
#include "smtpkit/client.hpp"

namespace smtpkit::cli {

// Logs `client` in and wipes `secret`. `sent` is the mechanism seen in the
// trace (auth_mechanism_in). On failure `ec` is set and `detail` says what
// to do about it, never the secret.
AuthOutcome log_in(Client& client, const AuthFlags& flags, std::string& secret,
                   const std::string& sent, std::error_code& ec, std::string& detail);

// What the user can do about a failed login: for a mechanism not offered the
// ones that are, for a clear-text secret without TLS the flag that gives TLS;
// else the library's explanation.
std::string login_advice(std::error_code ec, const Client& client);

}  // namespace smtpkit::cli
