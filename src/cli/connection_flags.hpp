// The flags of every command that talks to a server (send, sendmail, probe,
// verify, expand), declared once:
//
//   --server HOST, --port N, --timeout SECONDS, --helo NAME, --trace, --json
//   --account NAME, --config FILE        an account from the config file
//   TLS (tls_flags.hpp), login (auth_flags.hpp), the path (proxy_flags.hpp)
//
// Once parsing is done the command settles them: the account's values fill
// in what no flag gave (flags override the file), then the combinations are
// checked, so that a value from the file is held to the same rules as one
// typed on the command line.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <vector>

#include "cli/auth_flags.hpp"
#include "cli/config_file.hpp"
#include "cli/dkim_flags.hpp"
#include "cli/proxy_flags.hpp"
#include "cli/tls_flags.hpp"
#include "smtpkit/options.hpp"

namespace smtpkit::cli {

// --timeout's upper bound: a day.
inline constexpr int max_timeout_seconds = 24 * 60 * 60;

struct ConnectionFlags {
    std::string server;
    int port = 0;  // 0: 25, or 465 with --tls implicit
    int timeout = 60;
    std::string helo;
    bool trace = false;
    bool json = false;
    std::string account;  // --account
    std::string config;   // --config
    TlsFlags tls;
    AuthFlags auth;
    ProxyFlags proxy;
    // Once settled: the account's `from`, for the commands that send.
    std::optional<Setting<std::string>> account_from;
    // Once settled: the account's DKIM settings (no key file: none), for
    // the commands that send when no --dkim-key is given.
    DkimFlags account_dkim;
};

// What differs between the commands.
struct ConnectionDefaults {
    int timeout = 60;
    std::string server = "localhost";  // empty: --server (or an account's) is required
    std::string json_help = "Print the result as JSON on stdout";
};

// Registers every connection flag on `cmd` (TLS, login and proxy in their
// own groups of the help).
void add_connection_flags(CLI::App& cmd, ConnectionFlags& flags,
                          const ConnectionDefaults& defaults);

// Once parsing is done: the account's values where no flag was given
// (ConfigError for a bad file), then the checks of the TLS, login and proxy
// flags (CLI::ValidationError: a usage error).
void settle_connection_flags(const CLI::App& cmd, ConnectionFlags& flags,
                             const ConnectionDefaults& defaults);

// What the flags ask of the connection (the key password excepted: it is
// read from its file when connecting). `send` adds its transfer flags.
ConnectOptions connect_options(const ConnectionFlags& flags);

// The DANGEROUS-flag warnings, each "smtpkit: warning: ...".
std::vector<std::string> connection_warnings(const ConnectionFlags& flags);

}  // namespace smtpkit::cli
