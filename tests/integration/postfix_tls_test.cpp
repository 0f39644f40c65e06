// smtpkit::Client's TLS against a real Postfix presenting the test CA's
// certificates: STARTTLS on the main port, implicit TLS on an smtps port,
// verification on by default, and what Postfix stored about the session.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "smtpkit/client.hpp"
#include "support/connect_outcome.hpp"
#include "support/postfix_server.hpp"
#include "support/test_certs.hpp"

namespace smtpkit::test {
namespace {

PostfixOptions tls_postfix(bool smtps = false) {
    const TestCertificates& pki = test_certificates();
    PostfixOptions options;
    options.tls = PostfixTls{pki.good.chain, pki.good.key};
    options.smtps = smtps;
    return options;
}

ConnectOptions tls_options(Security security, bool trust_test_ca = true,
                           Option extra = Option::none) {
    ConnectOptions options;
    options.security = security;
    options.options = extra;
    options.timeout = std::chrono::seconds(20);
    options.helo_name = "client.smtpkit.test";
    if (trust_test_ca && security != Security::plaintext) {
        options.tls.ca_file = test_certificates().ca_file;
    }
    return options;
}

const std::string kMessage =
    "From: Sender <sender@localhost>\r\n"
    "To: root@localhost\r\n"
    "Subject: smtpkit over TLS\r\n"
    "Date: Thu, 01 Jan 2026 00:00:00 +0000\r\n"
    "Message-ID: <tls@smtpkit.test>\r\n"
    "\r\n"
    "Sent over TLS.\r\n";

void send_to_root(Client& client) {
    const SendResult result =
        client.send({"sender@localhost", {"root@localhost"}}, MessageSource::from_string(kMessage));
    EXPECT_TRUE(result.delivered()) << result.final_reply.summary();
}

// The stored message's Received header, as one line.
std::string received_header(const PostfixServer& server) {
    const std::string stored = split_mbox(server.wait_for_mailbox("root")).at(0);
    const auto [trace, rest] = split_postfix_trace_headers(stored);
    EXPECT_EQ(rest, as_stored_in_mbox(kMessage));
    const auto start = trace.find("Received: ");
    if (start == std::string::npos) {
        ADD_FAILURE() << "no Received header in:\n" << trace;
        return {};
    }
    std::string header;
    for (std::size_t i = start; i < trace.size(); ++i) {
        if (trace[i] == '\n') {
            if (i + 1 < trace.size() && (trace[i + 1] == ' ' || trace[i + 1] == '\t')) {
                continue;  // folded: the header goes on
            }
            break;
        }
        header += trace[i];
    }
    return header;
}

// What the client reports matches the certificate Postfix was given.
void expect_verified_good_certificate(const SecurityInfo& info, const std::string& host) {
    const CertFacts good = TestCertificates::facts(test_certificates().good.cert);
    EXPECT_TRUE(info.active);
    EXPECT_TRUE(info.verified) << info.verify_result;
    EXPECT_EQ(info.verify_result, "ok");
    EXPECT_EQ(info.verified_host, host);
    EXPECT_EQ(info.protocol, "TLSv1.3");
    EXPECT_FALSE(info.cipher.empty());
    EXPECT_GE(info.cipher_bits, 128);
    EXPECT_EQ(info.peer_subject, good.subject);
    EXPECT_NE(info.peer_subject.find("CN=localhost"), std::string::npos) << info.peer_subject;
    EXPECT_EQ(info.peer_issuer, good.issuer);
    EXPECT_EQ(info.not_before, good.not_before);
    EXPECT_EQ(info.not_after, good.not_after);
    EXPECT_EQ(info.sha256_fingerprint, good.sha256_fingerprint);
}

// Waits for the end of the client's session in Postfix's log (after the
// fixture's probe session) and checks that no session got as far as MAIL
// FROM and that nothing was delivered.
void expect_nothing_delivered(const PostfixServer& server) {
    const std::string log = server.wait_for_log("disconnect from", 10s, 2);
    EXPECT_EQ(log.find(" mail="), std::string::npos) << log;
    EXPECT_EQ(log.find(" data="), std::string::npos) << log;
    EXPECT_EQ(log.find("status=sent"), std::string::npos) << log;
    EXPECT_FALSE(std::filesystem::exists(server.mailbox_path("root"))) << log;
}

TEST(PostfixTls, StartTlsDeliversOverAVerifiedSession) {
    PostfixServer server(tls_postfix());
    Client client;
    client.connect("localhost", server.port(), tls_options(Security::starttls));
    const SecurityInfo info = client.security_info();  // a copy: quit() forgets it
    expect_verified_good_certificate(info, "localhost");
    EXPECT_FALSE(info.implicit);
    send_to_root(client);
    client.quit();

    // Postfix saw the same session: its Received header names the version
    // and cipher the client negotiated.
    const std::string received = received_header(server);
    EXPECT_NE(received.find("(using TLSv1.3 with cipher " + info.cipher), std::string::npos)
        << received;
    EXPECT_NE(received.find("with ESMTPS"), std::string::npos) << received;
    const std::string established = "TLS connection established from localhost[127.0.0.1]: TLSv1.3";
    const std::string log = server.wait_for_log(established);
    EXPECT_NE(log.find(established), std::string::npos) << log;
}

TEST(PostfixTls, CapabilitiesAreTheOnesPostfixOffersOverTls) {
    PostfixServer server(tls_postfix());
    {
        // In plaintext, Postfix offers STARTTLS.
        Client plain;
        ConnectOptions options = tls_options(Security::plaintext);
        plain.connect("127.0.0.1", server.port(), options);
        EXPECT_FALSE(plain.security_info().active);
        EXPECT_TRUE(plain.capabilities().starttls());
        EXPECT_TRUE(plain.capabilities().pipelining());
        plain.quit();
    }
    Client client;
    client.connect("localhost", server.port(), tls_options(Security::starttls));
    ASSERT_TRUE(client.security_info().active);
    // After STARTTLS the client holds the second EHLO's answer: no STARTTLS
    // any more, everything else as before.
    const Capabilities& caps = client.capabilities();
    EXPECT_FALSE(caps.starttls());
    EXPECT_EQ(caps.server_name(), PostfixServer::host_name);
    EXPECT_TRUE(caps.pipelining());
    EXPECT_TRUE(caps.chunking());
    EXPECT_TRUE(caps.eightbitmime());
    EXPECT_TRUE(caps.smtputf8());
    client.quit();
    // Postfix counted two EHLOs and one STARTTLS in that session.
    EXPECT_NE(server.wait_for_log("ehlo=2 starttls=1").find("ehlo=2 starttls=1 quit=1"),
              std::string::npos)
        << server.log();
}

TEST(PostfixTls, ImplicitTlsOnTheSmtpsPortDelivers) {
    PostfixServer server(tls_postfix(true));
    ASSERT_NE(server.smtps_port(), 0);
    Client client;
    client.connect("localhost", server.smtps_port(), tls_options(Security::implicit_tls));
    const SecurityInfo info = client.security_info();
    expect_verified_good_certificate(info, "localhost");
    EXPECT_TRUE(info.implicit);
    // TLS came first: there is nothing to upgrade, so no STARTTLS offered.
    EXPECT_FALSE(client.capabilities().starttls());
    EXPECT_TRUE(client.capabilities().pipelining());
    EXPECT_TRUE(client.capabilities().chunking());
    send_to_root(client);
    client.quit();
    const std::string received = received_header(server);
    EXPECT_NE(received.find("(using TLSv1.3 with cipher " + info.cipher), std::string::npos)
        << received;
    EXPECT_NE(received.find("with ESMTPS"), std::string::npos) << received;
}

TEST(PostfixTls, ImplicitTlsAloneSpeaksEsmtp) {
    // Implicit TLS is submission (RFC 8314): it implies extended, like
    // secure and port 587, so EHLO goes over TLS and capabilities are known.
    PostfixServer server(tls_postfix(true));
    Client client;
    client.connect("localhost", server.smtps_port(), tls_options(Security::implicit_tls));
    const SecurityInfo& info = client.security_info();
    EXPECT_TRUE(info.verified);
    EXPECT_TRUE(client.capabilities().pipelining());
    send_to_root(client);
    client.quit();
    EXPECT_TRUE(info.verified) << "security_info() outlives the connection";
    EXPECT_TRUE(client.capabilities().pipelining()) << "so do the capabilities";
    const std::string received = received_header(server);
    EXPECT_NE(received.find("(using TLSv1.3"), std::string::npos) << received;
    EXPECT_NE(received.find("with ESMTPS"), std::string::npos) << received;
}

// A default-constructed ConnectOptions is never plaintext: STARTTLS,
// required and verified, on any port but 465.
TEST(PostfixTls, DefaultOptionsRequireVerifiedStartTls) {
    PostfixServer server(tls_postfix());
    Client client;
    ConnectOptions options;
    options.tls.ca_file = test_certificates().ca_file;
    client.connect("localhost", server.port(), options);
    const SecurityInfo info = client.security_info();
    EXPECT_TRUE(info.active);
    EXPECT_FALSE(info.implicit);
    EXPECT_TRUE(info.verified);
    EXPECT_TRUE(client.capabilities_before_tls().starttls());
    EXPECT_EQ(client.greeting().code, 220);
    send_to_root(client);
    client.quit();
    EXPECT_NE(received_header(server).find("with ESMTPS"), std::string::npos);
}

TEST(PostfixTls, WithoutTheTestCaTheCertificateIsUntrusted) {
    PostfixServer server(tls_postfix());
    Client client;
    // No ca_file: the system's trust store, which does not know the test CA.
    const ConnectOutcome outcome =
        try_connect(client, "localhost", server.port(), tls_options(Security::starttls, false));
    EXPECT_EQ(outcome.ec, error::certificate_untrusted) << outcome.detail;
    EXPECT_FALSE(client.connected());
    std::error_code ec;
    client.send({"sender@localhost", {"root@localhost"}}, MessageSource::from_string(kMessage), ec);
    EXPECT_EQ(ec, error::not_connected);
    expect_nothing_delivered(server);
}

TEST(PostfixTls, ImplicitTlsWithoutTheTestCaIsUntrusted) {
    PostfixServer server(tls_postfix(true));
    Client client;
    const ConnectOutcome outcome = try_connect(client, "localhost", server.smtps_port(),
                                               tls_options(Security::implicit_tls, false));
    EXPECT_EQ(outcome.ec, error::certificate_untrusted) << outcome.detail;
    EXPECT_FALSE(client.connected());
    expect_nothing_delivered(server);
}

TEST(PostfixTls, AnotherCaDoesNotVouchForPostfix) {
    PostfixServer server(tls_postfix());
    Client client;
    ConnectOptions options = tls_options(Security::starttls, false);
    options.tls.ca_file = test_certificates().other_ca_file;
    const ConnectOutcome outcome = try_connect(client, "localhost", server.port(), options);
    EXPECT_EQ(outcome.ec, error::certificate_untrusted) << outcome.detail;
    expect_nothing_delivered(server);
}

TEST(PostfixTls, CaPathDirectoryVerifiesToo) {
    PostfixServer server(tls_postfix());
    Client client;
    ConnectOptions options = tls_options(Security::starttls, false);
    options.tls.ca_path = test_certificates().ca_dir;
    client.connect("localhost", server.port(), options);
    EXPECT_TRUE(client.security_info().verified) << client.security_info().verify_result;
    client.quit();
}

TEST(PostfixTls, TrustedSiteDeliversWithoutVerification) {
    PostfixServer server(tls_postfix());
    Client client;
    client.connect("localhost", server.port(),
                   tls_options(Security::starttls, false, Option::trusted_site));
    const SecurityInfo info = client.security_info();
    EXPECT_TRUE(info.active);
    EXPECT_FALSE(info.verified);
    // The session is still encrypted, and the client still tells what it
    // would have found wrong.
    EXPECT_EQ(info.protocol, "TLSv1.3");
    EXPECT_NE(info.verify_result, "ok");
    EXPECT_FALSE(info.verify_result.empty());
    EXPECT_EQ(info.peer_subject, TestCertificates::facts(test_certificates().good.cert).subject);
    send_to_root(client);
    client.quit();
    EXPECT_NE(received_header(server).find("(using TLSv1.3"), std::string::npos);
}

TEST(PostfixTls, SecureWithoutStartTlsOfferedSendsNothing) {
    PostfixServer server;  // no certificate: no STARTTLS
    Client client;
    const ConnectOutcome outcome =
        try_connect(client, "localhost", server.port(), tls_options(Security::starttls));
    EXPECT_EQ(outcome.ec, error::starttls_not_offered) << outcome.detail;
    EXPECT_FALSE(client.connected());
    EXPECT_FALSE(client.security_info().active);
    expect_nothing_delivered(server);
    // Not even a STARTTLS was tried: the client went by the EHLO reply.
    EXPECT_EQ(server.log().find("starttls="), std::string::npos) << server.log();
}

TEST(PostfixTls, NameAndAddressBothVerify) {
    PostfixServer server(tls_postfix(true));
    // The certificate names DNS:localhost and IP:127.0.0.1: the client
    // checks the host name or the address literal it was given.
    for (const std::string host : {"localhost", "127.0.0.1"}) {
        SCOPED_TRACE(host);
        for (const bool implicit : {false, true}) {
            Client client;
            const std::uint16_t port = implicit ? server.smtps_port() : server.port();
            const ConnectOutcome outcome =
                try_connect(client, host, port,
                            tls_options(implicit ? Security::implicit_tls : Security::starttls));
            ASSERT_FALSE(outcome.ec) << outcome.ec.message() << ": " << outcome.detail;
            EXPECT_TRUE(client.security_info().verified);
            EXPECT_EQ(client.security_info().verified_host, host);
            EXPECT_EQ(client.security_info().implicit, implicit);
            client.quit();
        }
    }
}

}  // namespace
}  // namespace smtpkit::test
