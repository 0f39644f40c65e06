// smtpkit: the command-line tool. Each subcommand lives in its own file and
// registers itself here; parse errors exit with EX_USAGE (64), everything
// else with the status the subcommand returns (see exit_codes.hpp).
#include <sysexits.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <string>
#include <vector>

#include "cli/probe_command.hpp"
#include "cli/send_command.hpp"
#include "cli/subcommand.hpp"

// SMTPKIT_VERSION comes from the project version in CMakeLists.txt.

namespace {

std::string usage_error(const CLI::App* app, const CLI::Error& e) {
    std::string help = "smtpkit --help";
    for (const CLI::App* sub : app->get_subcommands()) {
        help = "smtpkit " + sub->get_name() + " --help";
    }
    std::string what = e.what();
    if (dynamic_cast<const CLI::ExtrasError*>(&e) != nullptr) {
        // The stray word may be a password typed where it does not belong.
        what =
            "unexpected argument on the command line (not repeated here, in case it is a "
            "secret); secrets go in --password-file or SMTPKIT_PASSWORD";
    }
    // CLI11 checks for a missing subcommand before unexpected words, so a
    // mistyped command would read "A subcommand is required".
    const std::vector<std::string> unparsed = app->remaining();  // a copy, not a view
    if (app->get_subcommands().empty() && !unparsed.empty()) {
        const std::string& word = unparsed.front();
        what = (word.starts_with('-') ? "unknown option: " : "unknown command: ") + word;
    }
    return "smtpkit: " + what + "\nRun '" + help + "' for usage.\n";
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App tool("smtpkit: send mail over SMTP and inspect servers", "smtpkit");
    tool.set_version_flag("--version", "smtpkit " SMTPKIT_VERSION);
    tool.require_subcommand(1);
    tool.failure_message(usage_error);
    tool.footer("Run 'smtpkit <command> --help' for a command's options and exit status.");

    std::vector<smtpkit::cli::Subcommand> commands;
    commands.push_back(smtpkit::cli::add_send_command(tool));
    commands.push_back(smtpkit::cli::add_probe_command(tool));

    try {
        tool.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        // Help and version exit 0; every real parse error is a usage error.
        const int status = tool.exit(e);
        return status == static_cast<int>(CLI::ExitCodes::Success) ? EX_OK : EX_USAGE;
    }
    for (const smtpkit::cli::Subcommand& command : commands) {
        if (command.app->parsed()) {
            return command.run();
        }
    }
    return EX_USAGE;  // unreachable: require_subcommand(1)
}
