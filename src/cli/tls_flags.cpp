#include "cli/tls_flags.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <tuple>

#include <asio/ip/address.hpp>

namespace smtpkit::cli {
namespace {

// The flags that only mean something on a TLS session, with their values.
std::vector<std::pair<const char*, bool>> tls_only_flags(const TlsFlags& f) {
    return {{"--trusted-site", f.trusted_site},
            {"--secure-fallback", f.secure_fallback},
            {"--cafile", !f.ca_file.empty()},
            {"--capath", !f.ca_path.empty()},
            {"--cert", !f.cert_file.empty()},
            {"--key", !f.key_file.empty()},
            {"--key-password-file", !f.key_password_file.empty()}};
}

}  // namespace

const char* to_string(TlsMode mode) noexcept {
    switch (mode) {
        case TlsMode::none:
            return "none";
        case TlsMode::starttls:
            return "starttls";
        case TlsMode::implicit:
            return "implicit";
        case TlsMode::opportunistic:
            return "opportunistic";
    }
    return "none";
}

bool is_loopback_server(const std::string& server) {
    std::string name = server;
    if (name.size() > 2 && name.front() == '[' && name.back() == ']') {
        name = name.substr(1, name.size() - 2);
    }
    std::error_code ec;
    const asio::ip::address address = asio::ip::make_address(name, ec);
    if (!ec) {
        return address.is_loopback();
    }
    if (!name.empty() && name.back() == '.') {
        name.pop_back();
    }
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return name == "localhost";
}

TlsMode effective_tls_mode(const TlsFlags& flags, int port, const std::string& server) {
    if (flags.mode == "starttls") {
        return TlsMode::starttls;
    }
    if (flags.mode == "implicit") {
        return TlsMode::implicit;
    }
    if (flags.mode == "opportunistic") {
        return TlsMode::opportunistic;
    }
    if (flags.mode == "none") {
        return TlsMode::none;
    }
    if (port == default_smtps_port) {
        return TlsMode::implicit;  // 465 is TLS from the first byte (RFC 8314)
    }
    return is_loopback_server(server) ? TlsMode::none : TlsMode::starttls;
}

std::string check_tls_flags(const TlsFlags& flags, int port, const std::string& server) {
    if (effective_tls_mode(flags, port, server) == TlsMode::none) {
        for (const auto& [name, given] : tls_only_flags(flags)) {
            if (given) {
                return std::string(name) +
                       " needs a TLS session: add --tls starttls or --tls implicit";
            }
        }
    }
    if (!flags.key_file.empty() && flags.cert_file.empty()) {
        return "--key needs --cert";
    }
    if (!flags.key_password_file.empty() && flags.cert_file.empty()) {
        return "--key-password-file needs --cert";
    }
    return {};
}

void add_tls_flags(CLI::App& cmd, TlsFlags& f) {
    cmd.add_option("--tls", f.mode,
                   "starttls, implicit, opportunistic or none; starttls and implicit require "
                   "TLS (default: implicit on port 465, else starttls; none for a loopback "
                   "server)")
        ->type_name("MODE")
        ->check(CLI::IsMember({"none", "starttls", "implicit", "opportunistic"}));
    cmd.add_flag("--trusted-site", f.trusted_site,
                 "DANGEROUS: do not verify the server's certificate");
    cmd.add_flag("--secure-fallback", f.secure_fallback,
                 "DANGEROUS: allow TLS 1.0/1.1 and legacy ciphers");
    cmd.add_option("--cafile", f.ca_file, "Trust the CA certificates in this PEM file")
        ->type_name("FILE");
    cmd.add_option("--capath", f.ca_path, "Trust the CA certificates in this hashed directory")
        ->type_name("DIR");
    cmd.add_option("--cert", f.cert_file, "Client certificate (PEM; may hold the key too)")
        ->type_name("FILE");
    cmd.add_option("--key", f.key_file, "Private key of the client certificate (PEM)")
        ->type_name("FILE");
    cmd.add_option("--key-password-file", f.key_password_file,
                   "Read the key's password from the first line of this file")
        ->type_name("FILE");
}

void apply_tls_flags(const TlsFlags& f, int port, const std::string& server,
                     ConnectOptions& options) {
    switch (effective_tls_mode(f, port, server)) {
        case TlsMode::none:
            options.security = Security::plaintext;
            break;
        case TlsMode::starttls:
            options.security = Security::starttls;
            break;
        case TlsMode::implicit:
            options.security = Security::implicit_tls;
            break;
        case TlsMode::opportunistic:
            options.security = Security::starttls_when_available;
            break;
    }
    if (f.trusted_site) {
        options.options |= Option::trusted_site;
    }
    if (f.secure_fallback) {
        options.options |= Option::secure_fallback;
    }
    options.tls.ca_file = f.ca_file;
    options.tls.ca_path = f.ca_path;
    options.tls.cert_file = f.cert_file;
    options.tls.key_file = f.key_file;
}

std::vector<std::string> tls_warnings(const TlsFlags& f) {
    std::vector<std::string> lines;
    if (f.trusted_site) {
        lines.emplace_back(
            "smtpkit: warning: --trusted-site: the server's certificate is not verified; "
            "anyone on the network path can pose as the server and read or change the session");
    }
    if (f.secure_fallback) {
        lines.emplace_back(
            "smtpkit: warning: --secure-fallback: TLS 1.0/1.1 and legacy ciphers are allowed; "
            "they are broken and may not protect the session");
    }
    return lines;
}

namespace {

std::string unreadable(const char* flag, const std::string& path, std::error_code ec) {
    return std::string("cannot read ") + flag + " \"" + path + "\": " + ec.message();
}

// "" when `path` can be opened as a file (`directory`: as a directory).
std::string check_path(const char* flag, const std::string& path, bool directory) {
    if (path.empty()) {
        return {};
    }
    std::error_code ec;
    const bool is_dir = std::filesystem::is_directory(path, ec);
    if (!directory && is_dir) {
        return unreadable(flag, path, std::make_error_code(std::errc::is_a_directory));
    }
    if (directory) {
        std::filesystem::directory_iterator it(path, ec);
        return ec ? unreadable(flag, path, ec) : std::string();
    }
    std::ifstream in(path, std::ios::binary);
    if (!in.is_open()) {
        return unreadable(flag, path,
                          std::error_code(errno != 0 ? errno : ENOENT, std::generic_category()));
    }
    return {};
}

}  // namespace

bool check_tls_files(const TlsFlags& f, std::string& why) {
    for (const auto& [flag, path, directory] :
         {std::tuple{"--cafile", &f.ca_file, false}, std::tuple{"--capath", &f.ca_path, true},
          std::tuple{"--cert", &f.cert_file, false}, std::tuple{"--key", &f.key_file, false},
          std::tuple{"--key-password-file", &f.key_password_file, false}}) {
        why = check_path(flag, *path, directory);
        if (!why.empty()) {
            return false;
        }
    }
    return true;
}

bool read_key_password(const std::string& file, std::string& password, std::string& why) {
    std::error_code ec;
    if (std::filesystem::is_directory(file, ec)) {
        why = "cannot read --key-password-file \"" + file +
              "\": " + std::make_error_code(std::errc::is_a_directory).message();
        return false;
    }
    std::ifstream in(file, std::ios::binary);
    if (!in.is_open()) {
        why = "cannot read --key-password-file \"" + file +
              "\": " + std::strerror(errno != 0 ? errno : ENOENT);
        return false;
    }
    std::string line;
    std::getline(in, line);
    if (in.bad()) {
        why = "cannot read --key-password-file \"" + file + "\"";
        return false;
    }
    if (!line.empty() && line.back() == '\r') {
        line.pop_back();
    }
    password = std::move(line);
    return true;
}

}  // namespace smtpkit::cli
