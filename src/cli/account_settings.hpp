// An account from the config file onto the connection flags: each value the
// command line did not give (flags override the file).
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "cli/config_file.hpp"

namespace smtpkit::cli {

struct ConnectionFlags;

// `cmd` tells which flags were given. The account's secret source becomes
// AuthFlags::account_secret, its `from` ConnectionFlags::account_from.
void apply_account(const Account& account, const CLI::App& cmd, ConnectionFlags& flags);

// "~/x" with $HOME's value in front; other paths as they are.
std::string expand_home(const std::string& path);

}  // namespace smtpkit::cli
