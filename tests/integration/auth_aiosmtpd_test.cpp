// Client::authenticate against a real aiosmtpd whose authenticator checks
// one user name and password: PLAIN and LOGIN over STARTTLS log in and the
// message is stored as sent by that user; a wrong password is refused and
// nothing is stored; in plaintext the client never puts AUTH on the wire.
// The server notes every AUTH command it receives (AiosmtpdServer::auth_log).
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "integration/auth_real_support.hpp"
#include "smtpkit/client.hpp"
#include "support/aiosmtpd_server.hpp"
#include "support/server_process.hpp"
#include "support/test_certs.hpp"

namespace smtpkit::test {
namespace {

constexpr const char* kUser = "smtp-user";
constexpr const char* kPassword = "Very-s3cret!";
constexpr const char* kWrongPassword = "Very-s3cret?";

AiosmtpdOptions auth_server(AiosmtpdTls tls, bool allow_plaintext = false) {
    AiosmtpdOptions options;
    options.tls = tls;
    options.chain_file = test_certificates().good.chain;
    options.key_file = test_certificates().good.key;
    // MAIL needs a successful AUTH: a refused login cannot send anyway.
    options.auth = AiosmtpdAuth{kUser, kPassword, allow_plaintext, true};
    return options;
}

ConnectOptions client_options(Security security) {
    ConnectOptions options;
    options.security = security;
    options.timeout = std::chrono::seconds(20);
    options.helo_name = "client.smtpkit.test";
    if (security != Security::plaintext) {
        options.tls.ca_file = test_certificates().ca_file;
    }
    return options;
}

const std::string kMessage =
    "From: Mailer <mailer@localhost>\r\n"
    "To: rcpt@example.com\r\n"
    "Subject: smtpkit authenticated to aiosmtpd\r\n"
    "\r\n"
    "Sent after AUTH.\r\n";

const Envelope kEnvelope{"mailer@localhost", {"rcpt@example.com"}};

void expect_nothing_stored(const AiosmtpdServer& server) {
    // A stored message appears within milliseconds of the end of data.
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    EXPECT_TRUE(server.messages().empty()) << server.stderr_text();
}

class AuthAiosmtpd : public ::testing::TestWithParam<AuthMechanism> {};

TEST_P(AuthAiosmtpd, LogsInOverStartTlsAndDelivers) {
    const std::string mechanism = to_string(GetParam());
    AiosmtpdServer server(auth_server(AiosmtpdTls::starttls));
    TraceRecorder trace(kUser);
    Client client;
    client.set_trace(trace.handler());
    client.connect("localhost", server.port(), client_options(Security::starttls));
    ASSERT_TRUE(client.security_info().active);
    client.authenticate(kUser, kPassword, GetParam());
    EXPECT_EQ(client.last_reply().code, 235) << client.last_reply().summary();
    const SendResult result = client.send(kEnvelope, MessageSource::from_string(kMessage));
    EXPECT_TRUE(result.delivered()) << result.final_reply.summary();
    client.quit();

    const ReceivedMessage stored = server.wait_for_message();
    EXPECT_EQ(stored.auth_login, kUser);
    EXPECT_EQ(stored.tls_version, "TLSv1.3");
    EXPECT_EQ(stored.content, kMessage);
    const std::vector<std::string> expected = {"AUTH " + mechanism,
                                               mechanism + " " + kUser + " ok"};
    EXPECT_EQ(server.auth_log(), expected);
    trace.expect_no_credentials(kPassword);
}

TEST_P(AuthAiosmtpd, WrongPasswordIsRefusedAndNothingIsSent) {
    const std::string mechanism = to_string(GetParam());
    AiosmtpdServer server(auth_server(AiosmtpdTls::starttls));
    TraceRecorder trace(kUser);
    Client client;
    client.set_trace(trace.handler());
    client.connect("localhost", server.port(), client_options(Security::starttls));
    std::error_code ec;
    client.authenticate(kUser, kWrongPassword, GetParam(), ec);
    trace.add(client, ec);
    EXPECT_EQ(ec, error::auth_credentials_invalid) << ec.message();
    EXPECT_EQ(client.last_reply().code, 535) << client.last_reply().summary();

    // The session goes on, unauthenticated: aiosmtpd wants AUTH first.
    ASSERT_TRUE(client.connected());
    EXPECT_EQ(client.noop().code, 250);
    const SendResult result = client.send(kEnvelope, MessageSource::from_string(kMessage), ec);
    trace.add(client, ec);
    EXPECT_TRUE(ec) << "MAIL without AUTH must fail";
    EXPECT_FALSE(result.delivered());
    EXPECT_EQ(client.last_reply().code, 530) << client.last_reply().summary();
    client.quit();

    expect_nothing_stored(server);
    const std::vector<std::string> expected = {"AUTH " + mechanism,
                                               mechanism + " " + kUser + " refused"};
    EXPECT_EQ(server.auth_log(), expected);
    trace.expect_no_credentials(kWrongPassword);
}

INSTANTIATE_TEST_SUITE_P(Mechanisms, AuthAiosmtpd,
                         ::testing::Values(AuthMechanism::plain, AuthMechanism::login),
                         [](const auto& info) { return std::string(to_string(info.param)); });

TEST(AuthAiosmtpdChoice, AutomaticPicksPlainOverLogin) {
    AiosmtpdServer server(auth_server(AiosmtpdTls::starttls));
    TraceRecorder trace(kUser);
    Client client;
    client.set_trace(trace.handler());
    client.connect("localhost", server.port(), client_options(Security::starttls));
    EXPECT_TRUE(client.capabilities().supports_auth("LOGIN"));
    client.authenticate(kUser, kPassword);
    client.quit();
    EXPECT_TRUE(trace.has("I: authenticating with PLAIN")) << trace.dump();
    EXPECT_EQ(server.auth_log(), (std::vector<std::string>{"AUTH PLAIN", "PLAIN smtp-user ok"}));
    trace.expect_no_credentials(kPassword);
}

// aiosmtpd by default offers AUTH only after STARTTLS, and refuses it before
// ("538 5.7.11 Encryption required"): a client that stays in plaintext finds
// no mechanism to use and sends nothing.
TEST(AuthAiosmtpdPlaintext, NoAuthBeforeStartTls) {
    AiosmtpdServer server(auth_server(AiosmtpdTls::starttls));
    {
        // What the server does with an AUTH before TLS.
        SmtpLineConnection raw(server.port());
        raw.read_reply();
        raw.send_line("EHLO raw.smtpkit.test");
        const std::string ehlo = raw.read_reply();
        EXPECT_EQ(ehlo.find("AUTH"), std::string::npos) << ehlo;
        raw.send_line("AUTH PLAIN");
        EXPECT_EQ(SmtpLineConnection::reply_code(raw.read_reply()), 538);
    }
    TraceRecorder trace(kUser);
    Client client;
    client.set_trace(trace.handler());
    ConnectOptions options = client_options(Security::plaintext);
    options.allow_insecure_auth = true;  // even so: nothing is offered
    client.connect("127.0.0.1", server.port(), options);
    ASSERT_FALSE(client.security_info().active);
    for (AuthMechanism m : {AuthMechanism::automatic, AuthMechanism::plain, AuthMechanism::login}) {
        std::error_code ec;
        client.authenticate(kUser, kPassword, m, ec);
        trace.add(client, ec);
        EXPECT_EQ(ec, error::auth_mechanism_not_offered) << to_string(m);
    }
    client.quit();
    EXPECT_FALSE(trace.has("C: AUTH")) << trace.dump();
    // The raw session's AUTH is the only one the server received.
    EXPECT_EQ(server.auth_log(), std::vector<std::string>{"AUTH PLAIN"});
    trace.expect_no_credentials(kPassword);
}

// A server that offers PLAIN and LOGIN in plaintext: the client refuses to
// use them (auth_insecure) and no AUTH reaches the server.
TEST(AuthAiosmtpdPlaintext, ClearTextMechanismsAreRefusedWithoutTls) {
    AiosmtpdServer server(auth_server(AiosmtpdTls::none, true));
    TraceRecorder trace(kUser);
    Client client;
    client.set_trace(trace.handler());
    client.connect("127.0.0.1", server.port(), client_options(Security::plaintext));
    EXPECT_TRUE(client.capabilities().supports_auth("PLAIN"));
    EXPECT_TRUE(client.capabilities().supports_auth("LOGIN"));
    for (AuthMechanism m : {AuthMechanism::automatic, AuthMechanism::plain, AuthMechanism::login}) {
        std::error_code ec;
        client.authenticate(kUser, kPassword, m, ec);
        trace.add(client, ec);
        EXPECT_EQ(ec, error::auth_insecure) << to_string(m);
    }
    // Still connected and usable; MAIL is refused for want of AUTH.
    EXPECT_EQ(client.noop().code, 250);
    client.quit();
    EXPECT_FALSE(trace.has("C: AUTH")) << trace.dump();
    EXPECT_TRUE(server.auth_log().empty());
    expect_nothing_stored(server);
    trace.expect_no_credentials(kPassword);
}

// The same server, with clear text explicitly allowed by the caller: the
// login works (the opt-out is real, not a dead switch).
TEST(AuthAiosmtpdPlaintext, ExplicitOptInLogsIn) {
    AiosmtpdServer server(auth_server(AiosmtpdTls::none, true));
    TraceRecorder trace(kUser);
    Client client;
    client.set_trace(trace.handler());
    ConnectOptions options = client_options(Security::plaintext);
    options.allow_insecure_auth = true;
    client.connect("127.0.0.1", server.port(), options);
    client.authenticate(kUser, kPassword, AuthMechanism::login);
    EXPECT_TRUE(client.send(kEnvelope, MessageSource::from_string(kMessage)).delivered());
    client.quit();
    const ReceivedMessage stored = server.wait_for_message();
    EXPECT_EQ(stored.auth_login, kUser);
    EXPECT_EQ(stored.tls_version, "");
    trace.expect_no_credentials(kPassword);
}

}  // namespace
}  // namespace smtpkit::test
