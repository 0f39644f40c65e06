// XOAUTH2 and OAUTHBEARER (RFC 7628).
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "smtpkit/error.hpp"
#include "smtpkit/protocol/sasl.hpp"

namespace smtpkit::protocol::sasl {
namespace {

using namespace std::string_literals;

constexpr const char* rfc7628_token = "vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==";
// RFC 7628 4.3, the server's error challenge.
constexpr const char* rfc7628_error =
    "eyJzdGF0dXMiOiJpbnZhbGlkX3Rva2VuIiwic2NvcGUiOiJleGFtcGxlX3Njb3BlIiwib3BlbmlkLWNvbmZpZ3Vy"
    "YXRpb24iOiJodHRwczovL2V4YW1wbGUuY29tLy53ZWxsLWtub3duL29wZW5pZC1jb25maWd1cmF0aW9uIn0=";

Credentials bearer(std::string user, std::string token, std::string host = "", unsigned port = 0) {
    Credentials c;
    c.user = std::move(user);
    c.secret = std::move(token);
    c.host = std::move(host);
    c.port = port;
    return c;
}

std::unique_ptr<Authenticator> make(Mechanism m, const Credentials& c) {
    std::error_code ec;
    auto auth = make_authenticator(m, c, ec);
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_NE(auth, nullptr);
    return auth;
}

std::string initial(Authenticator& auth) {
    std::error_code ec;
    const auto response = auth.initial_response(ec);
    EXPECT_FALSE(ec);
    return response.value_or("<none>");
}

// RFC 7628 4.1 (IMAP, port 143) and 4.3 (SMTP, port 587), byte for byte.
TEST(SaslOauthBearer, Rfc7628InitialResponses) {
    auto imap = make(Mechanism::oauthbearer,
                     bearer("user@example.com", rfc7628_token, "server.example.com", 143));
    EXPECT_EQ(base64_encode(initial(*imap)),
              "bixhPXVzZXJAZXhhbXBsZS5jb20sAWhvc3Q9c2VydmVyLmV4YW1wbGUuY29tAXBvcnQ9MTQzAWF1dGg9"
              "QmVhcmVyIHZGOWRmdDRxbVRjMk52YjNSbGNrQmhiSFJoZG1semRHRXVZMjl0Q2c9PQEB");

    auto smtp = make(Mechanism::oauthbearer,
                     bearer("user@example.com", rfc7628_token, "server.example.com", 587));
    EXPECT_EQ(initial(*smtp),
              "n,a=user@example.com,\x01host=server.example.com\x01port=587\x01"
              "auth=Bearer vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==\x01\x01");
    EXPECT_EQ(base64_encode(initial(*smtp)),
              "bixhPXVzZXJAZXhhbXBsZS5jb20sAWhvc3Q9c2VydmVyLmV4YW1wbGUuY29tAXBvcnQ9NTg3AWF1dGg9"
              "QmVhcmVyIHZGOWRmdDRxbVRjMk52YjNSbGNrQmhiSFJoZG1semRHRXVZMjl0Q2c9PQEB");
}

// RFC 7628 4.3: the error challenge is answered with a lone ^A ("AQ==").
TEST(SaslOauthBearer, Rfc7628FailedExchange) {
    auto auth = make(Mechanism::oauthbearer,
                     bearer("user@example.com", rfc7628_token, "server.example.com", 587));
    initial(*auth);
    const auto challenge = base64_decode(rfc7628_error);
    ASSERT_TRUE(challenge);
    std::error_code ec;
    const std::string answer = auth->respond(*challenge, ec);
    EXPECT_FALSE(ec);
    EXPECT_EQ(answer, "\x01");
    EXPECT_EQ(base64_encode(answer), "AQ==");
    EXPECT_EQ(auth->server_error(),
              R"({"status":"invalid_token","scope":"example_scope",)"
              R"("openid-configuration":"https://example.com/.well-known/openid-configuration"})");
    // Only one error challenge is part of the mechanism.
    EXPECT_EQ(auth->respond(*challenge, ec), "");
    EXPECT_EQ(ec, error::sasl_bad_challenge);
}

TEST(SaslOauthBearer, HostPortAndIdentityAreOptional) {
    EXPECT_EQ(initial(*make(Mechanism::oauthbearer, bearer("", "tok"))),
              "n,,\x01"
              "auth=Bearer tok\x01\x01");
    EXPECT_EQ(initial(*make(Mechanism::oauthbearer, bearer("u@x", "tok", "mx.x"))),
              "n,a=u@x,\x01host=mx.x\x01"
              "auth=Bearer tok\x01\x01");
    EXPECT_EQ(initial(*make(Mechanism::oauthbearer, bearer("u@x", "tok", "", 465))),
              "n,a=u@x,\x01port=465\x01"
              "auth=Bearer tok\x01\x01");
}

TEST(SaslOauthBearer, IdentityIsEscapedAndAuthzidWins) {
    EXPECT_EQ(initial(*make(Mechanism::oauthbearer, bearer("a,b=c@x", "tok"))),
              "n,a=a=2Cb=3Dc@x,\x01"
              "auth=Bearer tok\x01\x01");
    Credentials c = bearer("me@x", "tok");
    c.authzid = "shared@x";
    EXPECT_EQ(initial(*make(Mechanism::oauthbearer, c)),
              "n,a=shared@x,\x01"
              "auth=Bearer tok\x01\x01");
}

TEST(SaslOauthBearer, RefusesFieldsThatWouldBreakTheFraming) {
    std::error_code ec;
    for (const Credentials& c :
         {bearer("u", ""), bearer("u", "to\x01k"), bearer("u", "tok\r\n"), bearer("u\x01", "tok"),
          bearer("u", "tok", "h\x01port=1"), bearer("u", "tok", "h", 70000)}) {
        ec.clear();
        EXPECT_EQ(make_authenticator(Mechanism::oauthbearer, c, ec), nullptr);
        EXPECT_EQ(ec, error::sasl_invalid_input);
    }
}

// Google's published example (developers.google.com/gmail/imap/xoauth2-protocol).
TEST(SaslXoauth2, GoogleExampleExactBytes) {
    auto auth = make(Mechanism::xoauth2, bearer("someuser@example.com",
                                                "ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg"));
    const std::string message = initial(*auth);
    EXPECT_EQ(message,
              "user=someuser@example.com\x01"
              "auth=Bearer ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg\x01\x01");
    EXPECT_EQ(base64_encode(message),
              "dXNlcj1zb21ldXNlckBleGFtcGxlLmNvbQFhdXRoPUJlYXJlciB5YTI5LnZGOWRmdDRxbVRjMk52YjNSbGNr"
              "QmhkSFJoZG1semRHRXVZMjl0Q2cBAQ==");
}

TEST(SaslXoauth2, ErrorChallengeGetsAnEmptyAnswerAndIsKept) {
    auto auth = make(Mechanism::xoauth2, bearer("u@x", "tok"));
    initial(*auth);
    const std::string json =
        R"({"status":"401","schemes":"bearer","scope":"https://mail.google.com/"})";
    std::error_code ec;
    EXPECT_EQ(auth->respond(json, ec), "");
    EXPECT_FALSE(ec);
    EXPECT_EQ(auth->server_error(), json);
    auth->respond(json, ec);
    EXPECT_EQ(ec, error::sasl_bad_challenge);
}

TEST(SaslXoauth2, WithoutInitialResponseTheEmptyChallengeGetsTheMessage) {
    auto auth = make(Mechanism::xoauth2, bearer("u@x", "tok"));
    std::error_code ec;
    EXPECT_EQ(auth->respond("", ec),
              "user=u@x\x01"
              "auth=Bearer tok\x01\x01");
    EXPECT_FALSE(ec);
    EXPECT_EQ(auth->server_error(), "");
}

TEST(SaslXoauth2, RefusesWhatItCannotCarry) {
    std::error_code ec;
    Credentials with_authzid = bearer("u@x", "tok");
    with_authzid.authzid = "other@x";
    for (const Credentials& c : {bearer("", "tok"), bearer("u@x", ""), bearer("u\x01@x", "tok"),
                                 bearer("u@x", "t\x01ok"), with_authzid}) {
        ec.clear();
        EXPECT_EQ(make_authenticator(Mechanism::xoauth2, c, ec), nullptr);
        EXPECT_EQ(ec, error::sasl_invalid_input);
    }
}

TEST(SaslXoauth2, OversizedErrorChallengeIsRefused) {
    auto auth = make(Mechanism::xoauth2, bearer("u@x", "tok"));
    initial(*auth);
    std::error_code ec;
    EXPECT_EQ(auth->respond(std::string(9000, '{'), ec), "");
    EXPECT_EQ(ec, error::sasl_bad_challenge);
    EXPECT_EQ(auth->server_error(), "");
}

}  // namespace
}  // namespace smtpkit::protocol::sasl
