// A real python3-aiosmtpd server for integration tests, listening on a free
// 127.0.0.1 port and storing every message it accepts exactly as received
// (tests/integration/aiosmtpd_server.py). Stopped when the object goes away.
//
// It offers SIZE, 8BITMIME and SMTPUTF8 (no PIPELINING, CHUNKING or DSN),
// accepts any sender and recipient except recipients whose local part starts
// with "reject" ("550 5.1.1 <addr>: Recipient address rejected").
//
// With a certificate it offers STARTTLS (aiosmtpd's tls_context, optionally
// required before MAIL) or speaks TLS from the first byte (implicit, as on
// port 465); each stored message says which TLS version it came over.
//
// With Options::auth it offers AUTH PLAIN LOGIN and accepts one user name and
// password (aiosmtpd's authenticator); each stored message says which user
// the session logged in as, and auth_log() lists the AUTH commands the server
// received and the credentials it checked.
//
// With Options::oauth it offers XOAUTH2 and OAUTHBEARER for one user and
// bearer token (a wrong one gets the mechanism's JSON error challenge, then
// 535 once the client has answered it as the mechanism says); with
// Options::external it asks TLS clients for a certificate and offers
// EXTERNAL to the one whose certificate's subject CN is the given name.
// Both report to auth_log() too; the stored message's auth_login is the
// user (EXTERNAL: the certificate's CN).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "support/server_process.hpp"

namespace smtpkit::test {

enum class AiosmtpdTls {
    none,      // plaintext only
    starttls,  // STARTTLS offered (and required with require_starttls)
    implicit,  // TLS from the first byte
};

// Readable test names and failure messages.
inline void PrintTo(AiosmtpdTls mode, std::ostream* os) {
    *os << (mode == AiosmtpdTls::starttls   ? "starttls"
            : mode == AiosmtpdTls::implicit ? "implicit"
                                            : "none");
}

struct AiosmtpdAuth {
    std::string user;
    std::string password;  // handed over in a file, not on the command line
    // AUTH offered and accepted before TLS too (aiosmtpd's
    // auth_require_tls=False); by default "538 5.7.11 Encryption required"
    // and no AUTH in the EHLO reply until STARTTLS.
    bool allow_plaintext = false;
    // MAIL refused ("530 5.7.0 Authentication required") before a
    // successful AUTH.
    bool required = false;
};

struct AiosmtpdOAuth {
    std::string user;
    std::string token;  // handed over in a file, not on the command line
};

struct AiosmtpdExternal {
    // The subject CN of the one certificate EXTERNAL accepts.
    std::string user;
    // The CA that must have signed client certificates (the TLS handshake
    // fails on any other); a client without a certificate still connects.
    std::string client_ca_file;
};

struct AiosmtpdOptions {
    // The SIZE limit it announces and enforces (552 beyond it).
    std::size_t size_limit = 33554432;
    // How long the server may take to say it is listening.
    std::chrono::milliseconds start_timeout = 15s;
    AiosmtpdTls tls = AiosmtpdTls::none;
    // What the server presents with TLS: the certificate followed by its CA
    // certificates, and the unencrypted key.
    std::string chain_file;
    std::string key_file;
    // With starttls: "530 Must issue a STARTTLS command first" to anything
    // but EHLO, STARTTLS, NOOP and QUIT before TLS is up.
    bool require_starttls = false;
    // AUTH PLAIN and LOGIN for this one user (none without).
    std::optional<AiosmtpdAuth> auth;
    // XOAUTH2 and OAUTHBEARER for this user and token (none without).
    std::optional<AiosmtpdOAuth> oauth;
    // EXTERNAL with a client certificate (none without; needs tls).
    std::optional<AiosmtpdExternal> external;
};

struct ReceivedMessage {
    std::string mail_from;                  // as given in MAIL FROM, without <>
    std::vector<std::string> rcpt_tos;      // accepted recipients, in order
    std::vector<std::string> mail_options;  // MAIL FROM parameters (BODY=8BITMIME, ...)
    std::string helo;                       // the EHLO/HELO name
    std::string content;                    // the data, dot-unstuffed, line endings as received
    std::string tls_version;                // "TLSv1.3"; empty when it came in plaintext
    std::string auth_login;                 // the user the session logged in as; empty without
};

class AiosmtpdServer {
  public:
    using Options = AiosmtpdOptions;

    // Starts the server; throws std::runtime_error (with its stderr) when it
    // does not report READY in time.
    explicit AiosmtpdServer(Options options = {});
    ~AiosmtpdServer();
    AiosmtpdServer(const AiosmtpdServer&) = delete;
    AiosmtpdServer& operator=(const AiosmtpdServer&) = delete;

    std::uint16_t port() const { return port_; }
    const std::filesystem::path& directory() const { return dir_.path(); }

    // The messages stored so far, in the order they arrived.
    std::vector<ReceivedMessage> messages() const;
    // Waits until message number `index` (from 0) is stored; throws
    // std::runtime_error with the server's stderr on timeout.
    ReceivedMessage wait_for_message(std::size_t index = 0,
                                     std::chrono::milliseconds timeout = 10s) const;

    // With Options::auth, oauth or external, in order: "AUTH <mechanism>" for every AUTH
    // command received, "<mechanism> <user> ok|refused" for every check of
    // credentials (never the password).
    std::vector<std::string> auth_log() const;

    // What the server wrote to stderr (tracebacks, warnings).
    std::string stderr_text() const;

  private:
    std::vector<std::string> command_line(const Options& options) const;
    void add_token_options(const Options& options, std::vector<std::string>& argv) const;
    std::filesystem::path message_file(std::size_t index, const char* ext) const;
    std::filesystem::path auth_log_path() const;
    ReceivedMessage load(std::size_t index) const;

    TempDir dir_;
    std::filesystem::path store_;
    std::uint16_t port_ = 0;
    ChildProcess process_;
};

}  // namespace smtpkit::test
