// Client::authenticate against a real implementation of every password
// mechanism: a private Postfix over STARTTLS with a private Dovecot as its
// SASL provider. Each mechanism logs in and the message goes out under the
// authenticated name (Postfix's log says which mechanism and user); a wrong
// password fails with auth_credentials_invalid and earns nothing; automatic
// picks SCRAM-SHA-256; no credential ever shows in the client's output.
//
// Starting Dovecot and Postfix costs about a second, so the tests of a suite
// share one pair and read only the part of Postfix's log written since they
// began.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "integration/auth_real_support.hpp"
#include "smtpkit/client.hpp"
#include "support/test_certs.hpp"

namespace smtpkit::test {
namespace {

constexpr const char* kUser = "testuser";
constexpr const char* kPassword = "s3cret-Pass";
constexpr const char* kWrongPassword = "s3cret-Pas";
// Non-ASCII, and already in the form SASLprep gives (NFKC, no spaces or
// controls to map): the same octets whether or not a side prepares it.
constexpr const char* kIntlUser = "j\xc3\xbcrgen";  // jürgen
constexpr const char* kIntlPassword =
    "Gr\xc3\xbc\xc3\x9f"
    "e-P\xc3\xa4ss";  // Grüße-Päss

// Stored as SASLprep leaves it (a plain space, a precomposed u-umlaut); the
// caller types a no-break space and a u followed by a combining diaeresis.
constexpr const char* kPrepUser = "prepuser";
constexpr const char* kPrepStored = "pass w\xc3\xbcrd";
constexpr const char* kPrepTyped = "pass\xc2\xa0wu\xcc\x88rd";

ConnectOptions starttls_options() {
    ConnectOptions options;
    options.security = Security::starttls;
    options.timeout = std::chrono::seconds(20);
    options.helo_name = "client.smtpkit.test";
    options.tls.ca_file = test_certificates().ca_file;
    return options;
}

std::string message(const std::string& id) {
    return "From: Sender <sender@localhost>\r\n"
           "To: root@localhost\r\n"
           "Subject: smtpkit authenticated\r\n"
           "Message-ID: <" +
           id +
           "@smtpkit.test>\r\n"
           "\r\n"
           "Sent after AUTH.\r\n";
}

std::string lower(std::string s) {
    for (auto& c : s) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return s;
}

class AuthDovecot : public ::testing::TestWithParam<AuthMechanism> {
  protected:
    static void SetUpTestSuite() {
        DovecotOptions users;
        users.users = {{kUser, kPassword}, {kIntlUser, kIntlPassword}, {kPrepUser, kPrepStored}};
        servers_ = std::make_unique<SaslPostfix>(std::move(users));
    }
    static void TearDownTestSuite() { servers_.reset(); }

    static const PostfixServer& postfix() { return servers_->postfix; }
    static const DovecotServer& dovecot() { return servers_->dovecot; }

    // Sends message(id) to root+<id>@localhost over `client`, expects it
    // delivered and logged as sent by `user` with `mechanism`. Returns the
    // stored message.
    static std::string send_and_check(Client& client, const std::string& id,
                                      const std::string& mechanism, const std::string& user) {
        const LogSince log(postfix());
        const SendResult result = client.send({"sender@localhost", {"root+" + id + "@localhost"}},
                                              MessageSource::from_string(message(id)));
        EXPECT_TRUE(result.delivered()) << result.final_reply.summary();
        const std::string queue_id = postfix_queue_id(result.final_reply);
        EXPECT_FALSE(queue_id.empty()) << result.final_reply.summary();
        const std::string client_line = queue_id +
                                        ": client=localhost[127.0.0.1], sasl_method=" + mechanism +
                                        ", sasl_username=" + user;
        std::string text = log.wait_for(client_line);
        EXPECT_NE(text.find(client_line), std::string::npos) << text;
        const std::string sent = queue_id + ": to=<root+" + id + "@localhost>";
        text = log.wait_for("status=sent (delivered to mailbox)");
        EXPECT_NE(text.find(sent), std::string::npos) << text;
        EXPECT_NE(text.find("status=sent (delivered to mailbox)"), std::string::npos) << text;
        for (const auto& stored : split_mbox(postfix().wait_for_mailbox("root"))) {
            if (stored.find("Message-ID: <" + id + "@smtpkit.test>") != std::string::npos) {
                return stored;
            }
        }
        ADD_FAILURE() << "no message " << id << " in root's mailbox";
        return {};
    }

    static inline std::unique_ptr<SaslPostfix> servers_;
};

TEST_F(AuthDovecot, FixtureOffersEveryPasswordMechanism) {
    const std::vector<std::string> expected = {"PLAIN", "LOGIN", "CRAM-MD5", "SCRAM-SHA-1",
                                               "SCRAM-SHA-256"};
    EXPECT_EQ(dovecot().mechanisms(), expected);
    EXPECT_TRUE(dovecot().accepts(kUser, kPassword));
    EXPECT_FALSE(dovecot().accepts(kUser, kWrongPassword));
    EXPECT_TRUE(dovecot().accepts(kIntlUser, kIntlPassword));
}

TEST_F(AuthDovecot, AuthIsOfferedOnlyAfterStartTls) {
    TraceRecorder trace(kUser);
    {
        Client plain;
        plain.set_trace(trace.handler());
        ConnectOptions options = starttls_options();
        options.security = Security::plaintext;
        options.tls = {};                    // no TLS settings on a plaintext session
        options.allow_insecure_auth = true;  // even so: nothing to choose from
        plain.connect("127.0.0.1", postfix().port(), options);
        EXPECT_TRUE(plain.capabilities().starttls());
        EXPECT_FALSE(plain.capabilities().supports_auth("PLAIN"));
        std::error_code ec;
        plain.authenticate(kUser, kPassword, AuthMechanism::automatic, ec);
        EXPECT_EQ(ec, error::auth_mechanism_not_offered);
        trace.add(plain, ec);
        plain.quit();
    }
    EXPECT_FALSE(trace.has("C: AUTH")) << trace.dump();

    Client client;
    client.set_trace(trace.handler());
    client.connect("localhost", postfix().port(), starttls_options());
    for (const char* mech : {"PLAIN", "LOGIN", "CRAM-MD5", "SCRAM-SHA-1", "SCRAM-SHA-256"}) {
        EXPECT_TRUE(client.capabilities().supports_auth(mech)) << mech;
    }
    client.quit();
    trace.expect_no_credentials(kPassword);
}

TEST_P(AuthDovecot, LogsInAndDelivers) {
    const std::string mechanism = to_string(GetParam());
    TraceRecorder trace(kUser);
    Client client;
    client.set_trace(trace.handler());
    client.connect("localhost", postfix().port(), starttls_options());
    client.authenticate(kUser, kPassword, GetParam());
    EXPECT_EQ(client.last_reply().code, 235) << client.last_reply().summary();
    EXPECT_TRUE(trace.has("C: AUTH " + mechanism)) << trace.dump();

    const std::string stored = send_and_check(client, lower(mechanism), mechanism, kUser);
    client.quit();
    // smtpd_sasl_authenticated_header: the stored message names the user.
    EXPECT_NE(stored.find("(Authenticated sender: testuser)"), std::string::npos) << stored;
    trace.expect_no_credentials(kPassword);
}

TEST_P(AuthDovecot, WrongPasswordIsRefusedAndNothingIsSent) {
    const std::string mechanism = to_string(GetParam());
    const LogSince log(postfix());
    TraceRecorder trace(kUser);
    Client client;
    client.set_trace(trace.handler());
    client.connect("localhost", postfix().port(), starttls_options());
    std::error_code ec;
    client.authenticate(kUser, kWrongPassword, GetParam(), ec);
    trace.add(client, ec);
    EXPECT_EQ(ec, error::auth_credentials_invalid) << ec.message();
    EXPECT_EQ(client.last_reply().code, 535) << client.last_reply().summary();
    ASSERT_TRUE(client.last_reply().enhanced.has_value());
    EXPECT_EQ(client.last_reply().enhanced->detail, 8);  // 5.7.8

    // The session goes on: a second try (the throwing form) is refused the
    // same way, and its exception carries the server's reply, no secret.
    ASSERT_TRUE(client.connected());
    try {
        client.authenticate(kUser, kWrongPassword, GetParam());
        ADD_FAILURE() << "a wrong password was accepted";
    } catch (const smtpkit::system_error& e) {
        trace.add(std::string("E: ") + e.what());
        EXPECT_EQ(e.code(), error::auth_credentials_invalid);
        EXPECT_NE(std::string(e.what()).find("535"), std::string::npos) << e.what();
    }
    // Unauthenticated, Postfix still refuses to relay.
    EXPECT_EQ(client.noop().code, 250);
    const SendResult result =
        client.send({"sender@localhost", {"someone@example.org"}},
                    MessageSource::from_string(message("refused-" + lower(mechanism))), ec);
    EXPECT_FALSE(result.delivered());
    ASSERT_EQ(result.recipients.size(), 1u);
    EXPECT_EQ(result.recipients[0].reply.code, 554) << result.recipients[0].reply.summary();
    client.quit();

    const std::string text = log.wait_for("auth=0/2");
    EXPECT_NE(text.find("SASL " + mechanism + " authentication failed"), std::string::npos) << text;
    EXPECT_NE(text.find("auth=0/2"), std::string::npos) << text;
    // (smtpd's warning names the user; a message would say who sent it)
    EXPECT_EQ(text.find("sasl_method="), std::string::npos) << text;
    EXPECT_EQ(text.find("status="), std::string::npos) << text;
    trace.expect_no_credentials(kWrongPassword);
}

INSTANTIATE_TEST_SUITE_P(Mechanisms, AuthDovecot,
                         ::testing::Values(AuthMechanism::plain, AuthMechanism::login,
                                           AuthMechanism::cram_md5, AuthMechanism::scram_sha_1,
                                           AuthMechanism::scram_sha_256),
                         [](const auto& info) {
                             std::string name = to_string(info.param);
                             std::erase(name, '-');
                             return name;
                         });

TEST_F(AuthDovecot, AutomaticPicksScramSha256) {
    TraceRecorder trace(kUser);
    Client client;
    client.set_trace(trace.handler());
    client.connect("localhost", postfix().port(), starttls_options());
    client.authenticate(kUser, kPassword);
    EXPECT_TRUE(trace.has("I: authenticating with SCRAM-SHA-256")) << trace.dump();
    EXPECT_TRUE(trace.has("C: AUTH SCRAM-SHA-256")) << trace.dump();
    send_and_check(client, "automatic", "SCRAM-SHA-256", kUser);
    client.quit();
    trace.expect_no_credentials(kPassword);
}

TEST_F(AuthDovecot, RelayingNeedsAuthentication) {
    const Envelope abroad{"sender@localhost", {"someone@example.org"}};
    Client client;
    client.connect("localhost", postfix().port(), starttls_options());
    const SendResult before = client.send(abroad, MessageSource::from_string(message("relay1")));
    EXPECT_FALSE(before.delivered());
    ASSERT_EQ(before.recipients.size(), 1u);
    EXPECT_EQ(before.recipients[0].reply.code, 554) << before.recipients[0].reply.summary();
    EXPECT_NE(before.recipients[0].reply.summary().find("Relay access denied"), std::string::npos)
        << before.recipients[0].reply.summary();

    client.authenticate(kUser, kPassword, AuthMechanism::scram_sha_256);
    // Authenticated, the relay check lets the recipient through; it then
    // meets the instance's "error" transport, so nothing leaves the machine.
    const SendResult after = client.send(abroad, MessageSource::from_string(message("relay2")));
    EXPECT_FALSE(after.delivered());
    ASSERT_EQ(after.recipients.size(), 1u);
    EXPECT_EQ(after.recipients[0].reply.code, 550) << after.recipients[0].reply.summary();
    EXPECT_NE(after.recipients[0].reply.summary().find("outbound mail is disabled"),
              std::string::npos)
        << after.recipients[0].reply.summary();
    client.quit();
}

// SCRAM prepares user name and password with SASLprep; Dovecot takes the
// octets as they are. Both agree on text that SASLprep leaves unchanged,
// which is what a real non-ASCII login looks like (text it changes: see
// ScramPreparesThePasswordPlainDoesNot).
class AuthDovecotIntl : public AuthDovecot {};

TEST_P(AuthDovecotIntl, NonAsciiUserAndPasswordLogIn) {
    const std::string mechanism = to_string(GetParam());
    TraceRecorder trace(kIntlUser);
    Client client;
    client.set_trace(trace.handler());
    client.connect("localhost", postfix().port(), starttls_options());
    client.authenticate(kIntlUser, kIntlPassword, GetParam());
    EXPECT_EQ(client.last_reply().code, 235) << client.last_reply().summary();
    send_and_check(client, "intl-" + lower(mechanism), mechanism, kIntlUser);
    client.quit();
    trace.expect_no_credentials(kIntlPassword);
}

INSTANTIATE_TEST_SUITE_P(Mechanisms, AuthDovecotIntl,
                         ::testing::Values(AuthMechanism::plain, AuthMechanism::scram_sha_1,
                                           AuthMechanism::scram_sha_256),
                         [](const auto& info) {
                             std::string name = to_string(info.param);
                             std::erase(name, '-');
                             return name;
                         });

// SCRAM prepares the password before hashing (RFC 5802 2.2): the typed form
// matches the stored one. PLAIN sends the octets as typed and leaves the
// preparing to the server, which Dovecot does not do: refused.
TEST_F(AuthDovecot, ScramPreparesThePasswordPlainDoesNot) {
    ASSERT_NE(std::string_view(kPrepTyped), std::string_view(kPrepStored));
    TraceRecorder trace(kPrepUser);
    {
        Client client;
        client.set_trace(trace.handler());
        client.connect("localhost", postfix().port(), starttls_options());
        client.authenticate(kPrepUser, kPrepTyped, AuthMechanism::scram_sha_256);
        EXPECT_EQ(client.last_reply().code, 235) << client.last_reply().summary();
        client.quit();
    }
    Client client;
    client.set_trace(trace.handler());
    client.connect("localhost", postfix().port(), starttls_options());
    std::error_code ec;
    client.authenticate(kPrepUser, kPrepTyped, AuthMechanism::plain, ec);
    trace.add(client, ec);
    EXPECT_EQ(ec, error::auth_credentials_invalid);
    client.quit();
    trace.expect_no_credentials(kPrepTyped);
    trace.expect_no_credentials(kPrepStored);
}

}  // namespace
}  // namespace smtpkit::test
