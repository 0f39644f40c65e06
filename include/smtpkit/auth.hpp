// Authentication choices for Client::authenticate (the seed's Authenticate).
#pragma once

namespace smtpkit {

enum class AuthMechanism {
    // The strongest password mechanism the server offers:
    // SCRAM-SHA-256 > SCRAM-SHA-1 > CRAM-MD5 > PLAIN > LOGIN.
    automatic,
    // The secret is an OAuth 2.0 bearer token: OAUTHBEARER > XOAUTH2.
    automatic_token,
    plain,
    login,
    cram_md5,
    scram_sha_1,
    scram_sha_256,
    xoauth2,      // the secret is the bearer token
    oauthbearer,  // the secret is the bearer token
    external,     // the TLS client certificate; the secret is ignored
};

const char* to_string(AuthMechanism m) noexcept;

}  // namespace smtpkit
