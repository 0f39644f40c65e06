#include "cli/account_settings.hpp"

#include <cstdlib>

#include "cli/connection_flags.hpp"

namespace smtpkit::cli {
namespace {

// Sets `target` from `setting` unless `flag` was on the command line.
template <class T>
void fill(const CLI::App& cmd, const char* flag, const std::optional<Setting<T>>& setting,
          T& target) {
    if (setting && cmd.count(flag) == 0) {
        target = setting->value;
    }
}

std::optional<AccountSecret> secret_of(const Account& a) {
    using Kind = AccountSecret::Kind;
    for (const auto& [setting, kind] :
         {std::pair{&a.password_command, Kind::command}, std::pair{&a.password_file, Kind::file},
          std::pair{&a.password_env, Kind::variable}, std::pair{&a.password, Kind::password}}) {
        if (*setting) {
            const std::string value =
                kind == Kind::file ? expand_home((*setting)->value) : (*setting)->value;
            return AccountSecret{kind, value, (*setting)->where()};
        }
    }
    return std::nullopt;
}

DkimFlags dkim_of(const Account& a) {
    DkimFlags d;
    if (a.dkim_key) {  // the config check makes selector and domain come with it
        d.key_file = expand_home(a.dkim_key->value);
        d.selector = a.dkim_selector->value;
        d.domain = a.dkim_domain->value;
    }
    if (a.dkim_identity) {
        d.identity = a.dkim_identity->value;
    }
    if (a.dkim_canonicalization) {
        d.canonicalization = a.dkim_canonicalization->value;
    }
    return d;
}

}  // namespace

std::string expand_home(const std::string& path) {
    const char* home = std::getenv("HOME");
    if (path.starts_with("~/") && home != nullptr && *home != '\0') {
        return std::string(home) + path.substr(1);
    }
    return path;
}

void apply_account(const Account& a, const CLI::App& cmd, ConnectionFlags& f) {
    fill(cmd, "--server", a.server, f.server);
    fill(cmd, "--port", a.port, f.port);
    fill(cmd, "--tls", a.tls, f.tls.mode);
    if (a.cafile && cmd.count("--cafile") == 0) {
        f.tls.ca_file = expand_home(a.cafile->value);
    }
    fill(cmd, "--auth", a.auth, f.auth.mechanism);
    fill(cmd, "--user", a.user, f.auth.user);
    fill(cmd, "--proxy", a.proxy, f.proxy.url);
    f.auth.account_secret = secret_of(a);
    f.account_from = a.from;
    f.account_dkim = dkim_of(a);
}

}  // namespace smtpkit::cli
