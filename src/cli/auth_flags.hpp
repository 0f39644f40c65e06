// The authentication flags of `send`, and where the secret comes from.
//
//   --user NAME                 log in as NAME (AUTH, RFC 4954) before sending
//   --password-file FILE        the password: the first line of FILE
//   SMTPKIT_PASSWORD (environment) the password, when --password-file is not given
//   --auth MECH                 auto (default), plain, login, cram-md5, scram-sha-1,
//                               scram-sha-256, xoauth2, oauthbearer, external
//   --oauth-token-file FILE     an OAuth 2.0 bearer token (xoauth2, oauthbearer; with
//                               auto the OAuth mechanism the server offers)
//   --allow-insecure-auth       DANGEROUS: PLAIN, LOGIN and tokens without TLS
//
// Secret rules: a secret is never a command-line argument (any process on the
// machine can read another's arguments); `--password` is rejected with a
// pointer to the two ways that exist. A file's first line is the secret, its
// CR/LF line end stripped. A file that group or others may read is used, with
// a warning on stderr (Docker and Kubernetes mount secrets 0444/0644, so a
// refusal would break common setups). An empty secret is an error. The secret
// is wiped from memory once the library has it, and is printed nowhere: not
// in --trace, --json, or error messages.
//
// EXTERNAL logs in with the TLS client certificate (--cert/--key) and takes
// no secret; it needs no --user (the certificate names the user).
//
// An account (config_file.hpp) may name the secret too: password_command,
// password_file, password_env or password. The command line and the
// environment win over it (login_secret.hpp reads them in that order).
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "cli/tls_flags.hpp"
#include "smtpkit/auth.hpp"
#include "smtpkit/options.hpp"

namespace smtpkit::cli {

inline constexpr const char* password_variable = "SMTPKIT_PASSWORD";

// Where an account's secret comes from, and where the account says so
// ("FILE:LINE: account.work.password_command"), for messages.
struct AccountSecret {
    enum class Kind { command, file, variable, password };
    Kind kind = Kind::command;
    std::string value;  // the command, file name, variable name or the password itself
    std::string where;
};

struct AuthFlags {
    std::string user;
    std::string password_file;
    std::string mechanism = "auto";
    std::string oauth_token_file;
    bool allow_insecure_auth = false;
    std::optional<AccountSecret> account_secret;  // from the config file, never argv
};

// The --auth values, as the config file's `auth` takes them too.
const std::vector<std::string>& auth_mechanism_names();

// Registers the flags on `cmd`, in their own group of the help. The command
// checks them once parsing is done (connection_flags.hpp): see
// check_auth_flags.
void add_auth_flags(CLI::App& cmd, AuthFlags& flags);

// Why these flags do not go together, or "" when they do. `password_env` is
// the value of SMTPKIT_PASSWORD (nullptr when unset).
std::string check_auth_flags(const AuthFlags& flags, const TlsFlags& tls, const char* password_env);

// True when the run should log in: --user or --auth external given.
bool wants_auth(const AuthFlags& flags);

// The library's mechanism: auto with a token is AuthMechanism::automatic_token.
AuthMechanism auth_mechanism(const AuthFlags& flags);

// --allow-insecure-auth onto the connect options.
void apply_auth_flags(const AuthFlags& flags, ConnectOptions& options);

// The DANGEROUS-flag warning lines, as tls_warnings().
std::vector<std::string> auth_warnings(const AuthFlags& flags);

// The mechanism of a client trace line "AUTH <MECH> ...", else "". The CLI
// learns from the trace which mechanism --auth auto chose.
std::string auth_mechanism_in(std::string_view client_line);

}  // namespace smtpkit::cli
