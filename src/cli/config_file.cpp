#include "cli/config_file.hpp"

#include <sys/stat.h>

#include <toml++/toml.h>
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>
#include <utility>

#include "cli/auth_flags.hpp"
#include "cli/file_mode.hpp"
#include "cli/proxy_flags.hpp"
#include "smtpkit/address.hpp"

namespace smtpkit::cli {
namespace {

namespace fs = std::filesystem;

using StringField = std::optional<Setting<std::string>> Account::*;

// The string keys of an account, in the order the documentation lists them.
const std::vector<std::pair<std::string, StringField>>& string_fields() {
    static const std::vector<std::pair<std::string, StringField>> fields{
        {"server", &Account::server},
        {"tls", &Account::tls},
        {"cafile", &Account::cafile},
        {"auth", &Account::auth},
        {"user", &Account::user},
        {"password_command", &Account::password_command},
        {"password_file", &Account::password_file},
        {"password_env", &Account::password_env},
        {"password", &Account::password},
        {"from", &Account::from},
        {"proxy", &Account::proxy},
        {"dkim_key", &Account::dkim_key},
        {"dkim_selector", &Account::dkim_selector},
        {"dkim_domain", &Account::dkim_domain},
        {"dkim_identity", &Account::dkim_identity},
        {"dkim_canonicalization", &Account::dkim_canonicalization},
    };
    return fields;
}

std::string known_keys() {
    std::string out = "port";
    for (const auto& [key, field] : string_fields()) {
        out += ", " + key;
    }
    return out;
}

struct FileAccounts {
    fs::path file;
    std::optional<Setting<std::string>> default_account;
    std::map<std::string, Account> accounts;
};

[[noreturn]] void fail(const fs::path& file, std::uint32_t line, const std::string& key,
                       const std::string& why) {
    throw ConfigError(file.string() + ":" + std::to_string(line) + ": " + key + ": " + why);
}

template <class T>
[[noreturn]] void fail(const Setting<T>& s, const std::string& why) {
    throw ConfigError(s.where() + ": " + why);
}

Setting<std::string> read_string(const fs::path& file, const std::string& key,
                                 const toml::node& node, std::uint32_t line) {
    const auto* text = node.as_string();
    if (text == nullptr) {
        fail(file, line, key, "must be a string in quotes");
    }
    if (text->get().empty()) {
        fail(file, line, key, "is empty");
    }
    return {text->get(), file, line, key};
}

Setting<int> read_port(const fs::path& file, const std::string& key, const toml::node& node,
                       std::uint32_t line) {
    const auto* number = node.as_integer();
    if (number == nullptr || number->get() < 1 || number->get() > 65535) {
        fail(file, line, key, "must be a whole number from 1 to 65535");
    }
    return {static_cast<int>(number->get()), file, line, key};
}

// DKIM: a key, a selector and a domain together (as the flags), the rest
// only with them.
void check_dkim(const Account& a) {
    const std::optional<Setting<std::string>>* given = nullptr;
    const std::optional<Setting<std::string>>* missing = nullptr;
    for (const auto* s : {&a.dkim_key, &a.dkim_selector, &a.dkim_domain}) {
        (*s ? given : missing) = s;
    }
    if (given != nullptr && missing != nullptr) {
        fail(**given, "dkim_key, dkim_selector and dkim_domain go together");
    }
    for (const auto* s : {&a.dkim_identity, &a.dkim_canonicalization}) {
        if (*s && given == nullptr) {
            fail(**s, "needs dkim_key, dkim_selector and dkim_domain");
        }
    }
    if (a.dkim_canonicalization && !std::set<std::string>{"relaxed/relaxed", "simple/simple",
                                                          "relaxed/simple", "simple/relaxed"}
                                        .count(a.dkim_canonicalization->value)) {
        fail(*a.dkim_canonicalization,
             "must be \"relaxed/relaxed\", \"simple/simple\", \"relaxed/simple\" or "
             "\"simple/relaxed\"");
    }
}

// What each value must look like; the first refusal is thrown.
void check_values(const Account& a) {
    if (a.tls && !std::set<std::string>{"starttls", "implicit", "opportunistic", "none"}.count(
                     a.tls->value)) {
        fail(*a.tls, "must be \"starttls\", \"implicit\", \"opportunistic\" or \"none\"");
    }
    if (a.auth) {
        const auto& names = auth_mechanism_names();
        if (std::find(names.begin(), names.end(), a.auth->value) == names.end()) {
            std::string list;
            for (const std::string& name : names) {
                list += (list.empty() ? "" : ", ") + name;
            }
            fail(*a.auth, "unknown mechanism \"" + a.auth->value + "\" (one of " + list + ")");
        }
    }
    if (a.from) {
        std::error_code ec;
        parse_mailbox(a.from->value, ec);
        if (ec) {
            fail(*a.from, "not an address (\"Name <me@example.com>\" or me@example.com)");
        }
    }
    if (a.proxy) {
        if (std::string why; !parse_proxy_url(a.proxy->value, why)) {
            fail(*a.proxy, why);
        }
    }
    check_dkim(a);
    const Setting<std::string>* source = nullptr;
    for (const auto* s : {&a.password_command, &a.password_file, &a.password_env, &a.password}) {
        if (!*s) {
            continue;
        }
        if (source != nullptr) {
            fail(**s, "give one of password_command, password_file, password_env and password; " +
                          source->key + " is already set on line " + std::to_string(source->line));
        }
        source = &**s;
    }
}

Account read_account(const fs::path& file, const std::string& name, const toml::table& table) {
    Account a;
    a.name = name;
    a.file = file;
    for (const auto& [key, node] : table) {
        const std::string k(key.str());
        const std::string full = "account." + name + "." + k;
        const std::uint32_t line = key.source().begin.line;
        if (k == "port") {
            a.port = read_port(file, full, node, line);
            continue;
        }
        const auto& fields = string_fields();
        const auto field =
            std::find_if(fields.begin(), fields.end(), [&](const auto& f) { return f.first == k; });
        if (field == fields.end()) {
            fail(file, line, full, "unknown key (an account has " + known_keys() + ")");
        }
        a.*(field->second) = read_string(file, full, node, line);
    }
    check_values(a);
    return a;
}

// The permissions a file needs for what it holds (see config_file.hpp).
void check_mode(const FileAccounts& f) {
    struct stat st {};
    if (::stat(f.file.c_str(), &st) != 0) {
        return;  // it was just read; a race is not worth a message
    }
    for (const auto& [name, a] : f.accounts) {
        if (a.password && (st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
            fail(*a.password, "a password in a file that other users can read (mode " +
                                  mode_text(st.st_mode) + "): run chmod 600 " + f.file.string() +
                                  ", or use password_command instead");
        }
        if (a.password_command && (st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
            fail(*a.password_command, "a command in a file that other users can change (mode " +
                                          mode_text(st.st_mode) + "): run chmod go-w " +
                                          f.file.string());
        }
    }
}

toml::table parse(const fs::path& file) {
    try {
        return toml::parse_file(file.string());
    } catch (const toml::parse_error& e) {
        const auto& where = e.source().begin;
        throw ConfigError(file.string() + ":" + std::to_string(where.line) + ":" +
                          std::to_string(where.column) + ": " + std::string(e.description()));
    }
}

FileAccounts read_file(const fs::path& file) {
    FileAccounts out;
    out.file = file;
    const toml::table root = parse(file);
    for (const auto& [key, node] : root) {
        const std::string k(key.str());
        const std::uint32_t line = key.source().begin.line;
        if (k == "default") {
            out.default_account = read_string(file, k, node, line);
        } else if (k == "account" && node.is_table()) {
            for (const auto& [name, account] : *node.as_table()) {
                const std::string n(name.str());
                if (!account.is_table()) {
                    fail(file, name.source().begin.line, "account." + n,
                         "must be a table: [account." + n + "]");
                }
                out.accounts[n] = read_account(file, n, *account.as_table());
            }
        } else if (k == "account") {
            fail(file, line, k, "must hold tables: [account.NAME]");
        } else {
            fail(file, line, k, "unknown key (the file has default and [account.NAME] tables)");
        }
    }
    check_mode(out);
    return out;
}

// True when `file` is there to read; a path that exists but cannot be read
// is an error, not a missing file.
bool present(const fs::path& file, bool must_exist) {
    std::error_code ec;
    const fs::file_status status = fs::status(file, ec);
    if (status.type() == fs::file_type::not_found && !must_exist) {
        return false;
    }
    if (ec || status.type() != fs::file_type::regular) {
        const std::string why =
            ec ? ec.message()
               : (status.type() == fs::file_type::not_found ? std::strerror(ENOENT)
                                                            : "not a regular file");
        throw ConfigError("cannot read config file " + file.string() + ": " + why);
    }
    return true;
}

std::string file_list(const std::vector<fs::path>& files) {
    std::string out;
    for (const fs::path& f : files) {
        out += (out.empty() ? "" : ", ") + f.string();
    }
    return out;
}

}  // namespace

std::vector<fs::path> config_search_path(const char* xdg_config_home, const char* home) {
    std::vector<fs::path> files{"/etc/smtpkit.toml"};
    // XDG Base Directory: an unset or empty (or relative) value means the default.
    if (xdg_config_home != nullptr && *xdg_config_home == '/') {
        files.push_back(fs::path(xdg_config_home) / "smtpkit" / "config.toml");
    } else if (home != nullptr && *home != '\0') {
        files.push_back(fs::path(home) / ".config" / "smtpkit" / "config.toml");
    }
    return files;
}

std::optional<Account> load_account_from(const std::vector<fs::path>& files, bool must_exist,
                                         const std::string& account) {
    std::map<std::string, Account> accounts;
    std::optional<Setting<std::string>> default_account;
    std::vector<fs::path> read;
    for (const fs::path& file : files) {
        if (!present(file, must_exist)) {
            continue;
        }
        FileAccounts f = read_file(file);
        read.push_back(file);
        for (auto& [name, a] : f.accounts) {
            accounts[name] = std::move(a);
        }
        if (f.default_account) {
            default_account = f.default_account;
        }
    }
    if (!account.empty()) {
        if (read.empty()) {
            throw ConfigError("--account " + account + ": there is no config file (looked for " +
                              file_list(files) + ")");
        }
        const auto it = accounts.find(account);
        if (it == accounts.end()) {
            throw ConfigError("--account " + account + ": no [account." + account + "] in " +
                              file_list(read));
        }
        return it->second;
    }
    if (!default_account) {
        return std::nullopt;
    }
    const auto it = accounts.find(default_account->value);
    if (it == accounts.end()) {
        fail(*default_account, "no [account." + default_account->value + "] in " + file_list(read));
    }
    return it->second;
}

std::optional<Account> load_account(const std::string& config, const std::string& account) {
    if (!config.empty()) {
        return load_account_from({fs::path(config)}, true, account);
    }
    return load_account_from(
        config_search_path(std::getenv("XDG_CONFIG_HOME"), std::getenv("HOME")), false, account);
}

}  // namespace smtpkit::cli
