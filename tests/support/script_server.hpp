// An in-process SMTP server that plays a script, for tests that drive the
// client through every error path: refusals, disconnects at any step,
// stalls, replies split at every byte, malformed replies.
//
//   ScriptServer server(Script::esmtp({"PIPELINING"})
//                           .expect("MAIL FROM:").send("250 ok\r\n")
//                           .quit());
//   client.connect("127.0.0.1", server.port(), options);
//   ...
//   ASSERT_TRUE(server.wait_done());
//   EXPECT_THAT(server.mismatches(), IsEmpty());
//
// The server listens on 127.0.0.1 on an ephemeral port and serves one
// connection per script, in order, on its own thread (plain POSIX sockets
// and poll()). Every wait is bounded, and the destructor stops the thread
// promptly whatever the script is doing, so a test never hangs.
//
// TLS: start_tls() runs a server-side handshake (OpenSSL) on the connection
// and plays the rest of the script over TLS; as the first step it makes an
// implicit-TLS server (port 465). What each handshake saw (version, SNI,
// client certificate) is in tls_records().
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace smtpkit::test {

using Millis = std::chrono::milliseconds;

// The server's side of a TLS handshake.
struct TlsServerConfig {
    // PEM: the certificate, then the CA certificates sent with it. Empty:
    // no certificate (only anonymous cipher suites can then be agreed).
    std::string chain_file;
    std::string key_file;  // PEM, unencrypted
    int min_version = 0;   // TLS1_VERSION .. TLS1_3_VERSION; 0: OpenSSL's default
    int max_version = 0;
    std::string cipher_list;  // TLS 1.2 and older; empty: OpenSSL's default
    int security_level = -1;  // -1: OpenSSL's default; 0 lets TLS 1.0/1.1 through
    // Asks for a client certificate; any is accepted (none too) and recorded.
    bool request_client_certificate = false;
};

// What one start_tls() step saw.
struct TlsRecord {
    std::size_t connection = 0;
    bool handshake_done = false;
    std::string failure;  // why the handshake failed (OpenSSL's words, or a timeout)
    std::string version;  // "TLSv1.3"
    std::string cipher;
    bool sni_sent = false;  // the client named a server (SNI)
    std::string sni;
    bool client_certificate = false;
    std::string client_subject;  // RFC 2253
    // Octets read before the handshake began and after the last expected
    // line: a command pipelined behind STARTTLS (should be empty).
    std::string plaintext_before;
};

struct Step {
    enum class Kind {
        send,          // write `text`, `chunk` octets at a time (0: at once), `pause` between
        expect,        // read one line; it must start with `text` (case-insensitive)
        expect_data,   // read a DATA body up to CRLF.CRLF, store it decoded
        read_bytes,    // read (and keep as raw input) at least `chunk` octets
        delay,         // wait `pause`
        close,         // FIN, then read and discard until the client closes
        abort,         // RST: close at once with SO_LINGER 0
        stall,         // read (and record) but never answer, until the client closes
        stall_silent,  // neither read nor answer for `pause`, then as stall
        start_tls,     // TLS handshake as server with `tls`; the rest goes over TLS
        raw,           // from now on keep octets in received() only, not as lines
        answer,        // as expect, then send what `respond` makes of the line
        expect_bdat,   // read "BDAT n [LAST]" and its n octets; LAST stores the message
        discard_bdat,  // answer every BDAT chunk that comes next with `text`, discarding it
    };
    Kind kind = Kind::send;
    std::string text;
    std::size_t chunk = 0;
    Millis pause{0};
    std::shared_ptr<const TlsServerConfig> tls = {};
    std::function<std::string(const std::string& line)> respond = {};
};

// The steps one connection plays. Builders return *this for chaining.
class Script {
  public:
    Script& send(std::string bytes);
    // Writes `bytes` `chunk` octets at a time with `pause` between writes
    // (TCP_NODELAY is on, so each write leaves as its own segment).
    Script& send_split(std::string bytes, std::size_t chunk = 1, Millis pause = Millis(1));
    Script& expect(std::string prefix);
    Script& expect_data();
    // One BDAT chunk (RFC 3030): the command line, then its octets. The
    // chunks up to LAST make one message in messages() (as sent: BDAT has
    // no transparency to undo) and raw_messages().
    Script& expect_bdat();
    // The BDAT chunks a client had pipelined before it saw a refusal: each
    // answered with `reply` and dropped, until a line that is not BDAT.
    Script& discard_bdat(std::string reply = "503 5.5.1 chunk discarded\r\n");
    Script& read_bytes(std::size_t count);
    Script& delay(Millis duration);
    Script& close();
    Script& abort();
    Script& stall();
    // Neither reads nor answers, so the client's writes back up. A client
    // that closes with unsent data queues its FIN behind that data, which a
    // server that never reads never sees: after `limit` the server goes on
    // as stall() (reads and discards until the client closes).
    Script& stall_silent(Millis limit = Millis(2000));
    // "250-first line" and then the connection closes: a reply cut short.
    Script& close_mid_reply(std::string first_line = "250-first line\r\n");
    // A server-side TLS handshake, bounded by the I/O timeout; later steps
    // read and write over TLS. Octets already read (a command pipelined
    // behind STARTTLS) are a mismatch. When the handshake fails the
    // connection ends; that is a mismatch only if more steps follow, so a
    // script that ends with start_tls() expects the client to refuse.
    Script& start_tls(TlsServerConfig config);
    // From here on the octets read are not split into lines (nor checked for
    // CRLF); received() still holds them. For input that is not SMTP, such
    // as the ClientHello of a client that starts TLS against a plaintext
    // server. Later expect() steps still read lines.
    Script& raw();
    // Like expect(prefix), then sends respond(line) (the line without CRLF):
    // for replies that depend on what the client sent, such as a SCRAM
    // server-first message that must echo the client's random nonce.
    Script& answer(std::string prefix, std::function<std::string(const std::string& line)> respond);
    // STARTTLS answered with 220, then start_tls().
    Script& accept_starttls(TlsServerConfig config);

    // --- the common dialogue pieces ---------------------------------------
    Script& greet(std::string line = "220 test.invalid ESMTP ready\r\n");
    // Expects EHLO and answers 250 listing `extensions` (one per line).
    Script& ehlo(const std::vector<std::string>& extensions = {});
    Script& helo();
    Script& quit();
    // Greeting + EHLO: the prologue of most tests.
    static Script esmtp(const std::vector<std::string>& extensions = {});
    // Greeting + HELO.
    static Script smtp();

    const std::vector<Step>& steps() const { return steps_; }

  private:
    std::vector<Step> steps_;
};

// A line the server read outside a DATA body.
struct ReceivedLine {
    std::string text;        // without CRLF
    std::size_t read_index;  // which recv() brought its last octet (counted from 0)
    std::size_t connection;  // which connection (counted from 0)
};

class ScriptServer {
  public:
    explicit ScriptServer(Script script, Millis io_timeout = Millis(5000));
    // One script per connection, served one after the other.
    explicit ScriptServer(std::vector<Script> scripts, Millis io_timeout = Millis(5000));
    ~ScriptServer();
    ScriptServer(const ScriptServer&) = delete;
    ScriptServer& operator=(const ScriptServer&) = delete;

    std::uint16_t port() const { return port_; }

    // Waits until every script has been played and its connection closed
    // (the client must have closed its side). False on timeout.
    bool wait_done(Millis timeout = Millis(3000));

    // --- what happened (safe to call at any time) --------------------------
    std::vector<ReceivedLine> received_lines() const;
    std::vector<std::string> lines() const;  // texts of received_lines()
    // Lines that did not match the script, or what went wrong instead
    // ("expected 'RCPT', got 'DATA'"). Tests assert this is empty.
    std::vector<std::string> mismatches() const;
    std::vector<std::string> messages() const;      // each DATA body, decoded
    std::vector<std::string> raw_messages() const;  // each DATA body as on the wire
    std::string received() const;                   // every octet received
    std::size_t reads() const;                      // recv() calls that returned data
    // Turns of the dialogue: reads of client octets that follow something
    // the server sent. Each is a wait of the client for the server (the
    // greeting counts as the first).
    std::size_t turns() const;
    std::size_t connections() const;  // connections accepted
    // One per start_tls() step reached, in order. After a handshake,
    // received() and reads() count the decrypted octets and SSL_read() calls.
    std::vector<TlsRecord> tls_records() const;

    // True when some received line starts with `prefix` (case-insensitive).
    bool saw(std::string_view prefix) const;
    std::size_t count(std::string_view prefix) const;
    // The read_index of the first line starting with `prefix`; npos if none.
    std::size_t read_index_of(std::string_view prefix) const;

  private:
    struct Records;
    class Player;  // plays one script on one connection

    void run();
    int accept_one();

    std::vector<Script> scripts_;
    Millis io_timeout_;
    int listen_fd_ = -1;
    int wake_read_ = -1;
    int wake_write_ = -1;
    std::uint16_t port_ = 0;

    mutable std::mutex mutex_;
    std::condition_variable done_cv_;
    bool done_ = false;
    std::unique_ptr<Records> records_;
    std::thread thread_;
};

}  // namespace smtpkit::test
