#include "support/postfix_server.hpp"

#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <stdexcept>
#include <thread>

namespace smtpkit::test {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr const char* postconf_bin = "/usr/sbin/postconf";
constexpr const char* postfix_bin = "/usr/sbin/postfix";
constexpr const char* master_bin = "/usr/lib/postfix/sbin/master";
constexpr int start_attempts = 3;

std::string listener_name(std::uint16_t port) {
    return "127.0.0.1:" + std::to_string(port) + "/inet";
}

std::string listener_entry(std::uint16_t port) {
    const std::string addr = "127.0.0.1:" + std::to_string(port);
    return addr + "/inet=" + addr + " inet n - n - - smtpd";
}

// Postfix re-reads main.cf for up to two seconds while its modification time
// is in the future or very recent ("file is being written"); a config we just
// wrote is finished, so date it back and save those seconds on every start.
void backdate(const fs::path& file) {
    fs::last_write_time(file, fs::file_time_type::clock::now() - std::chrono::minutes(1));
}

void require_root_and_postfix() {
    if (geteuid() != 0) {
        throw std::runtime_error("PostfixServer needs root (Postfix's master runs as root)");
    }
    if (access(master_bin, X_OK) != 0 || access(postconf_bin, X_OK) != 0) {
        throw std::runtime_error("PostfixServer needs the postfix package (" +
                                 std::string(master_bin) + ")");
    }
}

// Reads `path` under a shared fcntl lock and only when no dotlock is held:
// Postfix's local(8) takes both while it appends, so what we read is whole.
bool read_mailbox_unlocked(const fs::path& path, std::string& content) {
    if (fs::exists(path.string() + ".lock")) {
        return false;
    }
    const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return false;
    }
    struct flock lock {};
    lock.l_type = F_RDLCK;
    lock.l_whence = SEEK_SET;
    bool ok = false;
    if (fcntl(fd, F_SETLK, &lock) == 0) {
        content = read_file(path);
        ok = true;
    }
    close(fd);  // releases the lock
    return ok;
}

std::size_t count_occurrences(std::string_view text, std::string_view what) {
    if (what.empty()) {
        return 0;
    }
    std::size_t count = 0;
    for (auto pos = text.find(what); pos != std::string_view::npos;
         pos = text.find(what, pos + what.size())) {
        ++count;
    }
    return count;
}

bool starts_with_from_line(std::string_view text, std::size_t pos) {
    return text.compare(pos, 5, "From ") == 0;
}

}  // namespace

PostfixServer::PostfixServer(Options options) : dir_("smtpkit-postfix-") {
    require_root_and_postfix();
    if (options.smtps && !options.tls) {
        throw std::invalid_argument("PostfixServer: an smtps listener needs a certificate (tls)");
    }
    port_ = options.preferred_port != 0 ? options.preferred_port : free_loopback_port();
    smtps_port_ = options.smtps ? free_loopback_port() : 0;
    smtps_settings_ = options.smtps_settings;
    configure(options);
    for (int attempt = 1;; ++attempt) {
        std::string why;
        if (start_master(options.start_timeout, why)) {
            return;
        }
        const bool exited = !master_.running();
        master_.stop(5s, true);
        // Another process may have taken the port between our probe and
        // Postfix's bind. master reports that only to syslog (its logger is
        // not up yet), so any early exit earns a retry on another port.
        if (exited && attempt < start_attempts) {
            remove_listeners();
            port_ = free_loopback_port();
            smtps_port_ = smtps_port_ != 0 ? free_loopback_port() : 0;
            add_listeners();
            continue;
        }
        throw std::runtime_error("Postfix did not start on 127.0.0.1:" + std::to_string(port_) +
                                 " (" + directory().string() + "): " + why +
                                 "\n--- Postfix log ---\n" + log());
    }
}

PostfixServer::~PostfixServer() {
    master_.stop(5s, true);
}

void PostfixServer::configure(const Options& options) {
    const fs::path dir = directory();
    etc_ = dir / "etc";
    for (const char* sub : {"etc", "spool", "data", "mail"}) {
        fs::create_directory(dir / sub);
    }
    // Local delivery writes mailboxes as the recipient (nobody for root).
    fs::permissions(dir / "mail", fs::perms::all | fs::perms::sticky_bit);
    const passwd* pw = getpwnam("postfix");
    if (pw == nullptr || chown((dir / "data").c_str(), pw->pw_uid, static_cast<gid_t>(-1)) != 0) {
        throw std::runtime_error("cannot give " + (dir / "data").string() + " to user postfix");
    }
    fs::copy_file("/etc/postfix/master.cf.proto", etc_ / "master.cf");
    fs::copy_file("/usr/share/postfix/main.cf.debian", etc_ / "main.cf");
    fs::copy_file("/etc/postfix/dynamicmaps.cf", etc_ / "dynamicmaps.cf");

    std::vector<std::string> settings = {
        "queue_directory=" + (dir / "spool").string(),
        "data_directory=" + (dir / "data").string(),
        "mail_spool_directory=" + (dir / "mail").string(),
        std::string("myhostname=") + host_name,
        "mydestination=$myhostname, localhost",
        "inet_interfaces=127.0.0.1",
        "inet_protocols=ipv4",
        "mynetworks=127.0.0.0/8",
        "maillog_file=/dev/stdout",
        "compatibility_level=3.6",
        "alias_maps=",
        "alias_database=",
        "local_recipient_maps=",
        "home_mailbox=",
        "smtputf8_enable=yes",
        "recipient_delimiter=+",
        // Nothing may leave the machine: no relaying, no outbound SMTP.
        "smtpd_relay_restrictions=reject_unauth_destination",
        "default_transport=error:outbound mail is disabled in this test instance",
        "relay_transport=error:outbound mail is disabled in this test instance",
        "smtpd_error_sleep_time=0",
    };
    for (auto& setting : tls_settings(options)) {
        settings.push_back(std::move(setting));
    }
    for (auto& setting : sasl_settings(options)) {
        settings.push_back(std::move(setting));
    }
    for (const auto& [name, value] : options.main_cf) {
        settings.push_back(name + "=" + value);
    }
    settings.insert(settings.begin(), "-e");
    postconf(settings);
    postconf({"-F", "*/*/chroot = n"});
    postconf({"-M#", "smtp/inet"});
    add_listeners();

    int rc = 0;
    const std::string out = run_command({postfix_bin, "-c", etc_.string(), "check"}, rc);
    if (rc != 0) {
        throw std::runtime_error("postfix check failed in " + dir.string() + ":\n" + out);
    }
}

std::vector<std::string> PostfixServer::tls_settings(const Options& options) const {
    if (!options.tls) {
        // Explicitly off: a certificate in the packaged main.cf (Debian's
        // snakeoil) must not make STARTTLS appear.
        return {"smtpd_tls_security_level=none"};
    }
    return {
        "smtpd_tls_cert_file=" + options.tls->chain_file,
        "smtpd_tls_key_file=" + options.tls->key_file,
        "smtpd_tls_security_level=may",
        // "(using TLSv1.3 with cipher ...)" in the Received header, and the
        // handshake's outcome in the log.
        "smtpd_tls_received_header=yes",
        "smtpd_tls_loglevel=1",
    };
}

std::vector<std::string> PostfixServer::sasl_settings(const Options& options) {
    if (!options.dovecot_sasl) {
        return {};
    }
    return {
        "smtpd_sasl_type=dovecot",
        "smtpd_sasl_path=" + options.dovecot_sasl->string(),
        "smtpd_sasl_auth_enable=yes",
        // With TLS, no AUTH before STARTTLS (as a submission server would).
        std::string("smtpd_tls_auth_only=") + (options.tls ? "yes" : "no"),
        "smtpd_sasl_authenticated_header=yes",
        "smtpd_relay_restrictions=permit_sasl_authenticated,reject_unauth_destination",
    };
}

void PostfixServer::add_listeners() {
    postconf({"-Me", listener_entry(port_)});
    if (smtps_port_ == 0) {
        return;
    }
    postconf({"-Me", listener_entry(smtps_port_)});
    const std::string prefix = "127.0.0.1:" + std::to_string(smtps_port_) + "/inet/";
    std::vector<std::string> args = {"-P", prefix + "smtpd_tls_wrappermode=yes",
                                     prefix + "smtpd_tls_security_level=encrypt"};
    for (const auto& [name, value] : smtps_settings_) {
        args.push_back(prefix + name + "=" + value);
    }
    postconf(args);
}

void PostfixServer::remove_listeners() {
    postconf({"-MX", listener_name(port_)});
    if (smtps_port_ != 0) {
        postconf({"-MX", listener_name(smtps_port_)});
    }
}

void PostfixServer::postconf(std::vector<std::string> args) const {
    args.insert(args.begin(), {postconf_bin, "-c", etc_.string()});
    int rc = 0;
    const std::string out = run_command(args, rc);
    if (rc != 0) {
        throw std::runtime_error("postconf failed: " + out);
    }
    backdate(etc_ / "main.cf");
    backdate(etc_ / "master.cf");
}

bool PostfixServer::start_master(std::chrono::milliseconds timeout, std::string& why) {
    const fs::path log_file = directory() / "postfix.log";
    // -s: stay in the foreground (one PID to stop); master leads its own
    // process group, so a forced stop reaches every daemon it started.
    master_ = ChildProcess({master_bin, "-c", etc_.string(), "-s"}, log_file, log_file);
    const auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
        if (!master_.running()) {
            why = "master " + describe_wait_status(master_.wait_status().value_or(0)) +
                  " (errors before its logger starts go only to syslog)";
            return false;
        }
        try {
            // Ready means smtpd answers, not only that master listens.
            SmtpLineConnection probe(port_, 1s);
            const std::string greeting = probe.read_reply();
            if (SmtpLineConnection::reply_code(greeting) != 220) {
                why = "unexpected greeting: " + greeting;
                return false;
            }
            probe.send_line("QUIT");
            probe.read_reply();
            return true;
        } catch (const std::exception& e) {
            why = e.what();  // not listening yet: try again
        }
        std::this_thread::sleep_for(20ms);
    }
    why = "timed out after " + std::to_string(timeout.count()) + " ms (last: " + why + ")";
    return false;
}

fs::path PostfixServer::mailbox_path(std::string_view user) const {
    return directory() / "mail" / std::string(user);
}

std::string PostfixServer::wait_for_mailbox(std::string_view user,
                                            std::chrono::milliseconds timeout,
                                            std::size_t messages) const {
    const fs::path path = mailbox_path(user);
    const auto deadline = Clock::now() + timeout;
    std::string content;
    for (;;) {
        std::string now;
        if (read_mailbox_unlocked(path, now)) {
            content = std::move(now);
            if (split_mbox(content).size() >= messages) {
                return content;
            }
        }
        if (Clock::now() >= deadline) {
            break;
        }
        std::this_thread::sleep_for(20ms);
    }
    throw std::runtime_error("no " + std::to_string(messages) + " message(s) in " + path.string() +
                             " within " + std::to_string(timeout.count()) + " ms; mbox:\n" +
                             content + "\n--- Postfix log ---\n" + log());
}

std::string PostfixServer::log() const {
    return read_file(directory() / "postfix.log");
}

std::string PostfixServer::wait_for_log(std::string_view text, std::chrono::milliseconds timeout,
                                        std::size_t occurrences) const {
    const auto deadline = Clock::now() + timeout;
    for (;;) {
        std::string now = log();
        if (count_occurrences(now, text) >= occurrences) {
            return now;
        }
        if (Clock::now() >= deadline) {
            throw std::runtime_error("the Postfix log shows \"" + std::string(text) +
                                     "\" fewer than " + std::to_string(occurrences) +
                                     " time(s) within " + std::to_string(timeout.count()) +
                                     " ms:\n" + now);
        }
        std::this_thread::sleep_for(20ms);
    }
}

std::vector<std::string> split_mbox(std::string_view mbox) {
    std::vector<std::string> messages;
    std::size_t pos = 0;
    while (pos < mbox.size()) {
        if (!starts_with_from_line(mbox, pos)) {
            break;  // not an mbox (or a torn write): stop rather than guess
        }
        const std::size_t body = mbox.find('\n', pos);
        if (body == std::string_view::npos) {
            break;
        }
        // The next message starts at the next line beginning "From ";
        // local(8) quotes every such line inside a message with '>'.
        std::size_t next = body + 1;
        while (next < mbox.size() && !starts_with_from_line(mbox, next)) {
            const std::size_t eol = mbox.find('\n', next);
            next = eol == std::string_view::npos ? mbox.size() : eol + 1;
        }
        std::string_view message = mbox.substr(body + 1, next - body - 1);
        if (message.ends_with("\n\n")) {
            message.remove_suffix(1);  // the blank line that ends an mbox entry
        }
        messages.emplace_back(message);
        pos = next;
    }
    return messages;
}

std::string as_stored_in_mbox(std::string_view content) {
    std::string out;
    out.reserve(content.size());
    bool line_start = true;
    for (std::size_t i = 0; i < content.size(); ++i) {
        if (line_start && content.compare(i, 5, "From ") == 0) {
            out += '>';
        }
        if (content[i] == '\r' && i + 1 < content.size() && content[i + 1] == '\n') {
            continue;  // CRLF -> LF
        }
        out += content[i];
        line_start = content[i] == '\n';
    }
    return out;
}

std::pair<std::string, std::string> split_postfix_trace_headers(std::string_view stored) {
    static constexpr std::string_view trace_names[] = {
        "Return-Path:", "X-Original-To:", "Delivered-To:", "Received:"};
    std::size_t pos = 0;
    bool in_trace = false;
    while (pos < stored.size()) {
        const std::size_t eol = stored.find('\n', pos);
        const std::size_t end = eol == std::string_view::npos ? stored.size() : eol + 1;
        const std::string_view line = stored.substr(pos, end - pos);
        const bool continuation = in_trace && (line.starts_with(' ') || line.starts_with('\t'));
        bool trace = continuation;
        for (auto name : trace_names) {
            trace = trace || line.starts_with(name);
        }
        if (!trace) {
            break;
        }
        in_trace = true;
        pos = end;
    }
    return {std::string(stored.substr(0, pos)), std::string(stored.substr(pos))};
}

}  // namespace smtpkit::test
