// SASL mechanisms for SMTP AUTH (RFC 4954), client side, without I/O: each
// mechanism turns server challenges into responses. Bytes in and out are the
// decoded forms; the session does the base64 and the SMTP framing.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace smtpkit::protocol::sasl {

enum class Mechanism {
    plain,          // RFC 4616
    login,          // draft-murchison-sasl-login
    cram_md5,       // RFC 2195
    scram_sha_1,    // RFC 5802
    scram_sha_256,  // RFC 7677
    xoauth2,        // Google/Microsoft
    oauthbearer,    // RFC 7628
    external,       // RFC 4422 appendix A: the TLS client certificate
};

const char* name(Mechanism m) noexcept;                  // "SCRAM-SHA-256"
std::optional<Mechanism> from_name(std::string_view n);  // case-insensitive

struct Credentials {
    std::string user;     // authentication identity
    std::string secret;   // password, or the OAuth bearer token
    std::string authzid;  // authorization identity; usually empty
    // OAUTHBEARER's host and port keys (RFC 7628 3.1).
    std::string host;
    unsigned port = 0;
};

// Fills `n` random bytes (SCRAM nonces). Tests pass a fixed one to replay
// the RFC examples; the default uses OpenSSL's RAND_bytes.
using RandomSource = std::function<void(unsigned char* out, std::size_t n)>;

class Authenticator {
  public:
    virtual ~Authenticator() = default;
    virtual Mechanism mechanism() const = 0;

    // The initial response (RFC 4954 4), if the mechanism starts with one.
    // An empty string is a real, empty initial response ("=" on the wire).
    virtual std::optional<std::string> initial_response(std::error_code& ec) = 0;

    // The answer to a server challenge. On a malformed or hostile challenge
    // (or a wrong SCRAM server signature) sets ec; the session then cancels
    // the exchange with "*".
    virtual std::string respond(std::string_view challenge, std::error_code& ec) = 0;

    // The server said 235. For SCRAM, an error unless the server proved it
    // knows the password (its signature was checked in respond()).
    virtual std::error_code complete() const { return {}; }

    // The server's own account of a failure, if it sent one inside the
    // exchange (XOAUTH2/OAUTHBEARER's JSON status, SCRAM's e= value); empty
    // otherwise. Valid until the authenticator is destroyed.
    virtual std::string_view server_error() const noexcept { return {}; }
};

// ec: invalid_sasl_input for credentials a mechanism cannot carry (a NUL in
// PLAIN's user, a comma in SCRAM's username after SASLprep fails, ...).
std::unique_ptr<Authenticator> make_authenticator(Mechanism m, const Credentials& credentials,
                                                  std::error_code& ec,
                                                  RandomSource random = nullptr);

// The mechanisms a password can use, strongest first.
const std::vector<Mechanism>& password_preference();
// The mechanisms a bearer token can use, strongest first.
const std::vector<Mechanism>& token_preference();

// Standard base64 (RFC 4648) over OpenSSL's EVP encoder; decode() rejects
// anything that is not canonical base64 (nullopt).
std::string base64_encode(std::string_view bytes);
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace smtpkit::protocol::sasl
