// `smtpkit probe`: connect, say EHLO (and STARTTLS when asked), report what
// the server offers and its TLS, QUIT. With --user it also tries each AUTH
// mechanism offered (probe_auth.hpp); with --quit-after (swaks' steps) it
// stops at a given point of a transaction, never sending a message.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "cli/connection_flags.hpp"
#include "cli/probe_outcome.hpp"
#include "cli/subcommand.hpp"

namespace smtpkit::cli {

struct ProbeOptions {
    ConnectionFlags connection;
    // connect, ehlo, tls, auth, mail or rcpt; empty: the whole opening (and,
    // with --user, every AUTH mechanism).
    std::string quit_after;
    std::string from;             // --quit-after mail/rcpt: MAIL FROM
    std::vector<std::string> to;  // --quit-after rcpt: RCPT TO
};

Subcommand add_probe_command(CLI::App& tool);

// The options of `probe`, on a command of one's own (tests parse with it).
void add_probe_flags(CLI::App& cmd, ProbeOptions& options);

// The connect options for the probe's main session: --quit-after connect or
// ehlo leaves STARTTLS out.
ConnectOptions probe_connect_options(const ProbeOptions& options);

int run_probe(const ProbeOptions& options);

}  // namespace smtpkit::cli
