// The scripted server: a listening socket, a wake-up pipe that the
// destructor writes to (every poll() watches it, so any wait ends at once),
// and one Player per connection that walks the script's steps.
#include "support/script_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <deque>
#include <system_error>
#include <utility>

#include "common/data_decoder.hpp"

namespace smtpkit::test {

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t max_line = 64 * 1024;         // a command line longer is a failure
constexpr std::size_t max_body = 64 * 1024 * 1024;  // a DATA body longer is a failure
constexpr std::size_t read_buffer_size = 64 * 1024;

char lower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool starts_with_nocase(std::string_view text, std::string_view prefix) {
    if (text.size() < prefix.size()) {
        return false;
    }
    for (std::size_t i = 0; i < prefix.size(); ++i) {
        if (lower(text[i]) != lower(prefix[i])) {
            return false;
        }
    }
    return true;
}

// For mismatch messages: control octets shown as \xNN, long text cut.
std::string printable(std::string_view s) {
    constexpr std::size_t limit = 120;
    std::string out;
    for (std::size_t i = 0; i < s.size() && i < limit; ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x20 || c == 0x7f) {
            static constexpr char hex[] = "0123456789abcdef";
            out += "\\x";
            out += hex[c >> 4];
            out += hex[c & 0xf];
        } else {
            out += static_cast<char>(c);
        }
    }
    if (s.size() > limit) {
        out += "...(" + std::to_string(s.size()) + " octets)";
    }
    return out;
}

enum class Wait { ready, timeout, stopped, hangup };

// Waits for `events` on `fd`, or for the wake pipe, until `deadline`.
Wait wait_for(int fd, short events, int wake_fd, Clock::time_point deadline) {
    for (;;) {
        const auto left = std::chrono::duration_cast<Millis>(deadline - Clock::now()).count();
        if (left < 0) {
            return Wait::timeout;
        }
        pollfd fds[2] = {{wake_fd, POLLIN, 0}, {fd, events, 0}};
        const int timeout_ms = static_cast<int>(std::min<long long>(left, 1000 * 60 * 60));
        const int n = ::poll(fds, 2, timeout_ms);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 || fds[0].revents != 0) {
            return Wait::stopped;
        }
        if (fds[1].revents & events) {
            return Wait::ready;
        }
        if (fds[1].revents & (POLLHUP | POLLERR | POLLRDHUP | POLLNVAL)) {
            return Wait::hangup;
        }
        if (n == 0 && Clock::now() >= deadline) {
            return Wait::timeout;
        }
    }
}

Clock::time_point forever() {
    return Clock::now() + std::chrono::hours(24);
}

// --- TLS helpers ---------------------------------------------------------------

struct SslCtxFree {
    void operator()(SSL_CTX* ctx) const { SSL_CTX_free(ctx); }
};
struct SslFree {
    void operator()(SSL* ssl) const { SSL_free(ssl); }
};
using SslCtxPtr = std::unique_ptr<SSL_CTX, SslCtxFree>;
using SslPtr = std::unique_ptr<SSL, SslFree>;

// OpenSSL's error queue in words (and emptied).
std::string openssl_errors() {
    std::string out;
    while (const unsigned long code = ERR_get_error()) {
        std::array<char, 256> text{};
        ERR_error_string_n(code, text.data(), text.size());
        out += (out.empty() ? "" : "; ") + std::string(text.data());
    }
    return out;
}

std::string rfc2253(const X509_NAME* name) {
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
    X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253);
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(size));
}

// The server asks for a certificate to record it, not to judge it.
int accept_any_certificate(int, X509_STORE_CTX*) {
    return 1;
}

SslCtxPtr make_server_context(const TlsServerConfig& config, std::string& failure) {
    ERR_clear_error();
    SslCtxPtr ctx(SSL_CTX_new(TLS_server_method()));
    if (!ctx) {
        failure = "SSL_CTX_new: " + openssl_errors();
        return nullptr;
    }
    SSL_CTX* c = ctx.get();
    if (config.security_level >= 0) {
        SSL_CTX_set_security_level(c, config.security_level);
    }
    // A client that closes without close_notify simply ends the stream.
    SSL_CTX_set_options(c, SSL_OP_IGNORE_UNEXPECTED_EOF);
    SSL_CTX_set_num_tickets(c, 0);
    const bool ok =
        (config.min_version == 0 || SSL_CTX_set_min_proto_version(c, config.min_version) == 1) &&
        (config.max_version == 0 || SSL_CTX_set_max_proto_version(c, config.max_version) == 1) &&
        (config.cipher_list.empty() ||
         SSL_CTX_set_cipher_list(c, config.cipher_list.c_str()) == 1) &&
        (config.chain_file.empty() ||
         (SSL_CTX_use_certificate_chain_file(c, config.chain_file.c_str()) == 1 &&
          SSL_CTX_use_PrivateKey_file(c, config.key_file.c_str(), SSL_FILETYPE_PEM) == 1 &&
          SSL_CTX_check_private_key(c) == 1));
    if (!ok) {
        failure = "server TLS setup (" + config.chain_file + "): " + openssl_errors();
        return nullptr;
    }
    if (config.request_client_certificate) {
        SSL_CTX_set_verify(c, SSL_VERIFY_PEER, accept_any_certificate);
    }
    return ctx;
}

// What the finished handshake agreed on.
void record_session(SSL* ssl, TlsRecord& record) {
    record.version = SSL_get_version(ssl);
    if (const SSL_CIPHER* cipher = SSL_get_current_cipher(ssl)) {
        record.cipher = SSL_CIPHER_get_name(cipher);
    }
    if (const char* name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name)) {
        record.sni_sent = true;
        record.sni = name;
    }
    if (X509* peer = SSL_get1_peer_certificate(ssl)) {
        record.client_certificate = true;
        record.client_subject = rfc2253(X509_get_subject_name(peer));
        X509_free(peer);
    }
}

}  // namespace

struct ScriptServer::Records {
    std::vector<ReceivedLine> lines;
    std::vector<std::string> mismatches;
    std::vector<std::string> messages;
    std::vector<std::string> raw_messages;
    std::string received;
    std::size_t reads = 0;
    std::size_t turns = 0;
    std::size_t connections = 0;
    std::vector<TlsRecord> tls;
};

// --- Script ----------------------------------------------------------------

Script& Script::send(std::string bytes) {
    steps_.push_back({Step::Kind::send, std::move(bytes), 0, Millis(0)});
    return *this;
}

Script& Script::send_split(std::string bytes, std::size_t chunk, Millis pause) {
    steps_.push_back({Step::Kind::send, std::move(bytes), std::max<std::size_t>(chunk, 1), pause});
    return *this;
}

Script& Script::expect(std::string prefix) {
    steps_.push_back({Step::Kind::expect, std::move(prefix), 0, Millis(0)});
    return *this;
}

Script& Script::answer(std::string prefix,
                       std::function<std::string(const std::string& line)> respond) {
    Step step{Step::Kind::answer, std::move(prefix), 0, Millis(0)};
    step.respond = std::move(respond);
    steps_.push_back(std::move(step));
    return *this;
}

Script& Script::expect_data() {
    steps_.push_back({Step::Kind::expect_data, {}, 0, Millis(0)});
    return *this;
}

Script& Script::expect_bdat() {
    steps_.push_back({Step::Kind::expect_bdat, {}, 0, Millis(0)});
    return *this;
}

Script& Script::discard_bdat(std::string reply) {
    steps_.push_back({Step::Kind::discard_bdat, std::move(reply), 0, Millis(0)});
    return *this;
}

Script& Script::read_bytes(std::size_t count) {
    steps_.push_back({Step::Kind::read_bytes, {}, count, Millis(0)});
    return *this;
}

Script& Script::delay(Millis duration) {
    steps_.push_back({Step::Kind::delay, {}, 0, duration});
    return *this;
}

Script& Script::close() {
    steps_.push_back({Step::Kind::close, {}, 0, Millis(0)});
    return *this;
}

Script& Script::abort() {
    steps_.push_back({Step::Kind::abort, {}, 0, Millis(0)});
    return *this;
}

Script& Script::stall() {
    steps_.push_back({Step::Kind::stall, {}, 0, Millis(0)});
    return *this;
}

Script& Script::stall_silent(Millis limit) {
    steps_.push_back({Step::Kind::stall_silent, {}, 0, limit});
    return *this;
}

Script& Script::start_tls(TlsServerConfig config) {
    Step step{Step::Kind::start_tls, {}, 0, Millis(0)};
    step.tls = std::make_shared<const TlsServerConfig>(std::move(config));
    steps_.push_back(std::move(step));
    return *this;
}

Script& Script::raw() {
    steps_.push_back({Step::Kind::raw, {}, 0, Millis(0)});
    return *this;
}

Script& Script::accept_starttls(TlsServerConfig config) {
    return expect("STARTTLS").send("220 2.0.0 ready to start TLS\r\n").start_tls(std::move(config));
}

Script& Script::close_mid_reply(std::string first_line) {
    return send(std::move(first_line)).close();
}

Script& Script::greet(std::string line) {
    return send(std::move(line));
}

Script& Script::ehlo(const std::vector<std::string>& extensions) {
    std::string reply;
    const std::string greeting = "test.invalid greets you";
    if (extensions.empty()) {
        reply = "250 " + greeting + "\r\n";
    } else {
        reply = "250-" + greeting + "\r\n";
        for (std::size_t i = 0; i < extensions.size(); ++i) {
            reply += (i + 1 == extensions.size() ? "250 " : "250-") + extensions[i] + "\r\n";
        }
    }
    return expect("EHLO ").send(std::move(reply));
}

Script& Script::helo() {
    return expect("HELO ").send("250 test.invalid\r\n");
}

Script& Script::quit() {
    return expect("QUIT").send("221 2.0.0 bye\r\n");
}

Script Script::esmtp(const std::vector<std::string>& extensions) {
    Script s;
    s.greet().ehlo(extensions);
    return s;
}

Script Script::smtp() {
    Script s;
    s.greet().helo();
    return s;
}

// --- Player ------------------------------------------------------------------

class ScriptServer::Player {
  public:
    Player(ScriptServer& server, int fd, std::size_t connection)
        : server_(server), fd_(fd), connection_(connection) {}

    // Plays every step; returns when the connection is over.
    void play(const Script& script);

  private:
    enum class Fill { data, eof, timeout, stopped, error };
    // One attempt at moving octets, over TCP or TLS.
    enum class Io { done, want_read, want_write, eof, error };

    bool run_step(const Step& step, bool last);
    bool start_tls(const TlsServerConfig& config, bool last);
    bool handshake(TlsRecord& record);
    Io receive_some(char* data, std::size_t size, std::size_t& n);
    Io send_some(std::string_view bytes, std::size_t& n);
    Wait wait_io(Io io, Clock::time_point deadline) const;
    bool send(const Step& step);
    bool write_all(std::string_view bytes);
    bool expect(const Step& step, std::string* seen = nullptr);
    bool expect_data();
    bool expect_bdat();
    bool discard_bdat(const std::string& reply);
    bool next_line_is_bdat(bool& is_bdat);
    bool bdat_chunk(bool keep);
    bool read_bytes(std::size_t count);
    bool delay(Millis duration);
    void close_gracefully();
    void abort();
    void read_until_closed();
    void wait_until_closed(Millis limit);

    Fill fill(Clock::time_point deadline);
    std::size_t consume(std::size_t n);
    bool take_line(std::string& line, std::size_t& read_index);
    void record_lines();
    void mismatch(std::string what);
    const char* describe(Fill f) const;
    Clock::time_point io_deadline() const { return Clock::now() + server_.io_timeout_; }

    ScriptServer& server_;
    int fd_;
    std::size_t connection_;
    std::string in_;  // read, not yet consumed
    // Which recv() brought the octets of in_: {octets, read index}, in order.
    std::deque<std::pair<std::size_t, std::size_t>> segments_;
    bool closed_ = false;  // the connection is over (closed, aborted or lost)
    SslCtxPtr tls_context_;
    SslPtr tls_;                    // set once a start_tls() handshake has succeeded
    bool raw_ = false;              // octets are not lines: record_lines() drops them
    bool sent_since_read_ = false;  // the next read of client octets is a new turn
    std::string bdat_message_;      // BDAT chunks so far, until LAST
};

void ScriptServer::Player::play(const Script& script) {
    const auto& steps = script.steps();
    for (std::size_t i = 0; i < steps.size(); ++i) {
        if (!run_step(steps[i], i + 1 == steps.size())) {
            return;
        }
    }
    // The script is over: note whatever else the client says until it closes.
    read_until_closed();
}

bool ScriptServer::Player::run_step(const Step& step, bool last) {
    switch (step.kind) {
        case Step::Kind::send:
            return send(step);
        case Step::Kind::expect:
            return expect(step);
        case Step::Kind::expect_data:
            return expect_data();
        case Step::Kind::read_bytes:
            return read_bytes(step.chunk);
        case Step::Kind::delay:
            return delay(step.pause);
        case Step::Kind::close:
            close_gracefully();
            return false;
        case Step::Kind::abort:
            abort();
            return false;
        case Step::Kind::stall:
            read_until_closed();
            return false;
        case Step::Kind::stall_silent:
            wait_until_closed(step.pause);
            return false;
        case Step::Kind::start_tls:
            return start_tls(*step.tls, last);
        case Step::Kind::raw:
            raw_ = true;
            return true;
        case Step::Kind::answer: {
            std::string line;
            return expect(step, &line) && write_all(step.respond(line));
        }
        case Step::Kind::expect_bdat:
            return expect_bdat();
        case Step::Kind::discard_bdat:
            return discard_bdat(step.text);
    }
    return false;
}

bool ScriptServer::Player::start_tls(const TlsServerConfig& config, bool last) {
    TlsRecord record;
    record.connection = connection_;
    if (!in_.empty()) {
        // Read along with the last expected line: sent before the 220 came.
        record.plaintext_before = in_;
        mismatch("octets pipelined before the TLS handshake: '" + printable(in_) + "'");
        in_.clear();
        segments_.clear();
    }
    tls_context_ = make_server_context(config, record.failure);
    const bool ok = tls_context_ && handshake(record);
    if (!ok && !last) {
        mismatch("TLS handshake failed: " + record.failure);
    }
    {
        std::lock_guard lock(server_.mutex_);
        server_.records_->tls.push_back(record);
    }
    if (!ok) {
        // The stream is no longer SMTP in any form: the connection is over.
        tls_.reset();
        closed_ = true;
    }
    return ok;
}

bool ScriptServer::Player::handshake(TlsRecord& record) {
    tls_.reset(SSL_new(tls_context_.get()));
    if (!tls_ || SSL_set_fd(tls_.get(), fd_) != 1) {
        record.failure = "SSL_new: " + openssl_errors();
        return false;
    }
    const auto deadline = io_deadline();
    for (;;) {
        ERR_clear_error();
        const int r = SSL_accept(tls_.get());
        if (r == 1) {
            break;
        }
        const int err = SSL_get_error(tls_.get(), r);
        const Io io = err == SSL_ERROR_WANT_READ    ? Io::want_read
                      : err == SSL_ERROR_WANT_WRITE ? Io::want_write
                                                    : Io::error;
        if (io == Io::error) {
            record.failure = openssl_errors();
            if (record.failure.empty()) {
                record.failure = "the client closed the connection";
            }
            return false;
        }
        const Wait w = wait_io(io, deadline);
        if (w == Wait::timeout || w == Wait::stopped) {
            record.failure = w == Wait::timeout ? "timed out" : "server stopped";
            return false;
        }
    }
    record_session(tls_.get(), record);
    record.handshake_done = true;
    return true;
}

ScriptServer::Player::Io ScriptServer::Player::receive_some(char* data, std::size_t size,
                                                            std::size_t& n) {
    if (tls_) {
        ERR_clear_error();
        const int r = SSL_read_ex(tls_.get(), data, size, &n);
        if (r == 1) {
            return Io::done;
        }
        switch (SSL_get_error(tls_.get(), r)) {
            case SSL_ERROR_WANT_READ:
                return Io::want_read;
            case SSL_ERROR_WANT_WRITE:
                return Io::want_write;
            case SSL_ERROR_ZERO_RETURN:
                return Io::eof;
            default:
                ERR_clear_error();
                return Io::error;
        }
    }
    for (;;) {
        const ssize_t r = ::recv(fd_, data, size, 0);
        if (r > 0) {
            n = static_cast<std::size_t>(r);
            return Io::done;
        }
        if (r == 0) {
            return Io::eof;
        }
        if (errno != EINTR) {
            return errno == EAGAIN || errno == EWOULDBLOCK ? Io::want_read : Io::error;
        }
    }
}

ScriptServer::Player::Io ScriptServer::Player::send_some(std::string_view bytes, std::size_t& n) {
    if (tls_) {
        // Without partial writes SSL_write takes all or nothing; a retry
        // passes the same octets again, as OpenSSL requires.
        ERR_clear_error();
        const int r = SSL_write_ex(tls_.get(), bytes.data(), bytes.size(), &n);
        if (r == 1) {
            return Io::done;
        }
        switch (SSL_get_error(tls_.get(), r)) {
            case SSL_ERROR_WANT_READ:
                return Io::want_read;
            case SSL_ERROR_WANT_WRITE:
                return Io::want_write;
            default:
                return Io::error;
        }
    }
    for (;;) {
        const ssize_t r = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (r >= 0) {
            n = static_cast<std::size_t>(r);
            return Io::done;
        }
        if (errno != EINTR) {
            return errno == EAGAIN || errno == EWOULDBLOCK ? Io::want_write : Io::error;
        }
    }
}

Wait ScriptServer::Player::wait_io(Io io, Clock::time_point deadline) const {
    const short events = io == Io::want_write ? POLLOUT : POLLIN;
    const Wait w = wait_for(fd_, events, server_.wake_read_, deadline);
    // On a hang-up the next attempt tells what happened.
    return w == Wait::hangup ? Wait::ready : w;
}

bool ScriptServer::Player::send(const Step& step) {
    const std::string_view bytes = step.text;
    if (step.chunk == 0) {
        return write_all(bytes);
    }
    for (std::size_t pos = 0; pos < bytes.size(); pos += step.chunk) {
        if (pos > 0 && !delay(step.pause)) {
            return false;
        }
        if (!write_all(bytes.substr(pos, step.chunk))) {
            return false;
        }
    }
    return true;
}

bool ScriptServer::Player::write_all(std::string_view bytes) {
    const auto deadline = io_deadline();
    while (!bytes.empty()) {
        std::size_t n = 0;
        const Io io = send_some(bytes, n);
        if (io == Io::done) {
            bytes.remove_prefix(n);
            sent_since_read_ = true;
            continue;
        }
        if (io == Io::want_read || io == Io::want_write) {
            const Wait w = wait_io(io, deadline);
            if (w == Wait::ready) {
                continue;
            }
            if (w != Wait::stopped) {
                mismatch("could not send '" + printable(bytes) + "': client not reading");
            }
            return false;
        }
        mismatch("could not send '" + printable(bytes) + "': " +
                 (tls_ ? "TLS error " + openssl_errors() : std::string(std::strerror(errno))));
        return false;
    }
    return true;
}

bool ScriptServer::Player::expect(const Step& step, std::string* seen) {
    const auto deadline = io_deadline();
    std::string line;
    std::size_t read_index = 0;
    while (!take_line(line, read_index)) {
        if (closed_) {
            return false;
        }
        if (const Fill f = fill(deadline); f != Fill::data) {
            if (f != Fill::stopped) {
                mismatch("expected '" + step.text + "', got " + describe(f) +
                         (in_.empty() ? "" : " after '" + printable(in_) + "'"));
            }
            return false;
        }
    }
    if (!starts_with_nocase(line, step.text)) {
        mismatch("expected '" + step.text + "', got '" + printable(line) + "'");
    }
    if (seen != nullptr) {
        *seen = std::move(line);
    }
    return true;
}

bool ScriptServer::Player::expect_data() {
    const auto deadline = io_deadline();
    std::size_t scanned = 0;
    for (;;) {
        std::size_t end = std::string::npos;
        if (in_.compare(0, 3, ".\r\n") == 0) {
            end = 3;
        } else if (const auto p = in_.find("\r\n.\r\n", scanned); p != std::string::npos) {
            end = p + 5;
        }
        if (end != std::string::npos) {
            const std::string wire = in_.substr(0, end);
            consume(end);
            const DecodedData decoded = decode_data(wire);
            if (!decoded.ok()) {
                mismatch("message content: " + decoded.problem);
            }
            std::lock_guard lock(server_.mutex_);
            server_.records_->messages.push_back(decoded.content);
            server_.records_->raw_messages.push_back(wire);
            return true;
        }
        scanned = in_.size() >= 4 ? in_.size() - 4 : 0;
        if (in_.size() > max_body) {
            mismatch("message content: no end within " + std::to_string(max_body) + " octets");
            abort();
            return false;
        }
        if (const Fill f = fill(deadline); f != Fill::data) {
            if (f != Fill::stopped) {
                mismatch(std::string("expected message content, got ") + describe(f) + " after " +
                         std::to_string(in_.size()) + " octets");
            }
            return false;
        }
    }
}

// The BDAT command line, then exactly its octets (which may hold anything,
// line ends included). `keep`: part of the message, else discarded.
bool ScriptServer::Player::bdat_chunk(bool keep) {
    const auto deadline = io_deadline();
    std::string line;
    std::size_t read_index = 0;
    while (!take_line(line, read_index)) {
        if (const Fill f = fill(deadline); f != Fill::data) {
            if (f != Fill::stopped) {
                mismatch(std::string("expected BDAT, got ") + describe(f));
            }
            return false;
        }
    }
    const std::string args = starts_with_nocase(line, "BDAT ") ? line.substr(5) : std::string();
    const std::size_t space = args.find(' ');
    const std::string number = args.substr(0, space);
    const std::string rest = space == std::string::npos ? std::string() : args.substr(space);
    const bool last = starts_with_nocase(rest, " LAST") && rest.size() == 5;
    if (number.empty() || number.size() > 9 ||
        number.find_first_not_of("0123456789") != std::string::npos || (!rest.empty() && !last)) {
        mismatch("expected 'BDAT n [LAST]', got '" + printable(line) + "'");
        return false;
    }
    const std::size_t octets = std::stoul(number);
    if (octets > max_body) {
        mismatch("a BDAT chunk larger than " + std::to_string(max_body) + " octets");
        abort();
        return false;
    }
    while (in_.size() < octets) {
        if (const Fill f = fill(deadline); f != Fill::data) {
            if (f != Fill::stopped) {
                mismatch("BDAT chunk: expected " + std::to_string(octets) + " octets, got " +
                         describe(f) + " after " + std::to_string(in_.size()));
            }
            return false;
        }
    }
    if (keep) {
        bdat_message_.append(in_, 0, octets);
    }
    consume(octets);
    if (keep && last) {
        std::lock_guard lock(server_.mutex_);
        server_.records_->messages.push_back(bdat_message_);
        server_.records_->raw_messages.push_back(std::move(bdat_message_));
        bdat_message_.clear();
    }
    return true;
}

bool ScriptServer::Player::expect_bdat() {
    return bdat_chunk(true);
}

// Waits for a whole line without taking it; true when it is a BDAT line.
bool ScriptServer::Player::next_line_is_bdat(bool& is_bdat) {
    const auto deadline = io_deadline();
    while (in_.find('\n') == std::string::npos) {
        if (const Fill f = fill(deadline); f != Fill::data) {
            if (f != Fill::stopped) {
                mismatch(std::string("expected a command, got ") + describe(f));
            }
            return false;
        }
    }
    is_bdat = starts_with_nocase(in_, "BDAT ");
    return true;
}

bool ScriptServer::Player::discard_bdat(const std::string& reply) {
    for (;;) {
        bool is_bdat = false;
        if (!next_line_is_bdat(is_bdat)) {
            return false;
        }
        if (!is_bdat) {
            return true;
        }
        if (!bdat_chunk(false) || !write_all(reply)) {
            return false;
        }
    }
}

bool ScriptServer::Player::read_bytes(std::size_t count) {
    const auto deadline = io_deadline();
    while (in_.size() < count) {
        if (const Fill f = fill(deadline); f != Fill::data) {
            if (f != Fill::stopped) {
                mismatch("expected " + std::to_string(count) + " octets, got " + describe(f) +
                         " after " + std::to_string(in_.size()));
            }
            return false;
        }
    }
    consume(count);
    return true;
}

bool ScriptServer::Player::delay(Millis duration) {
    // Only the wake pipe can end this early: watch it alone.
    const auto deadline = Clock::now() + duration;
    return wait_for(server_.wake_read_, POLLIN, server_.wake_read_, deadline) == Wait::timeout;
}

void ScriptServer::Player::close_gracefully() {
    // FIN first, then keep reading: closing with unread octets would send a
    // RST, and the test wants a clean end of stream. Over TLS, close_notify
    // goes first (one attempt: the client need not answer it).
    if (tls_) {
        ERR_clear_error();
        SSL_shutdown(tls_.get());
        ERR_clear_error();
    }
    ::shutdown(fd_, SHUT_WR);
    read_until_closed();
}

void ScriptServer::Player::abort() {
    linger l{1, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    closed_ = true;  // the caller closes fd_, which now sends a RST
}

void ScriptServer::Player::read_until_closed() {
    const auto deadline = forever();
    while (!closed_) {
        record_lines();
        if (fill(deadline) != Fill::data) {
            break;
        }
    }
    record_lines();
    if (!in_.empty()) {
        // An unterminated last line: keep it visible.
        std::lock_guard lock(server_.mutex_);
        server_.records_->lines.push_back({in_, server_.records_->reads - 1, connection_});
        in_.clear();
        segments_.clear();
    }
}

void ScriptServer::Player::wait_until_closed(Millis limit) {
    // No POLLIN: the client's octets stay unread; only its close wakes us.
    const Wait w = wait_for(fd_, POLLRDHUP, server_.wake_read_, Clock::now() + limit);
    if (w == Wait::timeout) {
        read_until_closed();
    }
}

ScriptServer::Player::Fill ScriptServer::Player::fill(Clock::time_point deadline) {
    if (closed_) {
        return Fill::eof;
    }
    char buf[read_buffer_size];
    for (;;) {
        std::size_t size = 0;
        const Io io = receive_some(buf, sizeof buf, size);
        if (io == Io::done && size > 0) {
            std::size_t index = 0;
            {
                std::lock_guard lock(server_.mutex_);
                index = server_.records_->reads++;
                server_.records_->received.append(buf, size);
                if (sent_since_read_) {
                    ++server_.records_->turns;
                    sent_since_read_ = false;
                }
            }
            in_.append(buf, size);
            segments_.emplace_back(size, index);
            return Fill::data;
        }
        if (io == Io::eof || (io == Io::done && size == 0)) {
            closed_ = true;
            return Fill::eof;
        }
        if (io == Io::error) {
            closed_ = true;
            return Fill::error;
        }
        switch (wait_io(io, deadline)) {
            case Wait::ready:
            case Wait::hangup:
                continue;  // the next attempt tells which
            case Wait::timeout:
                return Fill::timeout;
            case Wait::stopped:
                return Fill::stopped;
        }
    }
}

// Drops n octets from the front of in_; returns the read index of the last.
std::size_t ScriptServer::Player::consume(std::size_t n) {
    in_.erase(0, n);
    std::size_t last = 0;
    while (n > 0 && !segments_.empty()) {
        auto& [octets, index] = segments_.front();
        last = index;
        const std::size_t used = std::min(n, octets);
        octets -= used;
        n -= used;
        if (octets == 0) {
            segments_.pop_front();
        }
    }
    return last;
}

bool ScriptServer::Player::take_line(std::string& line, std::size_t& read_index) {
    const auto lf = in_.find('\n');
    if (lf == std::string::npos) {
        if (in_.size() > max_line) {
            mismatch("a line longer than " + std::to_string(max_line) + " octets");
            abort();
        }
        return false;
    }
    line = in_.substr(0, lf);
    read_index = consume(lf + 1);
    if (line.empty() || line.back() != '\r') {
        mismatch("line not ended by CRLF: '" + printable(line) + "'");
    } else {
        line.pop_back();
    }
    if (line.find_first_of(std::string_view("\r\0", 2)) != std::string::npos) {
        mismatch("CR or NUL inside a line: '" + printable(line) + "'");
    }
    std::lock_guard lock(server_.mutex_);
    server_.records_->lines.push_back({line, read_index, connection_});
    return true;
}

void ScriptServer::Player::record_lines() {
    if (raw_) {
        in_.clear();
        segments_.clear();
        return;
    }
    std::string line;
    std::size_t index = 0;
    while (!closed_ && take_line(line, index)) {
    }
}

void ScriptServer::Player::mismatch(std::string what) {
    std::lock_guard lock(server_.mutex_);
    server_.records_->mismatches.push_back("connection " + std::to_string(connection_) + ": " +
                                           std::move(what));
}

const char* ScriptServer::Player::describe(Fill f) const {
    switch (f) {
        case Fill::data:
            return "data";
        case Fill::eof:
            return "end of connection";
        case Fill::timeout:
            return "nothing (timed out)";
        case Fill::stopped:
            return "server stopped";
        case Fill::error:
            return "a connection error";
    }
    return "?";
}

// --- ScriptServer -------------------------------------------------------------

ScriptServer::ScriptServer(Script script, Millis io_timeout)
    : ScriptServer(std::vector<Script>{std::move(script)}, io_timeout) {}

ScriptServer::ScriptServer(std::vector<Script> scripts, Millis io_timeout)
    : scripts_(std::move(scripts)), io_timeout_(io_timeout), records_(std::make_unique<Records>()) {
    // OpenSSL writes TLS records with write(): to a client that has gone,
    // that raises SIGPIPE, which would end the whole test process. Plain
    // writes use MSG_NOSIGNAL; the TLS ones need the signal ignored.
    std::signal(SIGPIPE, SIG_IGN);
    const auto fail = [this](const char* what) {
        const int err = errno;
        for (int fd : {listen_fd_, wake_read_, wake_write_}) {
            if (fd >= 0) {
                ::close(fd);
            }
        }
        throw std::system_error(err, std::generic_category(), what);
    };
    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC | O_NONBLOCK) != 0) {
        fail("pipe2");
    }
    wake_read_ = pipe_fds[0];
    wake_write_ = pipe_fds[1];
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (listen_fd_ < 0) {
        fail("socket");
    }
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof addr;
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(listen_fd_, 8) != 0 ||
        ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
        fail("bind/listen");
    }
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { run(); });
}

ScriptServer::~ScriptServer() {
    const char byte = 'x';
    [[maybe_unused]] const ssize_t n = ::write(wake_write_, &byte, 1);
    thread_.join();
    for (int fd : {listen_fd_, wake_read_, wake_write_}) {
        if (fd >= 0) {
            ::close(fd);
        }
    }
}

void ScriptServer::run() {
    for (std::size_t i = 0; i < scripts_.size(); ++i) {
        const int fd = accept_one();
        if (fd < 0) {
            break;
        }
        {
            std::lock_guard lock(mutex_);
            ++records_->connections;
        }
        Player(*this, fd, i).play(scripts_[i]);
        ::close(fd);
    }
    // Refuse further connections rather than leave them waiting.
    ::close(listen_fd_);
    listen_fd_ = -1;
    std::lock_guard lock(mutex_);
    done_ = true;
    done_cv_.notify_all();
}

int ScriptServer::accept_one() {
    for (;;) {
        const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd >= 0) {
            const int one = 1;
            ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            return fd;
        }
        if (errno == EINTR || errno == ECONNABORTED) {
            continue;
        }
        if (errno != EAGAIN && errno != EWOULDBLOCK) {
            return -1;
        }
        if (wait_for(listen_fd_, POLLIN, wake_read_, forever()) != Wait::ready) {
            return -1;
        }
    }
}

bool ScriptServer::wait_done(Millis timeout) {
    std::unique_lock lock(mutex_);
    return done_cv_.wait_for(lock, timeout, [this] { return done_; });
}

std::vector<ReceivedLine> ScriptServer::received_lines() const {
    std::lock_guard lock(mutex_);
    return records_->lines;
}

std::vector<std::string> ScriptServer::lines() const {
    std::lock_guard lock(mutex_);
    std::vector<std::string> out;
    for (const auto& l : records_->lines) {
        out.push_back(l.text);
    }
    return out;
}

std::vector<std::string> ScriptServer::mismatches() const {
    std::lock_guard lock(mutex_);
    return records_->mismatches;
}

std::vector<std::string> ScriptServer::messages() const {
    std::lock_guard lock(mutex_);
    return records_->messages;
}

std::vector<std::string> ScriptServer::raw_messages() const {
    std::lock_guard lock(mutex_);
    return records_->raw_messages;
}

std::string ScriptServer::received() const {
    std::lock_guard lock(mutex_);
    return records_->received;
}

std::size_t ScriptServer::reads() const {
    std::lock_guard lock(mutex_);
    return records_->reads;
}

std::size_t ScriptServer::turns() const {
    std::lock_guard lock(mutex_);
    return records_->turns;
}

std::size_t ScriptServer::connections() const {
    std::lock_guard lock(mutex_);
    return records_->connections;
}

std::vector<TlsRecord> ScriptServer::tls_records() const {
    std::lock_guard lock(mutex_);
    return records_->tls;
}

bool ScriptServer::saw(std::string_view prefix) const {
    return count(prefix) > 0;
}

std::size_t ScriptServer::count(std::string_view prefix) const {
    std::lock_guard lock(mutex_);
    return static_cast<std::size_t>(
        std::count_if(records_->lines.begin(), records_->lines.end(),
                      [&](const ReceivedLine& l) { return starts_with_nocase(l.text, prefix); }));
}

std::size_t ScriptServer::read_index_of(std::string_view prefix) const {
    std::lock_guard lock(mutex_);
    for (const auto& l : records_->lines) {
        if (starts_with_nocase(l.text, prefix)) {
            return l.read_index;
        }
    }
    return std::string_view::npos;
}

}  // namespace smtpkit::test
