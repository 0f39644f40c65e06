// smtpkit::Client's TLS against a real aiosmtpd (Python's ssl module on the
// server side): STARTTLS and implicit TLS deliver over verified sessions,
// and certificates that are wrong in one way each fail with their own error.
#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <thread>

#include "smtpkit/client.hpp"
#include "support/aiosmtpd_server.hpp"
#include "support/connect_outcome.hpp"
#include "support/test_certs.hpp"

namespace smtpkit::test {
namespace {

AiosmtpdOptions tls_server(AiosmtpdTls mode, const CertFiles& certificate,
                           bool require_starttls = false) {
    AiosmtpdOptions options;
    options.tls = mode;
    options.chain_file = certificate.chain;
    options.key_file = certificate.key;
    options.require_starttls = require_starttls;
    return options;
}

ConnectOptions client_options(Security security, Option extra = Option::none) {
    ConnectOptions options;
    options.security = security;
    options.options = extra;
    options.timeout = std::chrono::seconds(20);
    options.helo_name = "client.smtpkit.test";
    if (security != Security::plaintext) {
        options.tls.ca_file = test_certificates().ca_file;
    }
    return options;
}

Security security_for(AiosmtpdTls mode) {
    return mode == AiosmtpdTls::implicit ? Security::implicit_tls : Security::starttls;
}

const std::string kMessage =
    "From: Sender <sender@localhost>\r\n"
    "To: rcpt@example.com\r\n"
    "Subject: smtpkit aiosmtpd over TLS\r\n"
    "\r\n"
    "Sent over TLS.\r\n";

SendResult send_one(Client& client) {
    return client.send({"sender@localhost", {"rcpt@example.com"}},
                       MessageSource::from_string(kMessage));
}

SendResult send_one(Client& client, std::error_code& ec) {
    return client.send({"sender@localhost", {"rcpt@example.com"}},
                       MessageSource::from_string(kMessage), ec);
}

// The session ended (the client gave up or was refused) and the server
// stored nothing. A stored message would appear within milliseconds of the
// end of data, and the client never got that far when this holds.
void expect_nothing_stored(const AiosmtpdServer& server) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    EXPECT_TRUE(server.messages().empty()) << server.stderr_text();
}

class AiosmtpdTlsModes : public ::testing::TestWithParam<AiosmtpdTls> {};

TEST_P(AiosmtpdTlsModes, DeliversOverAVerifiedSession) {
    const AiosmtpdTls mode = GetParam();
    AiosmtpdServer server(tls_server(mode, test_certificates().good));
    Client client;
    client.connect("localhost", server.port(), client_options(security_for(mode)));
    const SecurityInfo info = client.security_info();
    EXPECT_TRUE(info.active);
    EXPECT_EQ(info.implicit, mode == AiosmtpdTls::implicit);
    EXPECT_TRUE(info.verified) << info.verify_result;
    EXPECT_EQ(info.protocol, "TLSv1.3");
    EXPECT_EQ(info.peer_subject, TestCertificates::facts(test_certificates().good.cert).subject);
    // Over TLS aiosmtpd no longer offers STARTTLS; the rest is as in
    // plaintext.
    EXPECT_FALSE(client.capabilities().starttls());
    EXPECT_TRUE(client.capabilities().smtputf8());
    EXPECT_TRUE(client.capabilities().eightbitmime());
    EXPECT_TRUE(send_one(client).delivered()) << client.last_reply().summary();
    client.quit();

    const ReceivedMessage stored = server.wait_for_message();
    EXPECT_EQ(stored.tls_version, "TLSv1.3");  // the server saw TLS too
    EXPECT_EQ(stored.helo, "client.smtpkit.test");
    EXPECT_EQ(stored.content, kMessage);
}

INSTANTIATE_TEST_SUITE_P(StartTlsAndImplicit, AiosmtpdTlsModes,
                         ::testing::Values(AiosmtpdTls::starttls, AiosmtpdTls::implicit),
                         [](const auto& info) {
                             return info.param == AiosmtpdTls::starttls ? "starttls" : "implicit";
                         });

TEST(AiosmtpdTls, PlaintextOffersStartTls) {
    AiosmtpdServer server(tls_server(AiosmtpdTls::starttls, test_certificates().good));
    Client client;
    client.connect("127.0.0.1", server.port(), client_options(Security::plaintext));
    EXPECT_FALSE(client.security_info().active);
    EXPECT_TRUE(client.capabilities().starttls());
    // With Security::plaintext the client goes on in plaintext, and the
    // server's record says so.
    EXPECT_TRUE(send_one(client).delivered());
    client.quit();
    EXPECT_EQ(server.wait_for_message().tls_version, "");
}

TEST(AiosmtpdTls, RequiredStartTlsIsMetBySecure) {
    AiosmtpdServer server(tls_server(AiosmtpdTls::starttls, test_certificates().good, true));
    Client client;
    client.connect("localhost", server.port(), client_options(Security::starttls));
    EXPECT_TRUE(send_one(client).delivered()) << client.last_reply().summary();
    client.quit();
    EXPECT_EQ(server.wait_for_message().tls_version, "TLSv1.3");
}

TEST(AiosmtpdTls, RequiredStartTlsRefusesPlaintextMail) {
    AiosmtpdServer server(tls_server(AiosmtpdTls::starttls, test_certificates().good, true));
    Client client;
    client.connect("127.0.0.1", server.port(), client_options(Security::plaintext));
    std::error_code ec;
    send_one(client, ec);
    EXPECT_EQ(ec, error::sender_refused);
    EXPECT_EQ(client.last_reply().code, 530) << client.last_reply().summary();
    client.disconnect();
    expect_nothing_stored(server);
}

// A certificate that is wrong in one way, the error the client gives for
// it, and the connection mode.
struct BadCertificate {
    const char* name;
    const CertFiles& (*files)();
    error expected;
    AiosmtpdTls mode;
};

// Names the parameter in test listings (ctest), instead of its bytes.
void PrintTo(const BadCertificate& bad, std::ostream* out) {
    *out << bad.name;
}

const BadCertificate kBadCertificates[] = {
    {"wrong_host_starttls", []() -> const CertFiles& { return test_certificates().wrong_host; },
     error::certificate_host_mismatch, AiosmtpdTls::starttls},
    {"wrong_host_implicit", []() -> const CertFiles& { return test_certificates().wrong_host; },
     error::certificate_host_mismatch, AiosmtpdTls::implicit},
    {"expired_starttls", []() -> const CertFiles& { return test_certificates().expired; },
     error::certificate_expired, AiosmtpdTls::starttls},
    {"expired_implicit", []() -> const CertFiles& { return test_certificates().expired; },
     error::certificate_expired, AiosmtpdTls::implicit},
    {"not_yet_valid_implicit",
     []() -> const CertFiles& { return test_certificates().not_yet_valid; },
     error::certificate_not_yet_valid, AiosmtpdTls::implicit},
    {"missing_intermediate_implicit",
     []() -> const CertFiles& { return test_certificates().missing_intermediate; },
     error::certificate_untrusted, AiosmtpdTls::implicit},
};

class AiosmtpdBadCertificate : public ::testing::TestWithParam<BadCertificate> {};

TEST_P(AiosmtpdBadCertificate, FailsWithItsOwnErrorAndSendsNothing) {
    const BadCertificate& bad = GetParam();
    AiosmtpdServer server(tls_server(bad.mode, bad.files()));
    for (const std::string host : {"localhost", "127.0.0.1"}) {
        SCOPED_TRACE(host);
        Client client;
        const ConnectOutcome outcome =
            try_connect(client, host, server.port(), client_options(security_for(bad.mode)));
        EXPECT_EQ(outcome.ec, bad.expected) << outcome.ec.message() << ": " << outcome.detail;
        EXPECT_FALSE(client.connected());
        EXPECT_FALSE(client.security_info().active);
    }
    expect_nothing_stored(server);
}

INSTANTIATE_TEST_SUITE_P(Certificates, AiosmtpdBadCertificate,
                         ::testing::ValuesIn(kBadCertificates),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(AiosmtpdTls, TrustedSiteAcceptsTheWrongHostButSaysSo) {
    AiosmtpdServer server(tls_server(AiosmtpdTls::implicit, test_certificates().wrong_host));
    Client client;
    client.connect("localhost", server.port(),
                   client_options(Security::implicit_tls, Option::trusted_site));
    const SecurityInfo info = client.security_info();
    EXPECT_TRUE(info.active);
    EXPECT_FALSE(info.verified);
    EXPECT_NE(info.verify_result, "ok");
    EXPECT_NE(info.peer_subject.find("CN=wrong.example"), std::string::npos) << info.peer_subject;
    EXPECT_TRUE(send_one(client).delivered());
    client.quit();
    EXPECT_EQ(server.wait_for_message().tls_version, "TLSv1.3");
}

}  // namespace
}  // namespace smtpkit::test
