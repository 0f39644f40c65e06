// SCRAM-SHA-1 (RFC 5802) and SCRAM-SHA-256 (RFC 7677).
#include "../../src/protocol/sasl/scram.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

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

// RFC 5802 5.
constexpr const char* sha1_nonce = "fyko+d2lbbFgONRv9qkxdawL";
constexpr const char* sha1_server_first =
    "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096";
constexpr const char* sha1_client_final =
    "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=";
constexpr const char* sha1_server_final = "v=rmF9pqV8S7suAoZWja4dJRkFsKQ=";

// RFC 7677 3.
constexpr const char* sha256_nonce = "rOprNGfwEbeRWgbNEkqO";
constexpr const char* sha256_server_first =
    "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
constexpr const char* sha256_client_final =
    "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
    "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
constexpr const char* sha256_server_final = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

const Credentials pencil = creds("user", "pencil", "");

std::unique_ptr<Authenticator> scram(Mechanism m, const Credentials& c, std::string nonce,
                                     const detail::ScramLimits& limits = {}) {
    std::error_code ec;
    auto auth = detail::make_scram(m, c, std::move(nonce), ec, limits);
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_NE(auth, nullptr);
    return auth;
}

std::unique_ptr<Authenticator> rfc5802() {
    return scram(Mechanism::scram_sha_1, pencil, sha1_nonce);
}

// An authenticator that has sent its client-first message.
std::unique_ptr<Authenticator> started_rfc5802() {
    auto auth = rfc5802();
    std::error_code ec;
    EXPECT_TRUE(auth->initial_response(ec));
    return auth;
}

// An authenticator that has sent its client-final message.
std::unique_ptr<Authenticator> waiting_for_server_final() {
    auto auth = started_rfc5802();
    std::error_code ec;
    EXPECT_EQ(auth->respond(sha1_server_first, ec), sha1_client_final);
    EXPECT_FALSE(ec);
    return auth;
}

// The error the RFC 5802 client gets for a server-first message.
std::error_code server_first_error(const std::string& server_first,
                                   const detail::ScramLimits& limits = {}) {
    auto auth = scram(Mechanism::scram_sha_1, pencil, sha1_nonce, limits);
    std::error_code ec;
    auth->initial_response(ec);
    const std::string answer = auth->respond(server_first, ec);
    if (ec) {
        EXPECT_EQ(answer, "");
        EXPECT_EQ(auth->complete(), error::sasl_server_not_verified);
    }
    return ec;
}

std::error_code server_final_error(const std::string& server_final) {
    auto auth = waiting_for_server_final();
    std::error_code ec;
    auth->respond(server_final, ec);
    if (ec) {
        EXPECT_EQ(auth->complete(), error::sasl_server_not_verified);
    }
    return ec;
}

TEST(ScramSha1, Rfc5802Exchange) {
    auto auth = rfc5802();
    EXPECT_EQ(auth->mechanism(), Mechanism::scram_sha_1);
    std::error_code ec;
    EXPECT_EQ(auth->initial_response(ec), "n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL");
    EXPECT_EQ(auth->respond(sha1_server_first, ec), sha1_client_final);
    EXPECT_FALSE(ec);
    EXPECT_EQ(auth->complete(), error::sasl_server_not_verified);  // not yet
    EXPECT_EQ(auth->respond(sha1_server_final, ec), "");
    EXPECT_FALSE(ec);
    EXPECT_FALSE(auth->complete());
    EXPECT_EQ(auth->server_error(), "");
}

TEST(ScramSha256, Rfc7677Exchange) {
    auto auth = scram(Mechanism::scram_sha_256, pencil, sha256_nonce);
    EXPECT_EQ(auth->mechanism(), Mechanism::scram_sha_256);
    std::error_code ec;
    EXPECT_EQ(auth->initial_response(ec), "n,,n=user,r=rOprNGfwEbeRWgbNEkqO");
    EXPECT_EQ(auth->respond(sha256_server_first, ec), sha256_client_final);
    EXPECT_FALSE(ec);
    EXPECT_EQ(auth->respond(sha256_server_final, ec), "");
    EXPECT_FALSE(ec);
    EXPECT_FALSE(auth->complete());
}

TEST(ScramSha256, TheSha1SignatureDoesNotVerify) {
    auto auth = scram(Mechanism::scram_sha_256, pencil, sha256_nonce);
    std::error_code ec;
    auth->initial_response(ec);
    auth->respond(sha256_server_first, ec);
    ASSERT_FALSE(ec);
    auth->respond(sha1_server_final, ec);
    EXPECT_EQ(ec, error::sasl_server_not_verified);
    EXPECT_EQ(auth->complete(), error::sasl_server_not_verified);
}

TEST(Scram, WrongServerSignatureIsNotVerified) {
    // One bit off, truncated, extended, empty-looking.
    EXPECT_EQ(server_final_error("v=rmF9pqV8S7suAoZWja4dJRkFsKU="),
              error::sasl_server_not_verified);
    EXPECT_EQ(server_final_error("v=rmF9pqV8S7suAoZWja4dJRkF"), error::sasl_server_not_verified);
    EXPECT_EQ(server_final_error("v=rmF9pqV8S7suAoZWja4dJRkFsKQAAAAA"),
              error::sasl_server_not_verified);
    EXPECT_EQ(server_final_error("v=AAAA"), error::sasl_server_not_verified);
}

TEST(Scram, ServerErrorIsReportedAndKept) {
    auto auth = waiting_for_server_final();
    std::error_code ec;
    EXPECT_EQ(auth->respond("e=invalid-proof", ec), "");
    EXPECT_EQ(ec, error::sasl_server_not_verified);
    EXPECT_EQ(auth->server_error(), "invalid-proof");
    EXPECT_EQ(auth->complete(), error::sasl_server_not_verified);
}

TEST(Scram, MalformedServerFinalIsABadChallenge) {
    for (const std::string& bad : std::vector<std::string>{
             "", "v=", "x=abc", "v=not base64!", "rmF9pqV8S7suAoZWja4dJRkFsKQ=",
             "v=rmF9pqV8S7suAoZWja4dJRkFsKQ=,v=rmF9pqV8S7suAoZWja4dJRkFsKQ=",
             "v=rmF9pqV8S7suAoZWja4dJRkFsKQ=,m=x", "v=rmF9pqV8S7suAoZWja4dJRkFsKQ=,e=late",
             "v=rmF9pqV8S7suAoZWja4dJRkFsKQ=\0"s}) {
        EXPECT_EQ(server_final_error(bad), error::sasl_bad_challenge) << bad;
    }
}

TEST(Scram, ServerFinalExtensionsAreIgnored) {
    EXPECT_FALSE(server_final_error("v=rmF9pqV8S7suAoZWja4dJRkFsKQ=,x=future"));
}

TEST(Scram, ServerNonceMustExtendOurs) {
    // Not starting with our nonce, equal to it, a prefix of it, differing in case.
    EXPECT_EQ(server_first_error(
                  "r=3rfcNHYJY1ZVvWVs7jfyko+d2lbbFgONRv9qkxdawL,s=QSXCR+Q6sek8bf92,i=4096"),
              error::sasl_bad_challenge);
    EXPECT_EQ(server_first_error("r=fyko+d2lbbFgONRv9qkxdawL,s=QSXCR+Q6sek8bf92,i=4096"),
              error::sasl_bad_challenge);
    EXPECT_EQ(server_first_error("r=fyko+d2lbb,s=QSXCR+Q6sek8bf92,i=4096"),
              error::sasl_bad_challenge);
    EXPECT_EQ(server_first_error("r=FYKO+d2lbbFgONRv9qkxdawL3rfc,s=QSXCR+Q6sek8bf92,i=4096"),
              error::sasl_bad_challenge);
    // Its own part must be printable.
    EXPECT_EQ(server_first_error("r=fyko+d2lbbFgONRv9qkxdawL3 rfc,s=QSXCR+Q6sek8bf92,i=4096"),
              error::sasl_bad_challenge);
    EXPECT_EQ(server_first_error("r=fyko+d2lbbFgONRv9qkxdawL\x80,s=QSXCR+Q6sek8bf92,i=4096"),
              error::sasl_bad_challenge);
}

TEST(Scram, SaltMustBePresentAndBase64) {
    const std::string r = "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,";
    EXPECT_EQ(server_first_error(r + "i=4096"), error::sasl_bad_challenge);
    EXPECT_EQ(server_first_error(r + "s=,i=4096"), error::sasl_bad_challenge);
    EXPECT_EQ(server_first_error(r + "s=QSXCR+Q6sek8bf9,i=4096"), error::sasl_bad_challenge);
    EXPECT_EQ(server_first_error(r + "s=QSXCR Q6sek8bf92,i=4096"), error::sasl_bad_challenge);
}

TEST(Scram, IterationCountWithinBounds) {
    const std::string rs = "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,";
    for (const std::string& count :
         std::vector<std::string>{"0", "04096", "-1", "+4096", "4096a", "", " 4096", "4.096",
                                  "10000001", "4294967296", "99999999999999999999999"}) {
        EXPECT_EQ(server_first_error(rs + "i=" + count), error::sasl_bad_challenge) << count;
    }
    EXPECT_EQ(server_first_error(rs + "i"), error::sasl_bad_challenge);
    // The limit is a parameter; the default accepts the RFC's 4096 and small counts.
    EXPECT_EQ(server_first_error(rs + "i=4096", {1000}), error::sasl_bad_challenge);
    EXPECT_FALSE(server_first_error(rs + "i=1"));
}

TEST(Scram, AttributesInOrderOnceEachNoMandatoryExtension) {
    const std::string r = "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j";
    const std::string s = "s=QSXCR+Q6sek8bf92";
    const std::string i = "i=4096";
    EXPECT_EQ(server_first_error("m=ext," + r + "," + s + "," + i), error::sasl_bad_challenge);
    EXPECT_EQ(server_first_error(r + "," + s + "," + i + ",m=ext"), error::sasl_bad_challenge);
    EXPECT_EQ(server_first_error(r + "," + s + "," + i + "," + s), error::sasl_bad_challenge);
    EXPECT_EQ(server_first_error(r + "," + r + "," + s + "," + i), error::sasl_bad_challenge);
    EXPECT_EQ(server_first_error(r + "," + s + "," + i + ",i=1"), error::sasl_bad_challenge);
    EXPECT_EQ(server_first_error(r + "," + s + "," + i + ",r=x"), error::sasl_bad_challenge);
    EXPECT_EQ(server_first_error(s + "," + r + "," + i), error::sasl_bad_challenge);
    EXPECT_EQ(server_first_error(r + "," + s), error::sasl_bad_challenge);
    EXPECT_EQ(server_first_error(r + "," + s + "," + i + ","), error::sasl_bad_challenge);
    EXPECT_EQ(server_first_error(r + ",," + s + "," + i), error::sasl_bad_challenge);
    EXPECT_EQ(server_first_error(r + "," + s + "," + i + ",1=x"), error::sasl_bad_challenge);
    EXPECT_EQ(server_first_error(r + "," + s + "," + i + "\0"s), error::sasl_bad_challenge);
    EXPECT_EQ(server_first_error(""), error::sasl_bad_challenge);
    // An unknown optional extension is allowed (it still enters AuthMessage).
    EXPECT_FALSE(server_first_error(r + "," + s + "," + i + ",x=whatever"));
}

TEST(Scram, OversizedChallengeIsRefused) {
    const std::string huge =
        "r=fyko+d2lbbFgONRv9qkxdawL" + std::string(9000, 'x') + ",s=QSXCR+Q6sek8bf92,i=4096";
    EXPECT_EQ(server_first_error(huge), error::sasl_bad_challenge);
}

TEST(Scram, MessagesOutOfTurnAreRefused) {
    std::error_code ec;
    auto early = rfc5802();
    early->respond(sha1_server_first, ec);  // no client-first sent yet
    EXPECT_EQ(ec, error::sasl_bad_challenge);

    ec.clear();
    auto done = waiting_for_server_final();
    done->respond(sha1_server_final, ec);
    ASSERT_FALSE(ec);
    done->respond(sha1_server_final, ec);
    EXPECT_EQ(ec, error::sasl_bad_challenge);

    auto failed = started_rfc5802();
    failed->respond("garbage", ec);
    ASSERT_EQ(ec, error::sasl_bad_challenge);
    ec.clear();
    failed->respond(sha1_server_first, ec);  // no second chance
    EXPECT_EQ(ec, error::sasl_bad_challenge);
}

TEST(Scram, EmptyChallengeGetsTheClientFirstWhenNoInitialResponseWasSent) {
    auto auth = rfc5802();
    std::error_code ec;
    EXPECT_EQ(auth->respond("", ec), "n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL");
    EXPECT_EQ(auth->respond(sha1_server_first, ec), sha1_client_final);
    EXPECT_FALSE(ec);
}

TEST(Scram, UserNameIsPreparedAndEscaped) {
    std::error_code ec;
    EXPECT_EQ(
        scram(Mechanism::scram_sha_1, creds("a,b=c", "pencil", ""), "abc")->initial_response(ec),
        "n,,n=a=2Cb=3Dc,r=abc");
    EXPECT_EQ(scram(Mechanism::scram_sha_1, creds("I\xC2\xADX", "pencil", ""), "abc")
                  ->initial_response(ec),
              "n,,n=IX,r=abc");
}

TEST(Scram, PasswordIsPrepared) {
    // A soft hyphen maps to nothing: "pen<SHY>cil" is "pencil" (RFC 4013 2.2).
    auto auth = scram(Mechanism::scram_sha_1,
                      {"user",
                       "pen\xC2\xAD"
                       "cil",
                       ""},
                      sha1_nonce);
    std::error_code ec;
    auth->initial_response(ec);
    EXPECT_EQ(auth->respond(sha1_server_first, ec), sha1_client_final);
    EXPECT_FALSE(ec);
}

TEST(Scram, AuthorizationIdentityGoesInTheGs2Header) {
    auto auth = scram(Mechanism::scram_sha_256, creds("user", "pencil", "ad,m=in"), sha256_nonce);
    std::error_code ec;
    EXPECT_EQ(auth->initial_response(ec), "n,a=ad=2Cm=3Din,n=user,r=rOprNGfwEbeRWgbNEkqO");
    const std::string final_message = auth->respond(sha256_server_first, ec);
    EXPECT_FALSE(ec);
    // c= carries the header in base64; the proof changes with it.
    EXPECT_EQ(final_message.rfind("c=" + base64_encode("n,a=ad=2Cm=3Din,") + ",r=", 0), 0u);
    EXPECT_NE(final_message, sha256_client_final);
}

TEST(Scram, RefusesCredentialsItCannotCarry) {
    const std::vector<std::pair<Credentials, std::string>> cases = {
        {creds("", "pencil", ""), "abc"},          // empty user
        {creds("\xC2\xAD", "pencil", ""), "abc"},  // user prepares to nothing
        {creds("us\x07r", "pencil", ""), "abc"},   // prohibited in the user
        {{"user",
          "pen\x07"
          "cil",
          ""},
         "abc"},                                    // prohibited in the password
        {creds("user", "\xff\xfe", ""), "abc"},     // password not UTF-8
        {creds("user", "pen\0cil"s, ""), "abc"},    // NUL in the password
        {creds("user", "pencil", "a\0b"s), "abc"},  // NUL in the authzid
        {pencil, "a,b"},                            // nonce with a comma
        {pencil, ""},                               // empty nonce
        {pencil, "a b"},                            // nonce not printable
    };
    for (const auto& [credentials, nonce] : cases) {
        std::error_code ec;
        EXPECT_EQ(detail::make_scram(Mechanism::scram_sha_1, credentials, nonce, ec), nullptr);
        EXPECT_EQ(ec, error::sasl_invalid_input) << credentials.user << " / " << nonce;
    }
    std::error_code ec;
    EXPECT_EQ(detail::make_scram(Mechanism::plain, pencil, "abc", ec), nullptr);
    EXPECT_EQ(ec, error::sasl_invalid_input);
    ec.clear();
    EXPECT_EQ(make_authenticator(Mechanism::scram_sha_256, creds("us\x07r", "p", ""), ec), nullptr);
    EXPECT_EQ(ec, error::sasl_invalid_input);
}

TEST(Scram, NonceComesFromTheRandomSource) {
    std::vector<std::size_t> requests;
    const RandomSource counting = [&requests](unsigned char* out, std::size_t n) {
        requests.push_back(n);
        for (std::size_t i = 0; i < n; ++i) {
            out[i] = static_cast<unsigned char>(i);
        }
    };
    std::error_code ec;
    auto auth = make_authenticator(Mechanism::scram_sha_256, pencil, ec, counting);
    ASSERT_FALSE(ec);
    ASSERT_NE(auth, nullptr);
    EXPECT_EQ(requests, std::vector<std::size_t>{24});
    std::string bytes;
    for (int i = 0; i < 24; ++i) {
        bytes += static_cast<char>(i);
    }
    EXPECT_EQ(auth->initial_response(ec), "n,,n=user,r=" + base64_encode(bytes));
}

TEST(Scram, DefaultNoncesAreFreshAndPrintable) {
    std::error_code ec;
    auto a = make_authenticator(Mechanism::scram_sha_1, pencil, ec);
    auto b = make_authenticator(Mechanism::scram_sha_1, pencil, ec);
    ASSERT_FALSE(ec);
    const std::string first_a = *a->initial_response(ec);
    const std::string first_b = *b->initial_response(ec);
    const std::string prefix = "n,,n=user,r=";
    ASSERT_EQ(first_a.rfind(prefix, 0), 0u);
    const std::string nonce = first_a.substr(prefix.size());
    EXPECT_EQ(nonce.size(), 32u);
    EXPECT_EQ(nonce.find_first_of(",= "), std::string::npos);
    EXPECT_NE(first_a, first_b);
}

TEST(Scram, FullExchangeThroughThePublicFactory) {
    // The RFC 5802 nonce is base64 of 18 bytes; feed those bytes, then six more
    // that extend it, and let the server-first extend that.
    const std::string raw = *base64_decode(sha1_nonce) + std::string(6, '\0');
    const RandomSource fixed = [&raw](unsigned char* out, std::size_t n) {
        for (std::size_t i = 0; i < n; ++i) {
            out[i] = static_cast<unsigned char>(raw[i]);
        }
    };
    std::error_code ec;
    auto auth = make_authenticator(Mechanism::scram_sha_1, pencil, ec, fixed);
    ASSERT_FALSE(ec);
    EXPECT_EQ(auth->initial_response(ec), "n,,n=user,r=fyko+d2lbbFgONRv9qkxdawLAAAAAAAA");
    const std::string answer =
        auth->respond("r=fyko+d2lbbFgONRv9qkxdawLAAAAAAAAsrv,s=QSXCR+Q6sek8bf92,i=4096", ec);
    EXPECT_FALSE(ec);
    EXPECT_EQ(answer.rfind("c=biws,r=fyko+d2lbbFgONRv9qkxdawLAAAAAAAAsrv,p=", 0), 0u);
    EXPECT_EQ(auth->complete(), error::sasl_server_not_verified);
}

}  // namespace
}  // namespace smtpkit::protocol::sasl
