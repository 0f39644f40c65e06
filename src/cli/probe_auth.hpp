// `probe --user`: which of the AUTH mechanisms the server offers work with
// this user and secret. Each is tried on a session of its own (after a
// successful AUTH a session takes no other), in the server's order. One that
// smtpkit does not speak, or that needs another kind of secret (an OAuth
// token, a client certificate), is listed as not tried, with why. A
// clear-text mechanism on a session without TLS is refused by the library
// as it would be for `send` (auth_insecure), and listed so.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cli/probe_command.hpp"
#include "smtpkit/auth.hpp"

namespace smtpkit::cli {

// The library's mechanism for an EHLO AUTH name ("SCRAM-SHA-256"); nullopt
// for one smtpkit does not speak.
std::optional<AuthMechanism> mechanism_named(const std::string& name);

// Tries every mechanism in `offered` (only --auth's when it is not auto).
std::vector<MechanismTrial> try_mechanisms(const ProbeOptions& options,
                                           const ConnectOptions& connect,
                                           const std::vector<std::string>& offered,
                                           const std::string& secret);

}  // namespace smtpkit::cli
