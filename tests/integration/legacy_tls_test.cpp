// An old server that speaks only TLS 1.0 (a private Postfix pinned to
// TLSv1 with OpenSSL's security level 0): refused by default, reachable with
// Option::secure_fallback, and the certificate is still verified there.
#include <gtest/gtest.h>

#include <filesystem>
#include <ostream>
#include <string>

#include "smtpkit/client.hpp"
#include "support/aiosmtpd_server.hpp"
#include "support/connect_outcome.hpp"
#include "support/postfix_server.hpp"
#include "support/test_certs.hpp"

namespace smtpkit::test {
namespace {

// TLS 1.0 only, with the ciphers of its time. OpenSSL 3 allows TLS 1.0 at
// security level 0 only, on both ends.
const std::vector<std::pair<std::string, std::string>> kTls10Only = {
    {"smtpd_tls_protocols", ">=TLSv1,<=TLSv1"},
    {"smtpd_tls_mandatory_protocols", ">=TLSv1,<=TLSv1"},
    {"smtpd_tls_ciphers", "medium"},
    {"smtpd_tls_mandatory_ciphers", "medium"},
    {"tls_medium_cipherlist", "DEFAULT:@SECLEVEL=0"},
};

// STARTTLS on the main port and implicit TLS on the smtps port, both TLS
// 1.0 only.
PostfixOptions legacy_postfix() {
    const TestCertificates& pki = test_certificates();
    PostfixOptions options;
    options.tls = PostfixTls{pki.good.chain, pki.good.key};
    options.smtps = true;
    options.main_cf = kTls10Only;
    options.smtps_settings = kTls10Only;
    return options;
}

ConnectOptions client_options(Security security, Option extra = Option::none) {
    ConnectOptions options;
    options.security = security;
    options.options = extra;
    options.timeout = std::chrono::seconds(20);
    options.helo_name = "client.smtpkit.test";
    options.tls.ca_file = test_certificates().ca_file;
    return options;
}

const std::string kMessage =
    "From: Sender <sender@localhost>\r\n"
    "To: root@localhost\r\n"
    "Subject: smtpkit over TLS 1.0\r\n"
    "Date: Thu, 01 Jan 2026 00:00:00 +0000\r\n"
    "Message-ID: <legacy@smtpkit.test>\r\n"
    "\r\n"
    "Sent over an old protocol, on purpose.\r\n";

struct Mode {
    const char* name;
    Security security;
    bool implicit;
};

// Names the parameter in test listings (ctest), instead of its bytes.
void PrintTo(const Mode& mode, std::ostream* out) {
    *out << mode.name;
}

const Mode kModes[] = {
    {"starttls", Security::starttls, false},
    {"implicit", Security::implicit_tls, true},
};

class LegacyTls : public ::testing::TestWithParam<Mode> {
  protected:
    std::uint16_t port() const {
        return GetParam().implicit ? server_.smtps_port() : server_.port();
    }

    PostfixServer server_{legacy_postfix()};
};

TEST_P(LegacyTls, RefusedByDefault) {
    Client client;
    const ConnectOutcome outcome =
        try_connect(client, "localhost", port(), client_options(GetParam().security));
    EXPECT_EQ(outcome.ec, error::tls_version_refused)
        << outcome.ec.category().name() << " " << outcome.ec.value() << " " << outcome.ec.message()
        << ": " << outcome.detail;
    EXPECT_FALSE(client.connected());
    EXPECT_FALSE(client.security_info().active);
    // Postfix saw the session end (after its probe's), and no transaction
    // began.
    const std::string log = server_.wait_for_log("disconnect from", 10s, 2);
    EXPECT_EQ(log.find(" mail="), std::string::npos) << log;
    EXPECT_NE(log.find("TLS"), std::string::npos) << log;
    EXPECT_FALSE(std::filesystem::exists(server_.mailbox_path("root")));
}

TEST_P(LegacyTls, SecureFallbackNegotiatesTls10AndStillVerifies) {
    Client client;
    const ConnectOutcome outcome = try_connect(
        client, "localhost", port(), client_options(GetParam().security, Option::secure_fallback));
    ASSERT_FALSE(outcome.ec) << outcome.ec.message() << ": " << outcome.detail;
    const SecurityInfo info = client.security_info();
    EXPECT_TRUE(info.active);
    EXPECT_EQ(info.implicit, GetParam().implicit);
    EXPECT_EQ(info.protocol, "TLSv1");
    EXPECT_FALSE(info.cipher.empty());
    // An old protocol is no excuse for an unchecked certificate.
    EXPECT_TRUE(info.verified) << info.verify_result;
    EXPECT_EQ(info.peer_subject, TestCertificates::facts(test_certificates().good.cert).subject);

    const SendResult result =
        client.send({"sender@localhost", {"root@localhost"}}, MessageSource::from_string(kMessage));
    EXPECT_TRUE(result.delivered()) << result.final_reply.summary();
    client.quit();
    const std::string stored = split_mbox(server_.wait_for_mailbox("root")).at(0);
    const auto [trace, rest] = split_postfix_trace_headers(stored);
    EXPECT_NE(trace.find("(using TLSv1 with cipher " + info.cipher), std::string::npos) << trace;
    EXPECT_EQ(rest, as_stored_in_mbox(kMessage));
}

INSTANTIATE_TEST_SUITE_P(Tls10Only, LegacyTls, ::testing::ValuesIn(kModes),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(LegacyTlsFallback, AllowsOldVersionsButPrefersTheNewest) {
    // secure_fallback widens what the client accepts; against a modern
    // server it still gets TLS 1.3.
    AiosmtpdOptions options;
    options.tls = AiosmtpdTls::implicit;
    options.chain_file = test_certificates().good.chain;
    options.key_file = test_certificates().good.key;
    AiosmtpdServer server(options);
    Client client;
    client.connect("localhost", server.port(),
                   client_options(Security::implicit_tls, Option::secure_fallback));
    EXPECT_EQ(client.security_info().protocol, "TLSv1.3");
    EXPECT_TRUE(client.security_info().verified);
    client.quit();
}

}  // namespace
}  // namespace smtpkit::test
