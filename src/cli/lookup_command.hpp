// `smtpkit verify ADDR` (VRFY) and `smtpkit expand LIST` (EXPN): ask the
// server about an address or a mailing list. One session (TLS and login as
// for send), one command, QUIT. The reply is printed as the server gave it,
// a line each; many servers disable both (502) or answer 252 ("cannot
// verify, but will accept"), which counts as an answer, not a failure.
//
// --json: {"command": "VRFY" | "EXPN", "argument", "reply": reply | null,
//          "tls": tls (when used), "auth" (when logged in), "error" (on failure)}
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "cli/connection_flags.hpp"
#include "cli/subcommand.hpp"

namespace smtpkit::cli {

struct LookupOptions {
    ConnectionFlags connection;
    std::string argument;
};

// `verify` (VRFY) or `expand` (EXPN), by `expand`.
Subcommand add_lookup_command(CLI::App& tool, bool expand);

// The options, on a command of one's own (tests parse with it).
void add_lookup_flags(CLI::App& cmd, LookupOptions& options, bool expand);

int run_lookup(const LookupOptions& options, bool expand);

}  // namespace smtpkit::cli
