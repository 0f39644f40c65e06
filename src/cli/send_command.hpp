// `smtpkit send`: one message to one or more recipients through one server.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "cli/auth_flags.hpp"
#include "cli/dkim_flags.hpp"
#include "cli/proxy_flags.hpp"
#include "cli/send_outcome.hpp"
#include "cli/subcommand.hpp"
#include "cli/tls_flags.hpp"
#include "cli/transfer_flags.hpp"
#include "smtpkit/options.hpp"

namespace smtpkit::cli {

struct SendOptions {
    std::string server = "localhost";
    int port = 0;  // 0: the seed's default (25, or 465 with --tls implicit); 587: ESMTP
    int timeout = 60;
    std::string from;
    std::vector<std::string> to;
    std::string subject;
    std::string text;
    std::string message_file;  // "-": stdin
    std::string helo;
    bool no_extended = false;
    bool trace = false;
    bool json = false;
    TlsFlags tls;
    TransferFlags transfer;
    AuthFlags auth;
    ProxyFlags proxy;
    DkimFlags dkim;
};

Subcommand add_send_command(CLI::App& tool);

// The options of `send`, on a command of one's own (tests parse with it).
void add_send_flags(CLI::App& cmd, SendOptions& options);

// What the flags ask of the connection (the key password excepted: it is
// read from its file when connecting).
ConnectOptions connect_options(const SendOptions& options);

// Runs the command with parsed options and prints its reports.
int run_send(const SendOptions& options);

}  // namespace smtpkit::cli
