// `smtpkit probe`: connect, say EHLO (and STARTTLS when asked), report what
// the server offers and its TLS, QUIT. It never sends MAIL.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "cli/probe_outcome.hpp"
#include "cli/proxy_flags.hpp"
#include "cli/subcommand.hpp"
#include "cli/tls_flags.hpp"
#include "smtpkit/options.hpp"

namespace smtpkit::cli {

struct ProbeOptions {
    std::string server;
    int port = 0;  // 0: 25, or 465 with --tls implicit
    int timeout = 30;
    std::string helo;
    bool trace = false;
    bool json = false;
    TlsFlags tls;  // no client certificate: a probe does not authenticate
    ProxyFlags proxy;
};

Subcommand add_probe_command(CLI::App& tool);

// The options of `probe`, on a command of one's own (tests parse with it).
void add_probe_flags(CLI::App& cmd, ProbeOptions& options);

ConnectOptions connect_options(const ProbeOptions& options);

int run_probe(const ProbeOptions& options);

}  // namespace smtpkit::cli
