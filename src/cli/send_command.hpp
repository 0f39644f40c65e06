// `smtpkit send`: a message composed from the flags (compose_flags.hpp), or
// ready messages (--message, repeatable: several on one session), to one or
// more recipients through one server.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "cli/compose_flags.hpp"
#include "cli/connection_flags.hpp"
#include "cli/dkim_flags.hpp"
#include "cli/send_outcome.hpp"
#include "cli/subcommand.hpp"
#include "cli/transfer_flags.hpp"
#include "smtpkit/options.hpp"

namespace smtpkit::cli {

struct SendOptions {
    ConnectionFlags connection;
    std::string from;             // "Name <a@b>" or a@b; the account's when not given
    std::vector<std::string> to;  // each an address list
    ComposeFlags compose;
    std::vector<std::string> message_files;  // "-": stdin
    bool no_extended = false;
    bool quiet = false;
    TransferFlags transfer;
    DkimFlags dkim;
};

Subcommand add_send_command(CLI::App& tool);

// The options of `send`, on a command of one's own (tests parse with it).
void add_send_flags(CLI::App& cmd, SendOptions& options);

// The connection's options with send's own: --no-extended and the transfer
// flags.
ConnectOptions send_connect_options(const SendOptions& options);

// Runs the command with parsed options and prints its reports.
int run_send(const SendOptions& options);

}  // namespace smtpkit::cli
