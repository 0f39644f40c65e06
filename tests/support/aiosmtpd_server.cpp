#include "support/aiosmtpd_server.hpp"

#include <unistd.h>

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <thread>

namespace smtpkit::test {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// Debian's aiosmtpd lives in /usr/lib/python3/dist-packages: only the
// system interpreter sees it (a python3 earlier on PATH may not).
constexpr const char* python_bin = "/usr/bin/python3";

fs::path script_path() {
    return fs::path(SMTPKIT_TEST_DATA_DIR) / "integration/aiosmtpd_server.py";
}

// "READY 12345\n" -> 12345; 0 while the line is not complete.
std::uint16_t parse_ready(const std::string& out) {
    const auto pos = out.find("READY ");
    if (pos == std::string::npos || out.find('\n', pos) == std::string::npos) {
        return 0;
    }
    const long port = std::strtol(out.c_str() + pos + 6, nullptr, 10);
    return port > 0 && port < 65536 ? static_cast<std::uint16_t>(port) : 0;
}

}  // namespace

std::vector<std::string> AiosmtpdServer::command_line(const Options& options) const {
    std::vector<std::string> argv = {
        python_bin, script_path().string(), "--port",       "0",
        "--dir",    store_.string(),        "--size-limit", std::to_string(options.size_limit)};
    if (options.auth) {
        const fs::path password_file = directory() / "auth-password";
        write_file(password_file, options.auth->password);
        argv.insert(argv.end(), {"--auth-user", options.auth->user, "--auth-password-file",
                                 password_file.string(), "--auth-log", auth_log_path().string()});
        if (options.auth->allow_plaintext) {
            argv.emplace_back("--auth-allow-plaintext");
        }
        if (options.auth->required) {
            argv.emplace_back("--auth-required");
        }
    }
    if (options.tls == AiosmtpdTls::none) {
        return argv;
    }
    if (options.chain_file.empty() || options.key_file.empty()) {
        throw std::invalid_argument("AiosmtpdServer: TLS needs chain_file and key_file");
    }
    argv.insert(argv.end(),
                {"--tls", options.tls == AiosmtpdTls::starttls ? "starttls" : "implicit", "--cert",
                 options.chain_file, "--key", options.key_file});
    if (options.require_starttls) {
        argv.emplace_back("--require-starttls");
    }
    return argv;
}

AiosmtpdServer::AiosmtpdServer(Options options)
    : dir_("smtpkit-aiosmtpd-"), store_(dir_.path() / "messages") {
    if (access(python_bin, X_OK) != 0) {
        throw std::runtime_error("AiosmtpdServer needs /usr/bin/python3 with python3-aiosmtpd");
    }
    fs::create_directory(store_);
    const fs::path out = directory() / "stdout";
    // The script binds port 0 itself and reports the port it got: no race
    // with other processes choosing ports at the same time.
    process_ = ChildProcess(command_line(options), out, directory() / "stderr");
    const auto deadline = Clock::now() + options.start_timeout;
    for (;;) {
        port_ = parse_ready(read_file(out));
        if (port_ != 0) {
            return;
        }
        std::string why;
        if (!process_.running()) {
            why = "it " + describe_wait_status(process_.wait_status().value_or(0));
        } else if (Clock::now() >= deadline) {
            why = "no READY within " + std::to_string(options.start_timeout.count()) + " ms";
        }
        if (!why.empty()) {
            process_.stop(2s);
            throw std::runtime_error("aiosmtpd server did not start: " + why +
                                     "\n--- stderr ---\n" + stderr_text());
        }
        std::this_thread::sleep_for(20ms);
    }
}

AiosmtpdServer::~AiosmtpdServer() {
    process_.stop(3s);
}

fs::path AiosmtpdServer::message_file(std::size_t index, const char* ext) const {
    return store_ / ("msg-" + std::to_string(index) + ext);
}

ReceivedMessage AiosmtpdServer::load(std::size_t index) const {
    const auto meta = nlohmann::json::parse(read_file(message_file(index, ".json")));
    ReceivedMessage m;
    m.mail_from = meta.at("mail_from").get<std::string>();
    m.rcpt_tos = meta.at("rcpt_tos").get<std::vector<std::string>>();
    m.mail_options = meta.at("mail_options").get<std::vector<std::string>>();
    if (meta.at("helo").is_string()) {
        m.helo = meta.at("helo").get<std::string>();
    }
    if (meta.contains("tls_version") && meta.at("tls_version").is_string()) {
        m.tls_version = meta.at("tls_version").get<std::string>();
    }
    if (meta.contains("auth_login") && meta.at("auth_login").is_string()) {
        m.auth_login = meta.at("auth_login").get<std::string>();
    }
    m.content = read_file(message_file(index, ".eml"));
    return m;
}

std::vector<ReceivedMessage> AiosmtpdServer::messages() const {
    std::vector<ReceivedMessage> all;
    // The .json file appears (by rename) only once the message is complete.
    for (std::size_t i = 0; fs::exists(message_file(i, ".json")); ++i) {
        all.push_back(load(i));
    }
    return all;
}

ReceivedMessage AiosmtpdServer::wait_for_message(std::size_t index,
                                                 std::chrono::milliseconds timeout) const {
    const auto deadline = Clock::now() + timeout;
    while (!fs::exists(message_file(index, ".json"))) {
        if (Clock::now() >= deadline) {
            throw std::runtime_error("aiosmtpd stored no message #" + std::to_string(index) +
                                     " within " + std::to_string(timeout.count()) +
                                     " ms\n--- stderr ---\n" + stderr_text());
        }
        std::this_thread::sleep_for(20ms);
    }
    return load(index);
}

fs::path AiosmtpdServer::auth_log_path() const {
    return directory() / "auth.log";
}

std::vector<std::string> AiosmtpdServer::auth_log() const {
    std::vector<std::string> lines;
    const std::string text = read_file(auth_log_path());
    std::size_t pos = 0;
    for (auto eol = text.find('\n'); eol != std::string::npos; eol = text.find('\n', pos)) {
        lines.push_back(text.substr(pos, eol - pos));
        pos = eol + 1;
    }
    return lines;
}

std::string AiosmtpdServer::stderr_text() const {
    return read_file(directory() / "stderr");
}

}  // namespace smtpkit::test
