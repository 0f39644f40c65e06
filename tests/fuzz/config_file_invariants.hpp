// Invariants of the CLI's configuration file reader (src/cli/config_file.cpp,
// toml++ underneath) on any file content. The input: byte 0 picks the file's
// mode (0600, 0640, 0644 or 0666) and the account asked for (the default,
// or "work"), the rest is the file.
//
// What must hold: the reader throws nothing but ConfigError, and every
// ConfigError names the file ("FILE:LINE..." or "--account ..."); an
// account it returns has the name asked for (or the default's), every value
// non-empty with its file, line and key ("account.NAME.KEY"), a port from 1
// to 65535, a tls mode and auth mechanism from their lists, a From that
// parses as a mailbox, a proxy URL that parses, at most one password
// source; and, whatever the account, a password is never taken from a file
// that group or others may read, nor a password_command from one they may
// write.
#pragma once

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "cli/auth_flags.hpp"
#include "cli/config_file.hpp"
#include "cli/proxy_flags.hpp"
#include "smtpkit/address.hpp"

namespace smtpkit::fuzz {

// One scratch file per process, rewritten for each input.
inline const std::filesystem::path& scratch_config() {
    static const std::filesystem::path path =
        std::filesystem::temp_directory_path() /
        ("smtpkit-fuzz-config-" + std::to_string(::getpid()) + ".toml");
    return path;
}

template <class T>
std::string setting_violation(const std::optional<cli::Setting<T>>& s, const std::string& name,
                              std::string_view key, const std::filesystem::path& file) {
    if (!s) {
        return {};
    }
    if (s->file != file || s->line == 0 || s->key != "account." + name + "." + std::string(key)) {
        return "a value without its file, line or key: " + s->key;
    }
    return {};
}

inline std::string check_config_file_input(std::string_view input) {
    static constexpr ::mode_t modes[] = {0600, 0640, 0644, 0666};
    ::mode_t mode = 0600;
    std::string account;
    if (!input.empty()) {
        const auto b = static_cast<unsigned char>(input.front());
        mode = modes[b % 4];
        account = (b & 4) != 0 ? "work" : "";
        input.remove_prefix(1);
    }
    const std::filesystem::path& file = scratch_config();
    {
        std::ofstream out(file, std::ios::binary | std::ios::trunc);
        out.write(input.data(), static_cast<std::streamsize>(input.size()));
    }
    ::chmod(file.c_str(), mode);

    std::optional<cli::Account> a;
    try {
        a = cli::load_account_from({file}, true, account);
    } catch (const cli::ConfigError& e) {
        const std::string what = e.what();
        if (what.rfind(file.string() + ":", 0) != 0 && what.rfind("--account ", 0) != 0) {
            return "a ConfigError that does not name the file: " + what;
        }
        return {};
    } catch (const std::exception& e) {
        return std::string("something other than ConfigError thrown: ") + e.what();
    }
    if (!a) {
        return account.empty() ? std::string{} : "no account although one was asked for";
    }
    if ((!account.empty() && a->name != account) || a->name.empty() || a->file != file) {
        return "an account other than the one asked for";
    }
    for (const auto* s : {&a->server, &a->tls, &a->cafile, &a->auth, &a->user, &a->password_command,
                          &a->password_file, &a->password_env, &a->password, &a->from, &a->proxy}) {
        if (*s && (*s)->value.empty()) {
            return "an empty value taken: " + (*s)->key;
        }
    }
    for (auto [s, key] : {std::pair{&a->server, "server"},
                          {&a->tls, "tls"},
                          {&a->cafile, "cafile"},
                          {&a->auth, "auth"},
                          {&a->user, "user"},
                          {&a->password_command, "password_command"},
                          {&a->password_file, "password_file"},
                          {&a->password_env, "password_env"},
                          {&a->password, "password"},
                          {&a->from, "from"},
                          {&a->proxy, "proxy"}}) {
        if (std::string v = setting_violation(*s, a->name, key, file); !v.empty()) {
            return v;
        }
    }
    if (std::string v = setting_violation(a->port, a->name, "port", file); !v.empty()) {
        return v;
    }
    if (a->port && (a->port->value < 1 || a->port->value > 65535)) {
        return "a port out of range taken";
    }
    if (a->tls && !std::set<std::string>{"starttls", "implicit", "opportunistic", "none"}.count(
                      a->tls->value)) {
        return "an unknown tls mode taken";
    }
    if (a->auth) {
        const auto& names = cli::auth_mechanism_names();
        if (std::find(names.begin(), names.end(), a->auth->value) == names.end()) {
            return "an unknown mechanism taken";
        }
    }
    if (a->from) {
        std::error_code ec;
        parse_mailbox(a->from->value, ec);
        if (ec) {
            return "a From that does not parse taken";
        }
    }
    if (a->proxy) {
        std::string why;
        if (!cli::parse_proxy_url(a->proxy->value, why)) {
            return "a proxy URL that does not parse taken";
        }
    }
    const int sources = (a->password_command ? 1 : 0) + (a->password_file ? 1 : 0) +
                        (a->password_env ? 1 : 0) + (a->password ? 1 : 0);
    if (sources > 1) {
        return "two password sources taken";
    }
    if (a->password && (mode & 077) != 0) {
        return "a password taken from a file others may read";
    }
    if (a->password_command && (mode & 022) != 0) {
        return "a password_command taken from a file others may change";
    }
    return {};
}

}  // namespace smtpkit::fuzz
