// `smtpkit send`: one message to one or more recipients through one server.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "cli/send_outcome.hpp"
#include "cli/subcommand.hpp"

namespace smtpkit::cli {

struct SendOptions {
    std::string server = "localhost";
    int port = 0;  // 0: the seed's default (25); 465: implicit TLS; 587: ESMTP
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
};

Subcommand add_send_command(CLI::App& tool);

// Runs the command with parsed options and prints its reports.
int run_send(const SendOptions& options);

}  // namespace smtpkit::cli
