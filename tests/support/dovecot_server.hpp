// A private Dovecot for integration tests, as the SASL provider of a private
// Postfix (PostfixOptions::dovecot_sasl): auth only, no mail protocols, its
// configuration, users file and sockets in a fresh temporary directory.
// Started in the constructor, killed and removed when the object goes away.
// Needs root and the dovecot-core package; see shared/ENVIRONMENT.md.
//
// It offers PLAIN, LOGIN, CRAM-MD5, SCRAM-SHA-1 and SCRAM-SHA-256 against a
// passwd-file whose passwords are stored in clear ({PLAIN}), so every
// mechanism can check them. There is no failure delay or anvil penalty: a
// wrong password is refused at once by CRAM-MD5 and SCRAM (the users'
// "nodelay" field), within 0.5 s by PLAIN and LOGIN (Dovecot answers those
// failures from a queue it empties every 500 ms). User names may hold any
// character (UTF-8 included).
//
// Start Dovecot before the Postfix that uses it and stop that Postfix first
// (declare the DovecotServer before the PostfixServer): an smtpd without its
// SASL socket drops clients and its master throttles new smtpd processes.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "support/server_process.hpp"

namespace smtpkit::test {

struct DovecotUser {
    std::string name;      // no ':' or line break (the passwd-file separators)
    std::string password;  // likewise
};

struct DovecotOptions {
    std::vector<DovecotUser> users = {{"testuser", "s3cret-Pass"}};
    // Dovecot's auth_mechanisms.
    std::string mechanisms = "plain login cram-md5 scram-sha-1 scram-sha-256";
    // How long the auth service may take to answer on its socket.
    std::chrono::milliseconds start_timeout = 10s;
};

class DovecotServer {
  public:
    using Options = DovecotOptions;

    // Starts the server; throws std::runtime_error (with its log) when its
    // auth socket does not answer in time.
    explicit DovecotServer(Options options = {});
    ~DovecotServer();
    DovecotServer(const DovecotServer&) = delete;
    DovecotServer& operator=(const DovecotServer&) = delete;

    // The socket Postfix talks to (smtpd_sasl_path); mode 0666.
    const std::filesystem::path& auth_socket() const { return socket_; }
    const std::filesystem::path& directory() const { return dir_.path(); }
    // The mechanisms the auth service announced on its socket ("PLAIN",
    // "SCRAM-SHA-256", ...), in its order.
    const std::vector<std::string>& mechanisms() const { return mechanisms_; }

    // Asks the auth service itself (doveadm auth test) whether `password`
    // is right for `user`.
    bool accepts(std::string_view user, std::string_view password) const;

    // What Dovecot logged so far (one line per authentication with
    // auth_verbose; never a password).
    std::string log() const;

  private:
    void configure(const Options& options) const;
    bool wait_until_ready(std::chrono::milliseconds timeout, std::string& why);

    TempDir dir_;
    std::filesystem::path socket_;
    std::vector<std::string> mechanisms_;
    ChildProcess process_;
};

}  // namespace smtpkit::test
