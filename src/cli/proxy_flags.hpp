// The path to the server, for every command that connects.
//
//   --proxy socks5://[USER@]HOST:PORT   SOCKS5; the proxy resolves --server
//   --proxy http://[USER@]HOST:PORT     HTTP CONNECT
//   --proxy forward://HOST:PORT         a port forward that leads to --server
//   --proxy-user USER                   proxy user (or USER@ in the URL)
//   --prefer-ipv6                       try IPv6 addresses first
//
// The proxy password never goes on the command line (where ps and shell
// history would show it): it comes from the environment variable
// SMTPKIT_PROXY_PASSWORD, which must be set (it may be empty) when a proxy
// user is given. A password in the URL is a usage error. TLS still verifies
// --server, never the proxy.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "smtpkit/options.hpp"

namespace smtpkit::cli {

inline constexpr const char* proxy_password_variable = "SMTPKIT_PROXY_PASSWORD";

struct ProxyFlags {
    std::string url;   // empty: no proxy
    std::string user;  // --proxy-user
    bool prefer_ipv6 = false;
};

// Registers the flags; the command checks them once parsing is done (the
// password variable then, so a missing one is a usage error before anything
// is sent): see check_proxy_flags.
void add_proxy_flags(CLI::App& cmd, ProxyFlags& flags);

// The proxy a --proxy URL names (without password), or nullopt with the
// reason in `why`.
std::optional<ProxyOptions> parse_proxy_url(std::string_view url, std::string& why);

// Why the flags do not go together, or "" (the password variable given as
// `password`, nullptr when unset).
std::string check_proxy_flags(const ProxyFlags& flags, const char* password);

// Sets prefer_ipv6 and the proxy (user, and the password from `password`,
// the variable's value) on `options`. The flags must have passed
// check_proxy_flags.
void apply_proxy_flags(const ProxyFlags& flags, const char* password, ConnectOptions& options);

// "socks5 127.0.0.1 port 1080": for reports; never the credentials.
std::string describe_proxy(const ProxyOptions& proxy);

}  // namespace smtpkit::cli
