// Client::authenticate against a scripted server: the mechanism choice, the
// clear-text policy, the refusal errors, and that no secret ever shows in a
// trace or an error message.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "scripted/client_fixture.hpp"

namespace smtpkit::test {
namespace {

constexpr const char* user = "tim";
constexpr const char* secret = "Sup3r-s3cret";

// Every trace line of one client, for the secret grep.
struct TraceLog {
    std::vector<std::string> lines;
    TraceHandler handler() {
        return [this](TraceDirection, std::string_view line) { lines.emplace_back(line); };
    }
    void expect_no_secret() const {
        for (const auto& l : lines) {
            EXPECT_EQ(l.find(secret), std::string::npos) << l;
            // base64 of "\0tim\0Sup3r-s3cret" and of the secret alone
            EXPECT_EQ(l.find("AHRpbQBTdXAzci1zM2NyZXQ="), std::string::npos) << l;
            EXPECT_EQ(l.find("U3VwM3ItczNjcmV0"), std::string::npos) << l;
        }
    }
};

ConnectOptions insecure_ok() {
    ConnectOptions o = esmtp_options();
    o.allow_insecure_auth = true;
    return o;
}

TEST(Authenticate, PlainOverPlaintextIsRefusedWithoutSendingAuth) {
    ScriptServer server(Script::esmtp({"AUTH PLAIN LOGIN"}).expect("QUIT").send("221 bye\r\n"));
    Client client;
    client.connect("127.0.0.1", server.port(), esmtp_options());
    std::error_code ec;
    client.authenticate(user, secret, AuthMechanism::automatic, ec);
    EXPECT_EQ(ec, error::auth_insecure);
    client.authenticate(user, secret, AuthMechanism::plain, ec);
    EXPECT_EQ(ec, error::auth_insecure);
    EXPECT_EQ(std::string(ec.message()).find(secret), std::string::npos);
    client.quit();
    for (const auto& line : server.lines()) {
        EXPECT_NE(line.rfind("AUTH", 0), 0u) << "AUTH must not be sent: " << line;
    }
}

TEST(Authenticate, AllowedExplicitlyPlainLogsInAndIsRedacted) {
    ScriptServer server(Script::esmtp({"AUTH LOGIN PLAIN"})
                            .expect("AUTH PLAIN AHRpbQBTdXAzci1zM2NyZXQ=")
                            .send("235 2.7.0 ok\r\n")
                            .expect("QUIT")
                            .send("221 bye\r\n"));
    Client client;
    TraceLog trace;
    client.set_trace(trace.handler());
    client.connect("127.0.0.1", server.port(), insecure_ok());
    client.authenticate(user, secret, AuthMechanism::plain);
    client.quit();
    trace.expect_no_secret();
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
            .expect("QUIT")
            .send("221 bye\r\n"));
    Client client;
    client.connect("127.0.0.1", server.port(), esmtp_options());
    client.authenticate(user, "tanstaaftanstaaf");
    client.quit();
    const auto lines = server.lines();
    ASSERT_GE(lines.size(), 4u);
    // "tim b913a602c7eda7a495b4e6e7334d3890" in base64 (RFC 2195's answer).
    EXPECT_EQ(lines[2], "dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw");
}

TEST(Authenticate, NamedMechanismNotOfferedIsInvalidAuthenticationType) {
    ScriptServer server(Script::esmtp({"AUTH LOGIN"}).expect("QUIT").send("221 bye\r\n"));
    Client client;
    client.connect("127.0.0.1", server.port(), insecure_ok());
    std::error_code ec;
    client.authenticate(user, secret, AuthMechanism::scram_sha_256, ec);
    EXPECT_EQ(ec, error::auth_mechanism_not_offered);
    EXPECT_NE(ec.message().find("invalid authentication type"), std::string::npos);
    client.quit();
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
    TraceLog trace;
    client.set_trace(trace.handler());
    client.connect("127.0.0.1", server.port(), insecure_ok());
    try {
        client.authenticate(user, secret, AuthMechanism::plain);
        ADD_FAILURE() << "authenticate() should have thrown";
    } catch (const smtpkit::system_error& e) {
        EXPECT_EQ(e.code(), error::auth_credentials_invalid);
        EXPECT_EQ(std::string(e.what()).find(secret), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("535"), std::string::npos) << e.what();
    }
    EXPECT_EQ(client.last_reply().code, 535);
    EXPECT_EQ(client.noop().code, 250);
    client.quit();
    trace.expect_no_secret();
}

}  // namespace
}  // namespace smtpkit::test
