// Accounts: the TOML configuration file, read with toml++.
//
//   default = "work"                      # the account used without --account
//   [account.work]
//   server = "smtp.example.com"
//   port = 587                            # 1..65535
//   tls = "starttls"                      # starttls | implicit | opportunistic | none
//   cafile = "/etc/ssl/my-ca.pem"
//   auth = "auto"                         # as --auth
//   user = "me@example.com"
//   password_command = "pass show smtp"   # or password_file = "...", password_env = "...",
//                                         # or password = "..." (file mode 0600 only)
//   from = "Me <me@example.com>"
//   proxy = "socks5://127.0.0.1:1080"
//   dkim_key = "~/.config/smtpkit/dkim.pem"  # sign what this account sends (DKIM)
//   dkim_selector = "mail2026"              # with dkim_key: s=
//   dkim_domain = "example.com"             # with dkim_key: d=
//   dkim_identity = "me@example.com"        # optional: i=
//   dkim_canonicalization = "relaxed/relaxed"  # optional, as --dkim-canonicalization
//
// Where: --config FILE alone when given; otherwise /etc/smtpkit.toml and then
// $XDG_CONFIG_HOME/smtpkit/config.toml (~/.config/smtpkit/config.toml
// without XDG_CONFIG_HOME), both optional; an account in the user's file
// replaces the system's of the same name, and the user's `default` wins.
//
// Every error names the file, the line and the key ("FILE:7: account.work.port:
// must be a whole number from 1 to 65535"), and so does every value taken
// from the file when it is refused later.
//
// Who may read it (msmtp's rule, since a password in it is a password in
// clear text on disk): a file holding `password` that group or others may
// read, or a secret file (password_file) that they may read, is refused with
// the chmod that fixes it. A file holding `password_command` that group or
// others may write is refused as well: whoever can change the command runs
// programs as you. The command itself is no secret, so reading is fine.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace smtpkit::cli {

// A problem with the configuration: the tool exits 78 (EX_CONFIG).
class ConfigError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// One value from the file, and where it was written.
template <class T>
struct Setting {
    T value{};
    std::filesystem::path file;
    std::uint32_t line = 0;
    std::string key;  // "account.work.port"

    // "FILE:LINE: KEY": the start of every message about this value.
    std::string where() const { return file.string() + ":" + std::to_string(line) + ": " + key; }
};

struct Account {
    std::string name;
    std::filesystem::path file;
    std::optional<Setting<std::string>> server, tls, cafile, auth, user, password_command,
        password_file, password_env, password, from, proxy, dkim_key, dkim_selector, dkim_domain,
        dkim_identity, dkim_canonicalization;
    std::optional<Setting<int>> port;
};

// The files to read, in order (later ones win): /etc/smtpkit.toml, then the
// user's. `xdg_config_home` and `home` are the variables' values (nullptr
// when unset).
std::vector<std::filesystem::path> config_search_path(const char* xdg_config_home,
                                                      const char* home);

// The account to use: `account` when given (an error when no file defines
// it), else the files' default, else none. `config` (--config) replaces the
// search path. Throws ConfigError.
std::optional<Account> load_account(const std::string& config, const std::string& account);

// The same from a given list of candidate files (missing ones are skipped
// unless `must_exist`), for tests.
std::optional<Account> load_account_from(const std::vector<std::filesystem::path>& files,
                                         bool must_exist, const std::string& account);

}  // namespace smtpkit::cli
