// XOAUTH2, OAUTHBEARER and EXTERNAL against a real aiosmtpd whose handler
// implements them (tests/integration/aiosmtpd_server.py): the bearer
// mechanisms log in with the right token and deliver as that user; a wrong
// token gets the mechanism's JSON error challenge, which the client answers
// as the mechanism says, then 535 (auth_credentials_invalid); the automatic
// token choice takes OAUTHBEARER over XOAUTH2; EXTERNAL logs in with the
// client certificate the server maps to the account and is refused without
// one or with one naming someone else. Also `smtpkit send --oauth-token-file`
// end to end. No token shows in any trace, error or CLI output.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <nlohmann/json.hpp>
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

constexpr const char* kUser = "oauth-user@example.com";
constexpr const char* kToken = "ya29.Bearer-T0ken_value";
constexpr const char* kWrongToken = "ya29.Bearer-T0ken_wrong";

// The name the server's account for EXTERNAL carries: the client
// certificate's subject CN, or someone else's.
const std::string& client_cn() {
    return test_certificates().client_common_name;
}

AiosmtpdOptions server_options(std::string external_user = client_cn()) {
    AiosmtpdOptions options;
    options.tls = AiosmtpdTls::starttls;
    options.chain_file = test_certificates().good.chain;
    options.key_file = test_certificates().good.key;
    options.oauth = AiosmtpdOAuth{kUser, kToken};
    options.external = AiosmtpdExternal{std::move(external_user), test_certificates().ca_file};
    return options;
}

ConnectOptions client_options() {
    ConnectOptions options;
    options.security = Security::starttls;
    options.timeout = std::chrono::seconds(20);
    options.helo_name = "client.smtpkit.test";
    options.tls.ca_file = test_certificates().ca_file;
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
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    EXPECT_TRUE(server.messages().empty()) << server.stderr_text();
}

// ---- XOAUTH2 and OAUTHBEARER ------------------------------------------------

class AuthBearer : public ::testing::TestWithParam<AuthMechanism> {};

TEST_P(AuthBearer, RightTokenLogsInAndDeliversAsTheUser) {
    const std::string mechanism = to_string(GetParam());
    AiosmtpdServer server(server_options());
    TraceRecorder trace(kUser);
    Client client;
    client.set_trace(trace.handler());
    client.connect("localhost", server.port(), client_options());
    ASSERT_TRUE(client.security_info().active);
    client.authenticate(kUser, kToken, GetParam());
    EXPECT_EQ(client.last_reply().code, 235) << client.last_reply().summary();
    const SendResult result = client.send(kEnvelope, MessageSource::from_string(kMessage));
    EXPECT_TRUE(result.delivered()) << result.final_reply.summary();
    client.quit();

    const ReceivedMessage stored = server.wait_for_message();
    EXPECT_EQ(stored.auth_login, kUser);
    EXPECT_EQ(stored.content, kMessage);
    const std::vector<std::string> expected = {"AUTH " + mechanism,
                                               mechanism + " " + kUser + " ok"};
    EXPECT_EQ(server.auth_log(), expected);
    // One AUTH line with the initial response, no continuation.
    EXPECT_TRUE(trace.has("C: AUTH " + mechanism + " <redacted>")) << trace.dump();
    trace.expect_no_credentials(kToken);
}

// The server sends its JSON error as a 334 challenge; it says 535 only once
// the client has answered as the mechanism wants (an empty line for
// XOAUTH2, a lone ^A for OAUTHBEARER; anything else gets a 501 and would
// show here as auth_failed).
TEST_P(AuthBearer, WrongTokenIsRefusedAfterTheErrorChallenge) {
    const std::string mechanism = to_string(GetParam());
    AiosmtpdServer server(server_options());
    TraceRecorder trace(kUser);
    Client client;
    client.set_trace(trace.handler());
    client.connect("localhost", server.port(), client_options());
    std::error_code ec;
    client.authenticate(kUser, kWrongToken, GetParam(), ec);
    trace.add(client, ec);
    EXPECT_EQ(ec, error::auth_credentials_invalid) << ec.message() << "\n" << trace.dump();
    EXPECT_EQ(client.last_reply().code, 535) << client.last_reply().summary();
    EXPECT_TRUE(trace.has("S: 334 ")) << trace.dump();
    // The server's JSON status (why the token failed) reaches the caller.
    EXPECT_THAT(client.last_error_detail(), ::testing::HasSubstr("\"status\""))
        << client.last_error_detail();

    // The session goes on, not logged in.
    ASSERT_TRUE(client.connected());
    EXPECT_EQ(client.noop().code, 250);
    client.quit();
    expect_nothing_stored(server);
    const std::vector<std::string> expected = {"AUTH " + mechanism,
                                               mechanism + " " + kUser + " refused"};
    EXPECT_EQ(server.auth_log(), expected);
    trace.expect_no_credentials(kWrongToken);
    trace.expect_no_credentials(kToken);
}

// The right token for another account is refused the same way.
TEST_P(AuthBearer, RightTokenForAnotherUserIsRefused) {
    const std::string mechanism = to_string(GetParam());
    AiosmtpdServer server(server_options());
    TraceRecorder trace("intruder@example.com");
    Client client;
    client.set_trace(trace.handler());
    client.connect("localhost", server.port(), client_options());
    std::error_code ec;
    client.authenticate("intruder@example.com", kToken, GetParam(), ec);
    trace.add(client, ec);
    EXPECT_EQ(ec, error::auth_credentials_invalid) << ec.message();
    client.quit();
    const std::vector<std::string> expected = {"AUTH " + mechanism,
                                               mechanism + " intruder@example.com refused"};
    EXPECT_EQ(server.auth_log(), expected);
    trace.expect_no_credentials(kToken);
}

INSTANTIATE_TEST_SUITE_P(Mechanisms, AuthBearer,
                         ::testing::Values(AuthMechanism::xoauth2, AuthMechanism::oauthbearer),
                         [](const auto& info) { return std::string(to_string(info.param)); });

TEST(AuthBearerChoice, AutomaticTokenPicksOauthbearerOverXoauth2) {
    AiosmtpdServer server(server_options());
    TraceRecorder trace(kUser);
    Client client;
    client.set_trace(trace.handler());
    client.connect("localhost", server.port(), client_options());
    ASSERT_TRUE(client.capabilities().supports_auth("XOAUTH2"));
    ASSERT_TRUE(client.capabilities().supports_auth("OAUTHBEARER"));
    client.authenticate(kUser, kToken, AuthMechanism::automatic_token);
    client.quit();
    EXPECT_TRUE(trace.has("I: authenticating with OAUTHBEARER")) << trace.dump();
    EXPECT_EQ(server.auth_log(),
              (std::vector<std::string>{"AUTH OAUTHBEARER",
                                        std::string("OAUTHBEARER ") + kUser + " ok"}));
    trace.expect_no_credentials(kToken);
}

// ---- EXTERNAL ----------------------------------------------------------------

ConnectOptions with_client_certificate() {
    ConnectOptions options = client_options();
    // The encrypted key: its password must not show either.
    options.tls.cert_file = test_certificates().client_encrypted.cert;
    options.tls.key_file = test_certificates().client_encrypted.key;
    options.tls.key_password = test_certificates().client_key_password;
    return options;
}

TEST(AuthExternal, ClientCertificateLogsInAndDeliversAsItsName) {
    AiosmtpdServer server(server_options());
    TraceRecorder trace("unused-user");
    Client client;
    client.set_trace(trace.handler());
    client.connect("localhost", server.port(), with_client_certificate());
    ASSERT_TRUE(client.capabilities().supports_auth("EXTERNAL"));
    client.authenticate("", "", AuthMechanism::external);
    EXPECT_EQ(client.last_reply().code, 235) << client.last_reply().summary();
    EXPECT_TRUE(client.send(kEnvelope, MessageSource::from_string(kMessage)).delivered());
    client.quit();

    EXPECT_EQ(server.wait_for_message().auth_login, client_cn());
    EXPECT_EQ(server.auth_log(),
              (std::vector<std::string>{"AUTH EXTERNAL", "EXTERNAL " + client_cn() + " ok"}));
    trace.expect_no_credentials(test_certificates().client_key_password);
}

TEST(AuthExternal, WithoutCertificateIsRefused) {
    AiosmtpdServer server(server_options());
    TraceRecorder trace("unused-user");
    Client client;
    client.set_trace(trace.handler());
    client.connect("localhost", server.port(), client_options());
    std::error_code ec;
    client.authenticate("", "", AuthMechanism::external, ec);
    trace.add(client, ec);
    EXPECT_EQ(ec, error::auth_credentials_invalid) << ec.message() << "\n" << trace.dump();
    EXPECT_EQ(client.last_reply().code, 535) << client.last_reply().summary();
    EXPECT_EQ(client.noop().code, 250);
    client.quit();
    EXPECT_EQ(server.auth_log(), (std::vector<std::string>{"AUTH EXTERNAL", "EXTERNAL - refused"}));
}

// The server's account is someone else's: a valid certificate of the test
// CA that names another subject does not get in.
TEST(AuthExternal, CertificateForAnotherNameIsRefused) {
    AiosmtpdServer server(server_options("someone else"));
    TraceRecorder trace("unused-user");
    Client client;
    client.set_trace(trace.handler());
    client.connect("localhost", server.port(), with_client_certificate());
    std::error_code ec;
    client.authenticate("", "", AuthMechanism::external, ec);
    trace.add(client, ec);
    EXPECT_EQ(ec, error::auth_credentials_invalid) << ec.message();
    EXPECT_EQ(client.last_reply().code, 535) << client.last_reply().summary();
    client.quit();
    expect_nothing_stored(server);
    EXPECT_EQ(server.auth_log(),
              (std::vector<std::string>{"AUTH EXTERNAL", "EXTERNAL " + client_cn() + " refused"}));
    trace.expect_no_credentials(test_certificates().client_key_password);
}

// ---- the CLI -----------------------------------------------------------------

TEST(CliAuthBearer, OauthTokenFileLogsInWithOauthbearerAndDelivers) {
    AiosmtpdServer server(server_options());
    const std::filesystem::path token_file = server.directory() / "cli-token";
    write_file(token_file, std::string(kToken) + "\n");
    chmod(token_file.c_str(), 0600);
    const std::vector<std::string> args = {SMTPKIT_CLI_PATH,
                                           "send",
                                           "--server",
                                           "localhost",
                                           "--port",
                                           std::to_string(server.port()),
                                           "--tls",
                                           "starttls",
                                           "--cafile",
                                           test_certificates().ca_file,
                                           "--user",
                                           kUser,
                                           "--oauth-token-file",
                                           token_file.string(),
                                           "--from",
                                           "sender@localhost",
                                           "--to",
                                           "rcpt@example.com",
                                           "--subject",
                                           "CLI token test",
                                           "--text",
                                           "Sent by the smtpkit CLI after OAUTHBEARER.",
                                           "--trace",
                                           "--json"};
    const CommandOutput r = run_capture(args, std::chrono::seconds(60));
    const std::string described = "exit " + std::to_string(r.exit_code) + "\n--- stdout ---\n" +
                                  r.out + "\n--- stderr ---\n" + r.err;
    ASSERT_EQ(r.exit_code, 0) << described;
    EXPECT_NE(r.err.find("AUTH OAUTHBEARER <redacted>"), std::string::npos) << described;
    const nlohmann::json doc = nlohmann::json::parse(r.out, nullptr, false);
    ASSERT_FALSE(doc.is_discarded()) << described;
    EXPECT_EQ(doc["auth"]["mechanism"], "OAUTHBEARER") << doc.dump(2);
    EXPECT_EQ(doc["auth"]["result"], "ok") << doc.dump(2);

    const ReceivedMessage stored = server.wait_for_message();
    EXPECT_EQ(stored.auth_login, kUser);
    EXPECT_NE(stored.content.find("Sent by the smtpkit CLI after OAUTHBEARER."), std::string::npos)
        << stored.content;
    EXPECT_EQ(server.auth_log(),
              (std::vector<std::string>{"AUTH OAUTHBEARER",
                                        std::string("OAUTHBEARER ") + kUser + " ok"}));
    TraceRecorder texts(kUser);
    texts.add("stdout: " + r.out);
    texts.add("stderr: " + r.err);
    texts.expect_no_credentials(kToken);
}

}  // namespace
}  // namespace smtpkit::test
