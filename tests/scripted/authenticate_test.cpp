// Client::authenticate against a scripted server: the mechanism choice, the
// clear-text policy, the refusal errors, and that no secret ever shows in a
// trace or an error message.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "scripted/client_fixture.hpp"
#include "support/secret_watch.hpp"

namespace smtpkit::test {
namespace {

using ::testing::Contains;

constexpr const char* user = "tim";
constexpr const char* secret = "Sup3r-s3cret";

ConnectOptions insecure_ok() {
    ConnectOptions o = esmtp_options();
    o.allow_insecure_auth = true;
    return o;
}

TEST(Authenticate, PlainOverPlaintextIsRefusedWithoutSendingAuth) {
    ScriptServer server(Script::esmtp({"AUTH PLAIN LOGIN"}).expect("QUIT").send("221 bye\r\n"));
    Client client;
    SecretWatch watch(user);
    client.set_trace(watch.trace_handler());
    client.connect("127.0.0.1", server.port(), esmtp_options());
    std::error_code ec;
    client.authenticate(user, secret, AuthMechanism::automatic, ec);
    EXPECT_EQ(ec, error::auth_insecure);
    watch.add_client("automatic", client);
    client.authenticate(user, secret, AuthMechanism::plain, ec);
    EXPECT_EQ(ec, error::auth_insecure);
    watch.add_client("plain", client);
    client.quit();
    watch.expect_no_secret(secret);
    for (const auto& line : server.lines()) {
        EXPECT_NE(line.rfind("AUTH", 0), 0u) << "AUTH must not be sent: " << line;
    }
}

TEST(Authenticate, AllowedExplicitlyPlainLogsInAndIsRedacted) {
    ScriptServer server(Script::esmtp({"AUTH LOGIN PLAIN"})
                            .expect("AUTH PLAIN AHRpbQBTdXAzci1zM2NyZXQ=")
                            .send("235 2.7.0 ok\r\n")
                            .ehlo({"AUTH LOGIN PLAIN"})
                            .expect("QUIT")
                            .send("221 bye\r\n"));
    Client client;
    SecretWatch watch(user);
    client.set_trace(watch.trace_handler());
    client.connect("127.0.0.1", server.port(), insecure_ok());
    client.authenticate(user, secret, AuthMechanism::plain);
    watch.add_client("after AUTH", client);
    client.quit();
    EXPECT_THAT(watch.texts(), Contains("trace C: AUTH PLAIN <redacted>"));
    watch.expect_no_secret(secret);
    EXPECT_TRUE(no_mismatches(server.mismatches()));
}

TEST(Authenticate, AutomaticPrefersCramMd5OverPlainAndLogin) {
    // <1896.697170952@postoffice.reston.mci.net> from RFC 2195, base64.
    ScriptServer server(
        Script::esmtp({"AUTH LOGIN PLAIN CRAM-MD5"})
            .expect("AUTH CRAM-MD5")
            .send("334 PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+\r\n")
            .expect("")
            .send("235 ok\r\n")
            .ehlo({"AUTH LOGIN PLAIN CRAM-MD5"})
            .expect("QUIT")
            .send("221 bye\r\n"));
    Client client;
    SecretWatch watch(user);
    client.set_trace(watch.trace_handler());
    client.connect("127.0.0.1", server.port(), esmtp_options());
    client.authenticate(user, "tanstaaftanstaaf");
    client.quit();
    watch.expect_no_secret("tanstaaftanstaaf");
    const auto lines = server.lines();
    ASSERT_GE(lines.size(), 4u);
    // "tim b913a602c7eda7a495b4e6e7334d3890" in base64 (RFC 2195's answer).
    EXPECT_EQ(lines[2], "dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw");
}

TEST(Authenticate, NamedMechanismNotOfferedIsInvalidAuthenticationType) {
    ScriptServer server(Script::esmtp({"AUTH LOGIN"}).expect("QUIT").send("221 bye\r\n"));
    Client client;
    SecretWatch watch(user);
    client.set_trace(watch.trace_handler());
    client.connect("127.0.0.1", server.port(), insecure_ok());
    std::error_code ec;
    client.authenticate(user, secret, AuthMechanism::scram_sha_256, ec);
    EXPECT_EQ(ec, error::auth_mechanism_not_offered);
    EXPECT_NE(ec.message().find("invalid authentication type"), std::string::npos);
    watch.add_client("not offered", client);
    client.quit();
    watch.expect_no_secret(secret);
}

TEST(Authenticate, WrongPasswordIsCredentialsInvalidAndTheSessionGoesOn) {
    ScriptServer server(Script::esmtp({"AUTH PLAIN"})
                            .expect("AUTH PLAIN")
                            .send("535 5.7.8 Error: authentication failed\r\n")
                            .expect("NOOP")
                            .send("250 ok\r\n")
                            .expect("QUIT")
                            .send("221 bye\r\n"));
    Client client;
    SecretWatch watch(user);
    client.set_trace(watch.trace_handler());
    client.connect("127.0.0.1", server.port(), insecure_ok());
    try {
        client.authenticate(user, secret, AuthMechanism::plain);
        ADD_FAILURE() << "authenticate() should have thrown";
    } catch (const smtpkit::system_error& e) {
        EXPECT_EQ(e.code(), error::auth_credentials_invalid);
        EXPECT_NE(std::string(e.what()).find("535"), std::string::npos) << e.what();
        watch.add_exception("what()", e);
    }
    watch.add_client("after 535", client);
    EXPECT_EQ(client.last_reply().code, 535);
    EXPECT_EQ(client.noop().code, 250);
    client.quit();
    watch.expect_no_secret(secret);
}

// Dovecot's submission server offers DSN (and SIZE, BINARYMIME) only to a
// logged-in client: the EHLO asked again after AUTH finds it, and the
// message's DSN request goes out instead of being dropped.
TEST(Authenticate, ExtensionsOfferedOnlyAfterLoginAreUsed) {
    ScriptServer server(Script::esmtp({"AUTH PLAIN", "PIPELINING"})
                            .expect("AUTH PLAIN ")
                            .send("235 2.7.0 ok\r\n")
                            .ehlo({"AUTH PLAIN", "PIPELINING", "DSN"})
                            .expect("MAIL FROM:<a@example.com> RET=HDRS")
                            .expect("RCPT TO:<b@example.com> NOTIFY=FAILURE")
                            .expect("DATA")
                            .send("250 2.1.0 ok\r\n250 2.1.5 ok\r\n354 go\r\n")
                            .expect_data()
                            .send("250 2.0.0 queued\r\n")
                            .quit());
    Client client;
    client.connect("127.0.0.1", server.port(), insecure_ok());
    EXPECT_FALSE(client.capabilities().dsn());
    client.authenticate(user, secret, AuthMechanism::plain);
    EXPECT_TRUE(client.capabilities().dsn());
    EXPECT_EQ(client.last_reply().code, 235) << "last_reply() is the AUTH's answer";
    ASSERT_TRUE(client.opening().before_tls) << "the opening EHLO is kept";
    EXPECT_FALSE(client.opening().before_tls->capabilities().dsn());
    Envelope env;
    env.from = "a@example.com";
    Recipient to("b@example.com");
    to.notify = DsnNotify::failure;
    env.to = {to};
    env.dsn.ret = DsnReturn::headers;
    env.dsn.required = true;
    const SendResult r = client.send(env, MessageSource::from_string("Subject: x\r\n\r\nhi\r\n"));
    EXPECT_EQ(r.verdict, Verdict::delivered);
    EXPECT_TRUE(r.dropped.empty());
    client.quit();
    ASSERT_TRUE(server.wait_done());
    EXPECT_TRUE(server.mismatches().empty()) << ::testing::PrintToString(server.mismatches());
}

}  // namespace
}  // namespace smtpkit::test
