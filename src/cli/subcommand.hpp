// How a subcommand plugs into the tool: it registers its options on the
// parser, and main() runs the one the user chose once parsing succeeded.
// Adding a command (`sendmail`) is one add_*_command() call in main.cpp.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

namespace smtpkit::cli {

struct Subcommand {
    CLI::App* app = nullptr;
    std::function<int()> run;  // returns the exit status (exit_codes.hpp)
};

}  // namespace smtpkit::cli
