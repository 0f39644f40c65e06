// A private Postfix for integration tests: its own configuration, queue and
// mailboxes in a fresh temporary directory, listening on 127.0.0.1 on a free
// port, stopped and removed when the object goes away (also when the test
// fails). Needs root and the postfix package; see shared/ENVIRONMENT.md.
//
// The instance accepts mail for <user>@localhost and <user>@$myhostname and
// delivers it to <dir>/mail/<user> (mbox). "+" is the recipient delimiter, so
// root+anything@localhost lands in root's mailbox too. Relaying is refused
// for every client ("554 5.7.1 <...>: Relay access denied") and no mail ever
// leaves the instance (the default and relay transports are "error").
//
// TLS is off unless a certificate is given: then the main port offers
// STARTTLS (smtpd_tls_security_level=may) and, on request, a second port
// speaks TLS from the first byte (smtps, wrapper mode). Postfix's Received
// header then says which TLS version and cipher the client used.
//
// With a Dovecot auth socket (Options::dovecot_sasl) it offers AUTH.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "support/server_process.hpp"

namespace smtpkit::test {

// The certificate Postfix presents (smtpd_tls_cert_file / smtpd_tls_key_file).
struct PostfixTls {
    std::string chain_file;  // the server certificate first, then its CA certificates
    std::string key_file;    // its private key, unencrypted
};

struct PostfixOptions {
    // Extra main.cf settings, applied after the fixture's own (so they win),
    // e.g. {"message_size_limit", "2000"} or {"disable_vrfy_command", "yes"}.
    std::vector<std::pair<std::string, std::string>> main_cf;
    // Tried first when not 0; if Postfix cannot listen there, another free
    // port is used (port() tells which).
    std::uint16_t preferred_port = 0;
    // How long the server may take to greet its first client.
    std::chrono::milliseconds start_timeout = 15s;
    // With a certificate the main port offers STARTTLS; without one TLS is
    // off altogether (smtpd_tls_security_level=none) and STARTTLS is not
    // offered.
    std::optional<PostfixTls> tls;
    // Also listen on smtps_port() with TLS from the first byte (wrapper
    // mode, TLS required). Needs `tls`.
    bool smtps = false;
    // Extra "-o" settings for the smtps listener only, e.g.
    // {"smtpd_tls_mandatory_protocols", ">=TLSv1,<=TLSv1"}.
    std::vector<std::pair<std::string, std::string>> smtps_settings;
    // SASL authentication through this Dovecot auth socket
    // (DovecotServer::auth_socket(); start Dovecot first). AUTH is then
    // offered only over TLS when `tls` is given (smtpd_tls_auth_only), in
    // plaintext otherwise. Only an authenticated client passes the relay
    // check (a recipient in another domain then gets "550 5.1.1 ... outbound
    // mail is disabled" from the "error" transport instead of "554 5.7.1
    // Relay access denied"; nothing leaves). The log's "client=" line of each
    // message says
    // "sasl_method=PLAIN, sasl_username=testuser", and the Received header
    // "(Authenticated sender: testuser)".
    std::optional<std::filesystem::path> dovecot_sasl;
};

class PostfixServer {
  public:
    using Options = PostfixOptions;

    static constexpr const char* host_name = "smtpkit-test.localdomain";

    // Starts the server; throws std::runtime_error (with the Postfix log)
    // when it does not come up in time.
    explicit PostfixServer(Options options = {});
    ~PostfixServer();
    PostfixServer(const PostfixServer&) = delete;
    PostfixServer& operator=(const PostfixServer&) = delete;

    std::uint16_t port() const { return port_; }
    // The smtps (implicit TLS) port; 0 without Options::smtps.
    std::uint16_t smtps_port() const { return smtps_port_; }
    const std::filesystem::path& directory() const { return dir_.path(); }
    std::filesystem::path mailbox_path(std::string_view user) const;

    // Waits until `user`'s mbox holds at least `messages` messages and no
    // delivery is writing to it (Postfix delivers asynchronously, after the
    // 250 to the end of data); returns the whole mbox. Throws
    // std::runtime_error with the log on timeout.
    std::string wait_for_mailbox(std::string_view user, std::chrono::milliseconds timeout = 10s,
                                 std::size_t messages = 1) const;

    // The Postfix log so far (maillog_file), for diagnostics.
    std::string log() const;
    // Waits until the log contains `text` at least `occurrences` times
    // (Postfix logs asynchronously, e.g. a session's command counts only
    // after the client has gone); returns the log. Throws std::runtime_error
    // with the log on timeout. The fixture's own readiness probe is one
    // session: its "disconnect from" line comes first.
    std::string wait_for_log(std::string_view text, std::chrono::milliseconds timeout = 10s,
                             std::size_t occurrences = 1) const;

  private:
    void configure(const Options& options);
    std::vector<std::string> tls_settings(const Options& options) const;
    static std::vector<std::string> sasl_settings(const Options& options);
    void add_listeners();
    void remove_listeners();
    void postconf(std::vector<std::string> args) const;
    bool start_master(std::chrono::milliseconds timeout, std::string& why);

    TempDir dir_;
    std::filesystem::path etc_;
    std::uint16_t port_ = 0;
    std::uint16_t smtps_port_ = 0;
    std::vector<std::pair<std::string, std::string>> smtps_settings_;
    ChildProcess master_;
};

// The messages of an mbox in order, each without its "From " separator line
// and without the blank line mbox adds after it: the message as stored
// (LF line endings; body lines that began with "From " carry a '>').
std::vector<std::string> split_mbox(std::string_view mbox);

// What Postfix's local delivery stores for a message that arrived with
// `content` (CRLF line endings): LF line endings and ">From " quoting.
// Postfix's own trace headers (Return-Path, Delivered-To, Received, ...)
// come before it and are not included.
std::string as_stored_in_mbox(std::string_view content);

// Splits a stored message into the trace headers Postfix's local delivery
// and smtpd put in front (Return-Path, X-Original-To, Delivered-To,
// Received, with their continuation lines) and the rest.
std::pair<std::string, std::string> split_postfix_trace_headers(std::string_view stored);

}  // namespace smtpkit::test
