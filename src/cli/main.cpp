// smtpkit: the command-line tool. Each subcommand lives in its own file and
// registers itself here; parse errors exit with EX_USAGE (64), a bad config
// file with EX_CONFIG (78), everything else with the status the subcommand
// returns (see exit_codes.hpp). Started by the name `sendmail`, the tool is
// `smtpkit sendmail`.
#include <sysexits.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <iostream>
#include <string>
#include <vector>

#include "cli/config_file.hpp"
#include "cli/lookup_command.hpp"
#include "cli/probe_command.hpp"
#include "cli/send_command.hpp"
#include "cli/sendmail_command.hpp"
#include "cli/subcommand.hpp"
#include "cli/terminal.hpp"

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

// The arguments in order; `sendmail` in front when the tool was started by
// that name.
std::vector<std::string> arguments(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    if (smtpkit::cli::invoked_as_sendmail(argv[0])) {
        args.insert(args.begin(), "sendmail");
    }
    return args;
}

}  // namespace

int main(int argc, char** argv) {
    std::ios::sync_with_stdio(false);  // stdin may be a large message
    CLI::App tool("smtpkit: send mail over SMTP and inspect servers", "smtpkit");
    tool.set_version_flag("--version", "smtpkit " SMTPKIT_VERSION);
    tool.require_subcommand(1);
    tool.failure_message(usage_error);
    std::vector<std::string> args = arguments(argc, argv);
    std::vector<std::string> recipients_after_dashes = smtpkit::cli::split_at_dashes(args);
    std::vector<smtpkit::cli::Subcommand> commands;
    commands.push_back(smtpkit::cli::add_send_command(tool));
    commands.push_back(
        smtpkit::cli::add_sendmail_command(tool, std::move(recipients_after_dashes)));
    commands.push_back(smtpkit::cli::add_probe_command(tool));
    commands.push_back(smtpkit::cli::add_lookup_command(tool, false));
    commands.push_back(smtpkit::cli::add_lookup_command(tool, true));
    // After the commands: CLI11 copies a parent's footer into each subcommand
    // added later, and this one is about the tool, not a command.
    tool.footer(
        "Run 'smtpkit <command> --help' for a command's options and exit status, and 'man "
        "smtpkit' for the whole story. Started as 'sendmail' (a link), smtpkit is 'smtpkit "
        "sendmail'.");

    try {
        std::reverse(args.begin(), args.end());  // CLI11 takes them last first
        tool.parse(args);
    } catch (const CLI::ParseError& e) {
        // Help and version exit 0; every real parse error is a usage error.
        const int status = tool.exit(e);
        return status == static_cast<int>(CLI::ExitCodes::Success) ? EX_OK : EX_USAGE;
    } catch (const smtpkit::cli::ConfigError& e) {
        smtpkit::cli::print_error(std::string("smtpkit: ") + e.what());
        return EX_CONFIG;
    }
    for (const smtpkit::cli::Subcommand& command : commands) {
        if (command.app->parsed()) {
            return command.run();
        }
    }
    return EX_USAGE;  // unreachable: require_subcommand(1)
}
