#include "support/dovecot_server.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>
#include <thread>

namespace smtpkit::test {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr const char* dovecot_bin = "/usr/sbin/dovecot";
constexpr const char* doveadm_bin = "/usr/bin/doveadm";
// Runs Dovecot as the leader of its own process group, so that stopping it
// can end its helper processes at once (they take ~2.5 s after SIGTERM).
constexpr const char* setsid_bin = "/usr/bin/setsid";

void require_root_and_dovecot() {
    if (geteuid() != 0) {
        throw std::runtime_error("DovecotServer needs root");
    }
    if (access(dovecot_bin, X_OK) != 0 || access(setsid_bin, X_OK) != 0) {
        throw std::runtime_error("DovecotServer needs the dovecot-core package (" +
                                 std::string(dovecot_bin) + ")");
    }
}

void check_passwd_field(std::string_view what, std::string_view value) {
    if (value.empty() || value.find_first_of(":\r\n") != std::string_view::npos) {
        throw std::invalid_argument("DovecotServer: a " + std::string(what) +
                                    " must be non-empty and hold no ':' or line break");
    }
}

std::string users_file(const std::vector<DovecotUser>& users) {
    std::string text;
    for (const auto& u : users) {
        check_passwd_field("user name", u.name);
        check_passwd_field("password", u.password);
        // nodelay: refuse a wrong password at once where Dovecot's
        // mechanism checks it itself (CRAM-MD5, SCRAM).
        text += u.name + ":{PLAIN}" + u.password + "::::::nodelay=y\n";
    }
    return text;
}

std::string config_text(const fs::path& dir, const std::string& mechanisms,
                        const fs::path& socket) {
    const std::string d = dir.string();
    return "base_dir = " + d + "/run\n" + "state_dir = " + d + "/state\n" +
           "instance_name = smtpkit-test-dovecot\n"
           "protocols =\n"
           "ssl = no\n"
           "log_path = /dev/stderr\n"
           "auth_verbose = yes\n"
           // A wrong password is answered at once (the default waits 2 s).
           "auth_failure_delay = 0\n"
           // Postfix runs TLS; Dovecot sees only the SASL exchange.
           "disable_plaintext_auth = no\n"
           // Any user name, UTF-8 included (the default allows ASCII only).
           "auth_username_chars =\n"
           "auth_mechanisms = " +
           mechanisms +
           "\n"
           "passdb {\n"
           "  driver = passwd-file\n"
           "  args = scheme=PLAIN username_format=%u " +
           d +
           "/users\n"
           "}\n"
           "userdb {\n"
           "  driver = static\n"
           "  args = uid=nobody gid=nogroup home=/nonexistent\n"
           "}\n"
           "service auth {\n"
           "  unix_listener " +
           socket.string() +
           " {\n"
           "    mode = 0666\n"
           "  }\n"
           "}\n"
           // Without anvil's penalty socket repeated failures slow down to 10 s.
           "service anvil {\n"
           "  unix_listener anvil-auth-penalty {\n"
           "    mode = 0\n"
           "  }\n"
           "}\n";
}

// One attempt to read the auth service's handshake ("VERSION", "MECH" lines,
// ..., "DONE") from its socket within `timeout`.
bool read_handshake(const fs::path& socket_path, std::chrono::milliseconds timeout,
                    std::string& handshake) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    const std::string path = socket_path.string();
    if (path.size() >= sizeof addr.sun_path) {
        throw std::runtime_error("socket path too long: " + path);
    }
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return false;
    }
    bool done = false;
    if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
        const auto deadline = Clock::now() + timeout;
        while (!done && Clock::now() < deadline) {
            pollfd pfd{fd, POLLIN, 0};
            const auto left =
                std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
            if (poll(&pfd, 1, static_cast<int>(std::max<long>(left.count(), 1))) != 1) {
                break;
            }
            char buf[1024];
            const ssize_t n = read(fd, buf, sizeof buf);
            if (n <= 0) {
                break;
            }
            handshake.append(buf, static_cast<std::size_t>(n));
            done = handshake.find("\nDONE\n") != std::string::npos;
        }
    }
    close(fd);
    return done;
}

std::vector<std::string> announced_mechanisms(std::string_view handshake) {
    std::vector<std::string> mechs;
    for (auto eol = handshake.find('\n'); eol != std::string_view::npos;
         eol = handshake.find('\n')) {
        std::string_view line = handshake.substr(0, eol);
        handshake.remove_prefix(eol + 1);
        if (line.starts_with("MECH\t")) {
            line.remove_prefix(5);
            mechs.emplace_back(line.substr(0, line.find('\t')));  // then its properties
        }
    }
    return mechs;
}

}  // namespace

DovecotServer::DovecotServer(Options options)
    : dir_("smtpkit-dovecot-"), socket_(dir_.path() / "auth-postfix") {
    require_root_and_dovecot();
    configure(options);
    const fs::path log_file = directory() / "dovecot.log";
    // -F: stay in the foreground, one PID to stop.
    process_ =
        ChildProcess({setsid_bin, dovecot_bin, "-F", "-c", (directory() / "dovecot.conf").string()},
                     log_file, log_file);
    std::string why;
    if (!wait_until_ready(options.start_timeout, why)) {
        process_.stop(200ms, true);
        throw std::runtime_error("Dovecot did not start (" + directory().string() + "): " + why +
                                 "\n--- Dovecot log ---\n" + log());
    }
}

DovecotServer::~DovecotServer() {
    // Postfix is gone by now (see the header), and nothing here outlives the
    // test: no need for Dovecot's slow orderly shutdown.
    process_.stop(200ms, true);
}

void DovecotServer::configure(const Options& options) const {
    write_file(directory() / "users", users_file(options.users));
    write_file(directory() / "dovecot.conf", config_text(directory(), options.mechanisms, socket_));
}

bool DovecotServer::wait_until_ready(std::chrono::milliseconds timeout, std::string& why) {
    const auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
        if (!process_.running()) {
            why = "dovecot " + describe_wait_status(process_.wait_status().value_or(0));
            return false;
        }
        std::string handshake;
        if (fs::exists(socket_) && read_handshake(socket_, 1s, handshake)) {
            mechanisms_ = announced_mechanisms(handshake);
            return true;
        }
        std::this_thread::sleep_for(10ms);
    }
    why = "its auth socket " + socket_.string() + " did not answer within " +
          std::to_string(timeout.count()) + " ms";
    return false;
}

bool DovecotServer::accepts(std::string_view user, std::string_view password) const {
    int rc = -1;
    run_command({doveadm_bin, "-c", (directory() / "dovecot.conf").string(), "auth", "test",
                 std::string(user), std::string(password)},
                rc, 10s);
    return rc == 0;
}

std::string DovecotServer::log() const {
    return read_file(directory() / "dovecot.log");
}

}  // namespace smtpkit::test
