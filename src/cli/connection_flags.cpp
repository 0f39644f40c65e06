#include "cli/connection_flags.hpp"

#include <cstdlib>

#include "cli/account_settings.hpp"
#include "cli/helo_name.hpp"

namespace smtpkit::cli {

void add_connection_flags(CLI::App& cmd, ConnectionFlags& f, const ConnectionDefaults& d) {
    f.timeout = d.timeout;
    const std::string server_help = d.server.empty()
                                        ? "SMTP server name or address (or the account's)"
                                        : "SMTP server name or address (default: the account's, "
                                          "else " +
                                              d.server + ")";
    cmd.add_option("--server", f.server, server_help)->type_name("HOST");
    cmd.add_option("--port", f.port, "Server port (0: 25, or 465 with --tls implicit; 465: TLS)")
        ->type_name("N")
        ->check(CLI::Range(0, 65535).description(""))
        ->capture_default_str();
    cmd.add_option("--timeout", f.timeout, "Limit for connecting and for each reply")
        ->type_name("SECONDS")
        ->check(CLI::Range(1, max_timeout_seconds).description(""))
        ->capture_default_str();
    cmd.add_option("--helo", f.helo, "Name for EHLO/HELO (default: host name)")
        ->type_name("NAME")
        ->check(helo_name_validator());
    cmd.add_option("--account", f.account, "Use this account of the config file")
        ->type_name("NAME");
    cmd.add_option("--config", f.config,
                   "Read accounts from this file only (default: /etc/smtpkit.toml and "
                   "~/.config/smtpkit/config.toml)")
        ->type_name("FILE");
    add_tls_flags(cmd, f.tls);
    add_auth_flags(cmd, f.auth);
    add_proxy_flags(cmd, f.proxy);
    cmd.add_flag("--trace", f.trace, "Print the SMTP dialogue on stderr");
    cmd.add_flag("--json", f.json, d.json_help);
}

void settle_connection_flags(const CLI::App& cmd, ConnectionFlags& f, const ConnectionDefaults& d) {
    if (const std::optional<Account> account = load_account(f.config, f.account)) {
        apply_account(*account, cmd, f);
    }
    if (f.server.empty()) {
        if (d.server.empty()) {
            throw CLI::ValidationError(
                "--server HOST is required (or an account in the config file with a server)");
        }
        f.server = d.server;
    }
    for (const std::string& why :
         {check_tls_flags(f.tls, f.port, f.server),
          check_auth_flags(f.auth, f.tls, std::getenv(password_variable)),
          check_proxy_flags(f.proxy, std::getenv(proxy_password_variable))}) {
        if (!why.empty()) {
            throw CLI::ValidationError(why);
        }
    }
}

ConnectOptions connect_options(const ConnectionFlags& f) {
    ConnectOptions c;
    apply_tls_flags(f.tls, f.port, f.server, c);
    apply_auth_flags(f.auth, c);
    apply_proxy_flags(f.proxy, std::getenv(proxy_password_variable), c);
    c.timeout = std::chrono::seconds(f.timeout);
    c.helo_name = f.helo;
    return c;
}

std::vector<std::string> connection_warnings(const ConnectionFlags& f) {
    std::vector<std::string> lines = tls_warnings(f.tls);
    for (std::string& line : auth_warnings(f.auth)) {
        lines.push_back(std::move(line));
    }
    return lines;
}

}  // namespace smtpkit::cli
