// PLAIN, LOGIN, CRAM-MD5 and EXTERNAL: one or two messages each.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "smtpkit/error.hpp"
#include "smtpkit/protocol/sasl.hpp"

namespace smtpkit::protocol::sasl {
namespace {

using namespace std::string_literals;

Credentials creds(std::string user, std::string secret, std::string authzid) {
    Credentials c;
    c.user = std::move(user);
    c.secret = std::move(secret);
    c.authzid = std::move(authzid);
    return c;
}

std::unique_ptr<Authenticator> make(Mechanism m, Credentials c) {
    std::error_code ec;
    auto auth = make_authenticator(m, c, ec);
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_NE(auth, nullptr);
    return auth;
}

std::error_code refusal(Mechanism m, Credentials c) {
    std::error_code ec;
    const auto auth = make_authenticator(m, c, ec);
    EXPECT_EQ(auth, nullptr) << name(m);
    return ec;
}

// RFC 4616 4: "tim" / "tanstaaftanstaaf", and Kurt acting as Ursel.
TEST(SaslPlain, Rfc4616Examples) {
    auto auth = make(Mechanism::plain, creds("tim", "tanstaaftanstaaf", ""));
    std::error_code ec;
    EXPECT_EQ(auth->initial_response(ec), "\0tim\0tanstaaftanstaaf"s);
    EXPECT_FALSE(ec);
    EXPECT_EQ(
        base64_encode(
            *make(Mechanism::plain, creds("tim", "tanstaaftanstaaf", ""))->initial_response(ec)),
        "AHRpbQB0YW5zdGFhZnRhbnN0YWFm");

    auto proxy = make(Mechanism::plain, creds("Kurt", "xipj3plmq", "Ursel"));
    EXPECT_EQ(proxy->initial_response(ec), "Ursel\0Kurt\0xipj3plmq"s);
    EXPECT_FALSE(ec);
    EXPECT_FALSE(proxy->complete());
    EXPECT_EQ(proxy->mechanism(), Mechanism::plain);
}

TEST(SaslPlain, SendsTheBytesUnprepared) {
    // SASLprep would map the soft hyphen away and the ligature to "ff".
    auto auth = make(Mechanism::plain, creds("I\xC2\xADX", "\xEF\xAC\x80", ""));
    std::error_code ec;
    EXPECT_EQ(auth->initial_response(ec), "\0I\xC2\xADX\0\xEF\xAC\x80"s);
}

TEST(SaslPlain, EmptyChallengeGetsTheMessageWhenNoInitialResponseWasSent) {
    auto auth = make(Mechanism::plain, creds("tim", "pw", ""));
    std::error_code ec;
    EXPECT_EQ(auth->respond("", ec), "\0tim\0pw"s);
    EXPECT_FALSE(ec);
    // The exchange is over: a further challenge is a protocol error.
    EXPECT_EQ(auth->respond("", ec), "");
    EXPECT_EQ(ec, error::sasl_bad_challenge);
}

TEST(SaslPlain, ChallengeAfterTheMessageIsRefused) {
    auto auth = make(Mechanism::plain, creds("tim", "pw", ""));
    std::error_code ec;
    ASSERT_TRUE(auth->initial_response(ec));
    EXPECT_EQ(auth->respond("more?", ec), "");
    EXPECT_EQ(ec, error::sasl_bad_challenge);
}

TEST(SaslPlain, RefusesNulAndEmptyFields) {
    EXPECT_EQ(refusal(Mechanism::plain, creds("t\0m"s, "pw", "")), error::sasl_invalid_input);
    EXPECT_EQ(refusal(Mechanism::plain, creds("tim", "p\0w"s, "")), error::sasl_invalid_input);
    EXPECT_EQ(refusal(Mechanism::plain, creds("tim", "pw", "a\0z"s)), error::sasl_invalid_input);
    EXPECT_EQ(refusal(Mechanism::plain, creds("", "pw", "")), error::sasl_invalid_input);
    EXPECT_EQ(refusal(Mechanism::plain, creds("tim", "", "")), error::sasl_invalid_input);
}

TEST(SaslLogin, AnswersUserThenPasswordWhateverTheWording) {
    auto auth = make(Mechanism::login, creds("tim", "tanstaaftanstaaf", ""));
    std::error_code ec;
    EXPECT_EQ(auth->initial_response(ec), std::nullopt);
    EXPECT_FALSE(ec);
    EXPECT_EQ(auth->respond("Username:", ec), "tim");
    EXPECT_EQ(auth->respond("Password:", ec), "tanstaaftanstaaf");
    EXPECT_FALSE(ec);

    auto odd = make(Mechanism::login, creds("tim", "pw", ""));
    EXPECT_EQ(odd->respond("", ec), "tim");
    EXPECT_EQ(odd->respond("who are you really?", ec), "pw");
    EXPECT_FALSE(ec);
}

TEST(SaslLogin, AThirdChallengeIsRefused) {
    auto auth = make(Mechanism::login, creds("tim", "pw", ""));
    std::error_code ec;
    auth->respond("Username:", ec);
    auth->respond("Password:", ec);
    ASSERT_FALSE(ec);
    EXPECT_EQ(auth->respond("Password:", ec), "");
    EXPECT_EQ(ec, error::sasl_bad_challenge);
}

TEST(SaslLogin, RefusesWhatItCannotCarry) {
    EXPECT_EQ(refusal(Mechanism::login, creds("tim", "pw", "other")), error::sasl_invalid_input);
    EXPECT_EQ(refusal(Mechanism::login, creds("t\0m"s, "pw", "")), error::sasl_invalid_input);
    EXPECT_EQ(refusal(Mechanism::login, creds("", "pw", "")), error::sasl_invalid_input);
}

TEST(SaslLogin, OversizedChallengeIsRefused) {
    auto auth = make(Mechanism::login, creds("tim", "pw", ""));
    std::error_code ec;
    EXPECT_EQ(auth->respond(std::string(8 * 1024 + 1, 'U'), ec), "");
    EXPECT_EQ(ec, error::sasl_bad_challenge);
}

// RFC 2195 2. (The RFC's challenge names reston.mci.net.)
TEST(SaslCramMd5, Rfc2195Example) {
    auto auth = make(Mechanism::cram_md5, creds("tim", "tanstaaftanstaaf", ""));
    std::error_code ec;
    EXPECT_EQ(auth->initial_response(ec), std::nullopt);
    const auto challenge =
        base64_decode("PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+");
    ASSERT_TRUE(challenge);
    const std::string response = auth->respond(*challenge, ec);
    EXPECT_FALSE(ec);
    EXPECT_EQ(response, "tim b913a602c7eda7a495b4e6e7334d3890");
    EXPECT_EQ(base64_encode(response), "dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw");
}

TEST(SaslCramMd5, DigestDependsOnTheChallenge) {
    auto a = make(Mechanism::cram_md5, creds("tim", "tanstaaftanstaaf", ""));
    auto b = make(Mechanism::cram_md5, creds("tim", "tanstaaftanstaaf", ""));
    std::error_code ec;
    const std::string one = a->respond("<1@x>", ec);
    const std::string two = b->respond("<2@x>", ec);
    EXPECT_FALSE(ec);
    EXPECT_NE(one, two);
    EXPECT_EQ(one.size(), 4 + 32u);
    EXPECT_EQ(one.find_first_not_of("0123456789abcdef", 4), std::string::npos);
}

TEST(SaslCramMd5, EmptyPasswordStillAnswers) {
    auto auth = make(Mechanism::cram_md5, creds("tim", "", ""));
    std::error_code ec;
    // HMAC-MD5 with an empty key over "<x@y>", from Python's hmac module.
    EXPECT_EQ(auth->respond("<x@y>", ec), "tim 71990acc3a54f7d01feeb843a4e99c22");
    EXPECT_FALSE(ec);
}

TEST(SaslCramMd5, OneNonEmptyChallengeOnly) {
    auto auth = make(Mechanism::cram_md5, creds("tim", "pw", ""));
    std::error_code ec;
    EXPECT_EQ(auth->respond("", ec), "");
    EXPECT_EQ(ec, error::sasl_bad_challenge);

    auto twice = make(Mechanism::cram_md5, creds("tim", "pw", ""));
    ec.clear();
    twice->respond("<1@x>", ec);
    ASSERT_FALSE(ec);
    EXPECT_EQ(twice->respond("<2@x>", ec), "");
    EXPECT_EQ(ec, error::sasl_bad_challenge);
}

TEST(SaslCramMd5, RefusesAnAuthorizationIdentity) {
    EXPECT_EQ(refusal(Mechanism::cram_md5, creds("tim", "pw", "root")), error::sasl_invalid_input);
}

TEST(SaslExternal, SendsTheAuthorizationIdentity) {
    std::error_code ec;
    EXPECT_EQ(make(Mechanism::external, {})->initial_response(ec), "");
    EXPECT_FALSE(ec);
    Credentials as_other;
    as_other.authzid = "postmaster";
    auto auth = make(Mechanism::external, as_other);
    EXPECT_EQ(auth->initial_response(ec), "postmaster");
    EXPECT_EQ(auth->respond("again?", ec), "");
    EXPECT_EQ(ec, error::sasl_bad_challenge);
    Credentials bad;
    bad.authzid = "a\0b"s;
    EXPECT_EQ(refusal(Mechanism::external, bad), error::sasl_invalid_input);
}

TEST(SaslRegistry, NamesRoundTripCaseInsensitively) {
    for (Mechanism m : {Mechanism::plain, Mechanism::login, Mechanism::cram_md5,
                        Mechanism::scram_sha_1, Mechanism::scram_sha_256, Mechanism::xoauth2,
                        Mechanism::oauthbearer, Mechanism::external}) {
        EXPECT_EQ(from_name(name(m)), m) << name(m);
    }
    EXPECT_STREQ(name(Mechanism::scram_sha_256), "SCRAM-SHA-256");
    EXPECT_STREQ(name(Mechanism::cram_md5), "CRAM-MD5");
    EXPECT_EQ(from_name("scram-sha-1"), Mechanism::scram_sha_1);
    EXPECT_EQ(from_name("XoAuth2"), Mechanism::xoauth2);
    EXPECT_EQ(from_name("SCRAM-SHA-1-PLUS"), std::nullopt);
    EXPECT_EQ(from_name("DIGEST-MD5"), std::nullopt);
    EXPECT_EQ(from_name(""), std::nullopt);
    EXPECT_EQ(from_name("PLAIN "), std::nullopt);
}

TEST(SaslRegistry, PreferencesStrongestFirst) {
    const std::vector<Mechanism> passwords = {Mechanism::scram_sha_256, Mechanism::scram_sha_1,
                                              Mechanism::cram_md5, Mechanism::plain,
                                              Mechanism::login};
    EXPECT_EQ(password_preference(), passwords);
    const std::vector<Mechanism> tokens = {Mechanism::oauthbearer, Mechanism::xoauth2};
    EXPECT_EQ(token_preference(), tokens);
}

TEST(SaslRegistry, FactoryClearsAStaleError) {
    std::error_code ec = make_error_code(error::timeout);
    const auto auth = make_authenticator(Mechanism::plain, creds("tim", "pw", ""), ec);
    EXPECT_FALSE(ec);
    ASSERT_NE(auth, nullptr);
    EXPECT_EQ(auth->mechanism(), Mechanism::plain);
}

}  // namespace
}  // namespace smtpkit::protocol::sasl
