// Authentication edge cases against a scripted server: hostile or broken
// challenges, a forged SCRAM server signature, AUTH that disappears after
// STARTTLS, and the rule that AUTH never goes out on a session that needed
// TLS and lacks it. Every run goes through a SecretWatch. The first tests
// check the SecretWatch itself, so that the suite's secret grep can fail.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "scripted/client_fixture.hpp"
#include "smtpkit/protocol/sasl.hpp"
#include "support/secret_watch.hpp"
#include "support/test_certs.hpp"

namespace smtpkit::test {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* user = "tim";
constexpr const char* secret = "Sup3r-s3cret";

using protocol::sasl::base64_decode;
using protocol::sasl::base64_encode;

ConnectOptions insecure_ok() {
    ConnectOptions o = esmtp_options();
    o.allow_insecure_auth = true;
    return o;
}

ConnectOptions starttls_options() {
    ConnectOptions o = esmtp_options();
    o.security = Security::starttls;
    o.tls.ca_file = test_certificates().ca_file;
    return o;
}

// A client whose trace, errors and failure state all go to `watch`.
struct WatchedClient {
    SecretWatch watch{user};
    Client client;
    WatchedClient() { client.set_trace(watch.trace_handler()); }

    std::error_code authenticate(AuthMechanism mechanism, const char* password = secret) {
        std::error_code ec;
        client.authenticate(user, password, mechanism, ec);
        watch.add_error("authenticate", ec);
        watch.add_client("after authenticate", client);
        return ec;
    }
};

// Lines the client wrote that begin with AUTH (case-insensitive).
std::size_t auth_commands(const ScriptServer& server) {
    return server.count("AUTH");
}

// --- SecretWatch: the grep must catch every encoding the wire uses --------

TEST(SecretWatch, CatchesTheSecretInClearAndInEveryWireEncoding) {
    const std::string texts[] = {
        "error: Sup3r-s3cret rejected",
        "C: AUTH PLAIN AHRpbQBTdXAzci1zM2NyZXQ=",  // \0tim\0Sup3r-s3cret
        "C: U3VwM3ItczNjcmV0",                     // LOGIN's password line
        // XOAUTH2: "user=tim\1auth=Bearer Sup3r-s3cret\1\1"
        "C: AUTH XOAUTH2 dXNlcj10aW0BYXV0aD1CZWFyZXIgU3VwM3ItczNjcmV0AQE=",
        // PLAIN with an authorisation identity: "admin\0tim\0Sup3r-s3cret"
        "C: AUTH PLAIN YWRtaW4AdGltAFN1cDNyLXMzY3JldA==",
    };
    for (const auto& text : texts) {
        SecretWatch watch(user);
        watch.add_text("sample", text);
        EXPECT_FALSE(watch.free_of({secret})) << text;
    }
}

TEST(SecretWatch, PassesRedactedTracesAndFailsWhenNothingWasRecorded) {
    SecretWatch watch(user);
    EXPECT_FALSE(watch.free_of({secret})) << "an empty watch must not pass";
    watch.add_text("trace C", "AUTH PLAIN <redacted>");
    watch.add_text("trace S", "535 5.7.8 authentication failed");
    watch.add_error("ec", make_error_code(error::auth_credentials_invalid));
    EXPECT_TRUE(watch.free_of({secret}));
    EXPECT_TRUE(watch.free_of({""})) << "an empty secret matches nothing";
}

// --- hostile challenges ---------------------------------------------------

// A 334 far longer than any reply line may be: the reply parser's limit ends
// the session at once; nothing is buffered without bound and nothing hangs.
TEST(AuthEdge, OversizedChallengeFailsCleanlyAndQuickly) {
    const std::string huge(256 * 1024, 'A');
    ScriptServer server(
        Script::esmtp({"AUTH CRAM-MD5"}).expect("AUTH CRAM-MD5").send("334 " + huge + "\r\n"));
    WatchedClient c;
    c.client.connect("127.0.0.1", server.port(), esmtp_options());
    const Stopwatch clock;
    const std::error_code ec = c.authenticate(AuthMechanism::cram_md5);
    EXPECT_EQ(ec, error::reply_line_too_long);
    EXPECT_EQ(ec, condition::protocol_violation);
    EXPECT_LT(clock.elapsed(), 1500ms) << "must not wait for the timeout";
    EXPECT_FALSE(c.client.connected()) << "a session that broke the protocol is closed";
    std::error_code later;
    c.client.noop(later);
    EXPECT_TRUE(later) << "no command may follow on the broken session";
    ASSERT_TRUE(server.wait_done());
    // The client answered nothing to the oversized challenge.
    EXPECT_EQ(server.lines().back().rfind("AUTH CRAM-MD5", 0), 0u);
    c.watch.expect_no_secret(secret);
}

TEST(AuthEdge, GarbageBase64ChallengeIsCancelledWithStar) {
    ScriptServer server(Script::esmtp({"AUTH CRAM-MD5"})
                            .expect("AUTH CRAM-MD5")
                            .send("334 PDE4OTYu!!not*base64==\r\n")
                            .expect("*")
                            .send("501 5.7.0 authentication cancelled\r\n")
                            .expect("QUIT")
                            .send("221 bye\r\n"));
    WatchedClient c;
    c.client.connect("127.0.0.1", server.port(), esmtp_options());
    EXPECT_EQ(c.authenticate(AuthMechanism::cram_md5), error::sasl_bad_challenge);
    EXPECT_EQ(c.client.last_reply().code, 501);
    EXPECT_TRUE(c.client.connected()) << "a cancelled exchange leaves the session usable";
    c.client.quit();
    expect_server_done(server);
    const auto lines = server.lines();
    ASSERT_GE(lines.size(), 3u);
    EXPECT_EQ(lines[2], "*") << "the client must cancel with a lone '*'";
    c.watch.expect_no_secret(secret);
}

// A challenge split over several 334 lines is not one SASL message.
TEST(AuthEdge, MultiLineChallengeIsCancelledWithStar) {
    ScriptServer server(Script::esmtp({"AUTH CRAM-MD5"})
                            .expect("AUTH CRAM-MD5")
                            .send("334-PDE4OTYuNjk3MTcwOTUy\r\n334 QHBvc3RvZmZpY2U+\r\n")
                            .expect("*")
                            .send("501 cancelled\r\n"));
    WatchedClient c;
    c.client.connect("127.0.0.1", server.port(), esmtp_options());
    EXPECT_EQ(c.authenticate(AuthMechanism::cram_md5), error::sasl_bad_challenge);
    EXPECT_EQ(server.count("*"), 1u);
    c.watch.expect_no_secret(secret);
}

// LOGIN takes two challenges; a server that keeps asking is cut off.
TEST(AuthEdge, EndlessChallengesAreCancelled) {
    Script script = Script::esmtp({"AUTH LOGIN"});
    script.expect("AUTH LOGIN").send("334 VXNlcm5hbWU6\r\n");  // Username:
    script.expect("").send("334 UGFzc3dvcmQ6\r\n");            // Password:
    script.expect("").send("334 UGFzc3dvcmQ6\r\n");            // Password: again
    script.expect("*").send("501 cancelled\r\n");
    ScriptServer server(std::move(script));
    WatchedClient c;
    c.client.connect("127.0.0.1", server.port(), insecure_ok());
    EXPECT_EQ(c.authenticate(AuthMechanism::login), error::sasl_bad_challenge);
    EXPECT_TRUE(no_mismatches(server.mismatches()));
    c.watch.expect_no_secret(secret);
}

// --- SCRAM: the server must prove it knows the password --------------------

// The server-first message for the client-first carried on the AUTH line:
// the client's nonce extended, a salt, 4096 iterations.
std::string scram_server_first(const std::string& auth_line) {
    const auto space = auth_line.rfind(' ');
    const auto client_first = base64_decode(auth_line.substr(space + 1)).value_or("");
    const auto r = client_first.find("r=");
    const std::string nonce = r == std::string::npos ? "" : client_first.substr(r + 2);
    return "334 " +
           base64_encode("r=" + nonce + "srvNonce,s=" + base64_encode("salt-16-octets!!") +
                         ",i=4096") +
           "\r\n";
}

// v= of 32 octets that are not the server signature.
const std::string forged_final =
    "334 " + base64_encode("v=" + base64_encode(std::string(32, '\x42'))) + "\r\n";

TEST(AuthEdge, ScramWrongServerSignatureIsCancelled) {
    ScriptServer server(Script::esmtp({"AUTH SCRAM-SHA-256"})
                            .answer("AUTH SCRAM-SHA-256 ", scram_server_first)
                            .expect("")  // client-final with the proof
                            .send(forged_final)
                            .expect("*")
                            .send("501 5.7.0 cancelled\r\n")
                            .expect("QUIT")
                            .send("221 bye\r\n"));
    WatchedClient c;
    c.client.connect("127.0.0.1", server.port(), esmtp_options());
    EXPECT_EQ(c.authenticate(AuthMechanism::scram_sha_256), error::sasl_server_not_verified);
    c.client.quit();
    expect_server_done(server);
    c.watch.expect_no_secret(secret);
}

// The impostor ignores the cancel and says 235: still not verified, and the
// session is over (it may belong to anyone).
TEST(AuthEdge, ScramWrongServerSignatureFailsEvenWhenTheServerSays235) {
    ScriptServer server(Script::esmtp({"AUTH SCRAM-SHA-256"})
                            .answer("AUTH SCRAM-SHA-256 ", scram_server_first)
                            .expect("")
                            .send(forged_final)
                            .expect("*")
                            .send("235 2.7.0 welcome anyway\r\n"));
    WatchedClient c;
    c.client.connect("127.0.0.1", server.port(), esmtp_options());
    EXPECT_EQ(c.authenticate(AuthMechanism::scram_sha_256), error::sasl_server_not_verified);
    std::error_code ec;
    c.client.send(envelope_to({"rcpt@example.com"}), message(), ec);
    EXPECT_TRUE(ec) << "no mail may go to an unverified server";
    ASSERT_TRUE(server.wait_done());
    EXPECT_FALSE(server.saw("MAIL"));
    c.watch.expect_no_secret(secret);
}

// No server-final at all: 235 straight after the client's proof.
TEST(AuthEdge, ScramWithoutServerSignatureFailsDespite235) {
    ScriptServer server(Script::esmtp({"AUTH SCRAM-SHA-1"})
                            .answer("AUTH SCRAM-SHA-1 ", scram_server_first)
                            .expect("")
                            .send("235 2.7.0 ok\r\n"));
    WatchedClient c;
    c.client.connect("127.0.0.1", server.port(), esmtp_options());
    EXPECT_EQ(c.authenticate(AuthMechanism::scram_sha_1), error::sasl_server_not_verified);
    std::error_code ec;
    c.client.send(envelope_to({"rcpt@example.com"}), message(), ec);
    EXPECT_TRUE(ec);
    ASSERT_TRUE(server.wait_done());
    EXPECT_FALSE(server.saw("MAIL"));
    c.watch.expect_no_secret(secret);
}

// --- TLS and AUTH ----------------------------------------------------------

// A man in the middle could add AUTH to the plaintext EHLO; only what the
// server says inside TLS counts.
TEST(AuthEdge, AuthOfferedOnlyBeforeTlsIsNotOffered) {
    for (const AuthMechanism m : {AuthMechanism::plain, AuthMechanism::automatic}) {
        SCOPED_TRACE(to_string(m));
        ScriptServer server(Script::esmtp({"STARTTLS", "AUTH PLAIN LOGIN"})
                                .accept_starttls(server_tls(test_certificates().good))
                                .ehlo({"8BITMIME"})
                                .expect("QUIT")
                                .send("221 bye\r\n"));
        WatchedClient c;
        c.client.connect("localhost", server.port(), starttls_options());
        ASSERT_TRUE(c.client.security_info().active);
        EXPECT_EQ(c.authenticate(m), error::auth_mechanism_not_offered);
        c.client.quit();
        expect_server_done(server);
        EXPECT_EQ(auth_commands(server), 0u) << "no AUTH byte may be written";
        c.watch.expect_no_secret(secret);
    }
}

// TLS was required and could not be had: connect fails, and authenticate
// afterwards writes nothing, whatever the plaintext EHLO offered.
TEST(AuthEdge, AuthNeverSentWhenRequiredTlsIsNotUp) {
    struct Case {
        const char* name;
        Script script;
    };
    std::vector<Case> cases;
    cases.push_back({"stripped", Script::esmtp({"AUTH PLAIN LOGIN"})});
    cases.push_back({"refused", Script::esmtp({"STARTTLS", "AUTH PLAIN"})
                                    .expect("STARTTLS")
                                    .send("454 4.7.0 TLS not available\r\n")});
    cases.push_back(
        {"untrusted", Script::esmtp({"STARTTLS", "AUTH PLAIN"})
                          .accept_starttls(server_tls(test_certificates().unknown_ca))});
    for (auto& test_case : cases) {
        SCOPED_TRACE(test_case.name);
        ScriptServer server(std::move(test_case.script));
        WatchedClient c;
        ConnectOptions options = starttls_options();
        options.allow_insecure_auth = true;  // must not open a way around TLS
        std::error_code ec;
        c.client.connect("localhost", server.port(), options, ec);
        EXPECT_TRUE(ec);
        c.watch.add_error("connect", ec);
        for (const AuthMechanism m : {AuthMechanism::plain, AuthMechanism::automatic}) {
            EXPECT_TRUE(c.authenticate(m));
        }
        ASSERT_TRUE(server.wait_done());
        EXPECT_EQ(auth_commands(server), 0u);
        EXPECT_EQ(server.received().find(base64_encode(std::string("\0tim\0") + secret)),
                  std::string::npos);
        c.watch.expect_no_secret(secret);
    }
}

}  // namespace
}  // namespace smtpkit::test
