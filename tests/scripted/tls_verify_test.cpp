// Certificate verification, over STARTTLS and implicit TLS: a good chain
// delivers and security_info() describes it; every kind of bad certificate
// fails connect() with its own error before any MAIL or AUTH leaves the
// client; trusted_site lets them through but still requires TLS; TLS 1.2 is
// the floor unless secure_fallback; client certificates and their keys.
#include <openssl/ssl.h>

#include <regex>

#include "scripted/client_fixture.hpp"
#include "support/test_certs.hpp"

namespace smtpkit::test {
namespace {

enum class Mode { starttls, implicit };

std::string to_string(Mode m) {
    return m == Mode::starttls ? "starttls" : "implicit";
}

void PrintTo(Mode m, std::ostream* os) {
    *os << to_string(m);
}

const TestCertificates& pki() {
    return test_certificates();
}

// extended, a 2 s timeout, TLS as `mode` says, the private root CA trusted.
ConnectOptions tls_options(Mode mode, Option extra = Option::none) {
    ConnectOptions o = esmtp_options();
    o.security = mode == Mode::starttls ? Security::starttls : Security::implicit_tls;
    o.options |= extra;
    o.tls.ca_file = pki().ca_file;
    return o;
}

// The dialogue up to and including the handshake: for STARTTLS an EHLO that
// offers it and the upgrade; for implicit TLS the handshake alone. A script
// that ends here expects the client to refuse the handshake.
Script until_handshake(Mode mode, const TlsServerConfig& config) {
    if (mode == Mode::starttls) {
        Script s = Script::esmtp({"PIPELINING", "STARTTLS"});
        s.accept_starttls(config);
        return s;
    }
    Script s;
    s.start_tls(config);
    return s;
}

// What the server reads in plaintext before the handshake.
std::string plaintext_before_tls(Mode mode) {
    return mode == Mode::starttls ? "EHLO client.example\r\nSTARTTLS\r\n" : "";
}

// The whole dialogue: TLS, then (again) greeting or EHLO over TLS.
Script secured(Mode mode, const TlsServerConfig& config) {
    Script s = until_handshake(mode, config);
    if (mode == Mode::implicit) {
        s.greet();
    }
    s.ehlo({"PIPELINING", "8BITMIME"});
    return s;
}

// A secured session that delivers one message, then QUIT.
Script delivering(Mode mode, const TlsServerConfig& config) {
    Script s = secured(mode, config);
    transaction(s, true,
                {{"MAIL FROM:<sender@example.com>", "250 2.1.0 ok\r\n"},
                 {"RCPT TO:<rcpt@example.com>", "250 2.1.5 ok\r\n"},
                 {"DATA", "354 go ahead\r\n"}});
    return s.expect_data().send("250 2.0.0 queued\r\n").quit();
}

// Connects, sends one message and quits; the server must have played
// `delivering()` over TLS. Returns security_info() as it was while connected.
SecurityInfo expect_delivery(Client& client, ScriptServer& server, const std::string& host,
                             const ConnectOptions& options) {
    std::error_code ec;
    client.connect(host, server.port(), options, ec);
    EXPECT_FALSE(ec) << ec.message() << " / " << ec.category().name();
    const SecurityInfo info = client.security_info();
    EXPECT_TRUE(info.active);
    const SendResult r = client.send(envelope_to({"rcpt@example.com"}), message(), ec);
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_EQ(r.verdict, Verdict::delivered);
    client.quit(ec);
    expect_server_done(server);
    EXPECT_EQ(server.messages(), (std::vector<std::string>{message_text}));
    const auto records = server.tls_records();
    EXPECT_EQ(records.size(), 1u);
    for (const TlsRecord& record : records) {
        EXPECT_TRUE(record.handshake_done) << record.failure;
    }
    return info;
}

// A client that refused the server's TLS: nothing but what comes before TLS
// ever reached the server, and no TLS session is left.
void expect_refused_before_smtp(const Client& client, ScriptServer& server, Mode mode) {
    EXPECT_FALSE(client.connected());
    EXPECT_FALSE(client.security_info().active);
    expect_server_done(server);
    EXPECT_EQ(server.received(), plaintext_before_tls(mode));
    EXPECT_FALSE(server.saw("MAIL"));
    EXPECT_FALSE(server.saw("AUTH"));
    // The server got as far as the handshake (whether the client broke it
    // off or closed right after it).
    EXPECT_EQ(server.tls_records().size(), 1u);
}

// --- a good certificate -------------------------------------------------------

class GoodCertificate : public ::testing::TestWithParam<Mode> {};

INSTANTIATE_TEST_SUITE_P(Tls, GoodCertificate, ::testing::Values(Mode::starttls, Mode::implicit),
                         [](const auto& info) { return to_string(info.param); });

TEST_P(GoodCertificate, DeliversOverVerifiedTls) {
    ScriptServer server(delivering(GetParam(), server_tls(pki().good)));
    Client client;
    expect_delivery(client, server, "localhost", tls_options(GetParam()));
    EXPECT_EQ(server.lines().front(), "EHLO client.example");
}

TEST_P(GoodCertificate, SecurityInfoDescribesTheSession) {
    ScriptServer server(secured(GetParam(), server_tls(pki().good)).quit());
    Client client;
    std::error_code ec;
    client.connect("localhost", server.port(), tls_options(GetParam()), ec);
    ASSERT_FALSE(ec) << ec.message();
    const SecurityInfo info = client.security_info();
    const CertFacts facts = TestCertificates::facts(pki().good.cert);
    EXPECT_TRUE(info.active);
    EXPECT_EQ(info.implicit, GetParam() == Mode::implicit);
    EXPECT_EQ(info.protocol, "TLSv1.3");  // both sides' best
    EXPECT_FALSE(info.cipher.empty());
    EXPECT_GE(info.cipher_bits, 128);
    EXPECT_TRUE(info.verified);
    EXPECT_EQ(info.verify_result, "ok");
    EXPECT_EQ(info.verified_host, "localhost");
    EXPECT_EQ(info.peer_subject, facts.subject);
    EXPECT_TRUE(has_substr(info.peer_subject, "CN=localhost"));
    EXPECT_EQ(info.peer_issuer, facts.issuer);
    EXPECT_TRUE(has_substr(info.peer_issuer, "CN=smtpkit test intermediate CA"));
    EXPECT_EQ(info.not_before, facts.not_before);
    EXPECT_EQ(info.not_after, facts.not_after);
    EXPECT_TRUE(std::regex_match(info.not_after, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")))
        << info.not_after;
    EXPECT_EQ(info.sha256_fingerprint, facts.sha256_fingerprint);
    EXPECT_EQ(info.sha256_fingerprint.size(), 32u * 3 - 1);
    // What the server saw of the same session.
    const auto records = server.tls_records();
    ASSERT_EQ(records.size(), 1u);
    EXPECT_EQ(records[0].version, info.protocol);
    EXPECT_EQ(records[0].cipher, info.cipher);
    client.quit(ec);
    EXPECT_FALSE(client.security_info().active);
    expect_server_done(server);
}

TEST_P(GoodCertificate, Tls12ServerGivesTls12) {
    TlsServerConfig config = server_tls(pki().good);
    config.max_version = TLS1_2_VERSION;
    ScriptServer server(delivering(GetParam(), config));
    Client client;
    const SecurityInfo info = expect_delivery(client, server, "localhost", tls_options(GetParam()));
    EXPECT_EQ(info.protocol, "TLSv1.2");
    EXPECT_TRUE(info.verified);
    EXPECT_EQ(server.tls_records().at(0).version, "TLSv1.2");
}

TEST_P(GoodCertificate, SniNamesTheHostGiven) {
    ScriptServer server(secured(GetParam(), server_tls(pki().good)).quit());
    Client client;
    std::error_code ec;
    client.connect("localhost", server.port(), tls_options(GetParam()), ec);
    ASSERT_FALSE(ec) << ec.message();
    client.quit(ec);
    expect_server_done(server);
    const auto records = server.tls_records();
    ASSERT_EQ(records.size(), 1u);
    EXPECT_TRUE(records[0].sni_sent);
    EXPECT_EQ(records[0].sni, "localhost");
}

TEST_P(GoodCertificate, AddressLiteralIsVerifiedAgainstIpSansWithoutSni) {
    ScriptServer server(secured(GetParam(), server_tls(pki().good)).quit());
    Client client;
    std::error_code ec;
    client.connect("127.0.0.1", server.port(), tls_options(GetParam()), ec);
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_TRUE(client.security_info().verified);
    EXPECT_EQ(client.security_info().verified_host, "127.0.0.1");
    client.quit(ec);
    expect_server_done(server);
    const auto records = server.tls_records();
    ASSERT_EQ(records.size(), 1u);
    EXPECT_FALSE(records[0].sni_sent) << "SNI sent: " << records[0].sni;  // RFC 6066 3
}

TEST_P(GoodCertificate, CaPathDirectoryIsATrustAnchor) {
    ScriptServer server(delivering(GetParam(), server_tls(pki().good)));
    ConnectOptions options = tls_options(GetParam());
    options.tls.ca_file.clear();
    options.tls.ca_path = pki().ca_dir;
    Client client;
    expect_delivery(client, server, "localhost", options);
}

TEST_P(GoodCertificate, SystemStoreDoesNotTrustThePrivateCa) {
    ScriptServer server(until_handshake(GetParam(), server_tls(pki().good)));
    ConnectOptions options = tls_options(GetParam());
    options.tls.ca_file.clear();
    Client client;
    std::error_code ec;
    client.connect("localhost", server.port(), options, ec);
    EXPECT_EQ(ec, error::certificate_untrusted) << ec.message();
    expect_refused_before_smtp(client, server, GetParam());
}

// --- bad certificates -----------------------------------------------------------

struct BadCertificate {
    std::string name;
    CertFiles TestCertificates::*files;
    error expected;
    // OpenSSL's words for it (SecurityInfo::verify_result under trusted_site),
    // per host: a name and an address literal fail the name check differently.
    std::string reason;
    std::string reason_for_address = {};
};

void PrintTo(const BadCertificate& c, std::ostream* os) {
    *os << c.name;
}

const std::vector<BadCertificate>& bad_certificates() {
    static const std::vector<BadCertificate> cases = {
        {"expired", &TestCertificates::expired, error::certificate_expired,
         "certificate has expired"},
        {"not_yet_valid", &TestCertificates::not_yet_valid, error::certificate_not_yet_valid,
         "certificate is not yet valid"},
        {"wrong_host", &TestCertificates::wrong_host, error::certificate_host_mismatch,
         "hostname mismatch", "IP address mismatch"},
        {"self_signed", &TestCertificates::self_signed, error::certificate_self_signed,
         "self-signed certificate"},
        {"unknown_ca", &TestCertificates::unknown_ca, error::certificate_untrusted,
         "unable to get local issuer certificate"},
        // The server sends the unknown root along: still a chain that leads
        // to no trusted CA, not a self-signed server certificate.
        {"unknown_ca_with_its_root", &TestCertificates::unknown_ca_with_root,
         error::certificate_untrusted, "self-signed certificate in certificate chain"},
        {"missing_intermediate", &TestCertificates::missing_intermediate,
         error::certificate_untrusted, "unable to get local issuer certificate"},
    };
    return cases;
}

using BadCase = std::tuple<BadCertificate, Mode, std::string>;

std::string bad_case_name(const ::testing::TestParamInfo<BadCase>& info) {
    const auto& [cert, mode, host] = info.param;
    return cert.name + "_" + to_string(mode) + (host == "localhost" ? "_name" : "_address");
}

class BadCertificateRefused : public ::testing::TestWithParam<BadCase> {};

INSTANTIATE_TEST_SUITE_P(Tls, BadCertificateRefused,
                         ::testing::Combine(::testing::ValuesIn(bad_certificates()),
                                            ::testing::Values(Mode::starttls, Mode::implicit),
                                            ::testing::Values("localhost", "127.0.0.1")),
                         bad_case_name);

TEST_P(BadCertificateRefused, ConnectFailsWithItsErrorBeforeAnySmtp) {
    const auto& [cert, mode, host] = GetParam();
    ScriptServer server(until_handshake(mode, server_tls(pki().*cert.files)));
    Client client;
    std::error_code ec;
    client.connect(host, server.port(), tls_options(mode), ec);
    EXPECT_EQ(ec, cert.expected) << ec.message() << " / " << ec.category().name();
    EXPECT_EQ(client.last_error(), cert.expected);
    expect_refused_before_smtp(client, server, mode);
}

class TrustedSite : public ::testing::TestWithParam<BadCase> {};

INSTANTIATE_TEST_SUITE_P(Tls, TrustedSite,
                         ::testing::Combine(::testing::ValuesIn(bad_certificates()),
                                            ::testing::Values(Mode::starttls, Mode::implicit),
                                            ::testing::Values("localhost", "127.0.0.1")),
                         bad_case_name);

TEST_P(TrustedSite, ConnectsOverTlsAndSaysItIsNotVerified) {
    const auto& [cert, mode, host] = GetParam();
    ScriptServer server(delivering(mode, server_tls(pki().*cert.files)));
    Client client;
    const SecurityInfo info =
        expect_delivery(client, server, host, tls_options(mode, Option::trusted_site));
    EXPECT_FALSE(info.verified);
    const std::string& reason = host != "localhost" && !cert.reason_for_address.empty()
                                    ? cert.reason_for_address
                                    : cert.reason;
    EXPECT_EQ(info.verify_result, reason);
}

TEST(TlsVerify, ThrowingFormSaysWhyTheCertificateFailed) {
    ScriptServer server(until_handshake(Mode::starttls, server_tls(pki().expired)));
    Client client;
    try {
        client.connect("localhost", server.port(), tls_options(Mode::starttls));
        ADD_FAILURE() << "connect() did not throw";
    } catch (const smtpkit::system_error& e) {
        EXPECT_EQ(e.code(), error::certificate_expired);
        EXPECT_TRUE(has_substr(e.what(), "certificate has expired"));
    }
    expect_refused_before_smtp(client, server, Mode::starttls);
}

TEST(TlsVerify, ErrorCodeFormSaysWhyInTheDetail) {
    ScriptServer server(until_handshake(Mode::starttls, server_tls(pki().expired)));
    Client client;
    std::error_code ec;
    client.connect("localhost", server.port(), tls_options(Mode::starttls), ec);
    EXPECT_EQ(ec, error::certificate_expired);
    EXPECT_EQ(client.last_error_detail(), "certificate has expired");
    EXPECT_FALSE(has_substr(client.last_error_detail(), ec.message()))
        << "the detail adds to the message, it does not repeat it";
    expect_refused_before_smtp(client, server, Mode::starttls);
}

TEST(TlsVerify, TrustedSiteStillRequiresStarttls) {
    ScriptServer server(Script::esmtp({"PIPELINING", "AUTH PLAIN"}));
    Client client;
    std::error_code ec;
    client.connect("127.0.0.1", server.port(), tls_options(Mode::starttls, Option::trusted_site),
                   ec);
    EXPECT_EQ(ec, error::starttls_not_offered);
    EXPECT_FALSE(client.connected());
    expect_server_done(server);
    EXPECT_EQ(server.received(), "EHLO client.example\r\n");
}

TEST(TlsVerify, TrustedSiteStillRefusesInjection) {
    ScriptServer server(Script::esmtp({"STARTTLS"})
                            .expect("STARTTLS")
                            .send("220 go ahead\r\n250-PIPELINING\r\n250 AUTH PLAIN\r\n"));
    Client client;
    std::error_code ec;
    client.connect("127.0.0.1", server.port(), tls_options(Mode::starttls, Option::trusted_site),
                   ec);
    EXPECT_EQ(ec, error::starttls_injection);
    EXPECT_FALSE(client.connected());
    expect_server_done(server);
    EXPECT_EQ(server.received(), "EHLO client.example\r\nSTARTTLS\r\n");
}

// --- protocol versions ------------------------------------------------------------

// A server that speaks only old TLS (OpenSSL 3 needs security level 0 for it).
TlsServerConfig legacy_server(int version) {
    TlsServerConfig config = server_tls(pki().good);
    config.min_version = TLS1_VERSION;
    config.max_version = version;
    config.security_level = 0;
    config.cipher_list = "DEFAULT:@SECLEVEL=0";
    return config;
}

class LegacyServer : public ::testing::TestWithParam<std::tuple<int, Mode>> {};

INSTANTIATE_TEST_SUITE_P(Tls, LegacyServer,
                         ::testing::Combine(::testing::Values(TLS1_VERSION, TLS1_1_VERSION),
                                            ::testing::Values(Mode::starttls, Mode::implicit)),
                         [](const auto& info) {
                             return std::string(std::get<0>(info.param) == TLS1_VERSION ? "tls10"
                                                                                        : "tls11") +
                                    "_" + to_string(std::get<1>(info.param));
                         });

TEST_P(LegacyServer, RefusedWithoutSecureFallback) {
    const auto [version, mode] = GetParam();
    ScriptServer server(until_handshake(mode, legacy_server(version)));
    Client client;
    std::error_code ec;
    client.connect("localhost", server.port(), tls_options(mode), ec);
    EXPECT_EQ(ec, error::tls_version_refused) << ec.message() << " / " << ec.category().name();
    expect_refused_before_smtp(client, server, mode);
}

TEST_P(LegacyServer, SecureFallbackConnectsAndStillVerifies) {
    const auto [version, mode] = GetParam();
    ScriptServer server(delivering(mode, legacy_server(version)));
    Client client;
    const SecurityInfo info =
        expect_delivery(client, server, "localhost", tls_options(mode, Option::secure_fallback));
    EXPECT_EQ(info.protocol, version == TLS1_VERSION ? "TLSv1" : "TLSv1.1");
    EXPECT_TRUE(info.verified);
    EXPECT_EQ(server.tls_records().at(0).version, info.protocol);
}

TEST(TlsVerify, SecureFallbackDoesNotSkipVerification) {
    ScriptServer server(until_handshake(Mode::starttls, server_tls(pki().expired)));
    Client client;
    std::error_code ec;
    client.connect("localhost", server.port(), tls_options(Mode::starttls, Option::secure_fallback),
                   ec);
    EXPECT_EQ(ec, error::certificate_expired) << ec.message();
    expect_refused_before_smtp(client, server, Mode::starttls);
}

// A server with no certificate at all: only anonymous (aNULL) TLS 1.2
// suites, which authenticate nobody.
TlsServerConfig anonymous_server() {
    TlsServerConfig config;
    config.min_version = TLS1_2_VERSION;
    config.max_version = TLS1_2_VERSION;
    config.security_level = 0;
    config.cipher_list = "aNULL:@SECLEVEL=0";
    return config;
}

TEST(TlsVerify, AnonymousServerHasNoCipherInCommon) {
    ScriptServer server(until_handshake(Mode::starttls, anonymous_server()));
    Client client;
    std::error_code ec;
    client.connect("localhost", server.port(), tls_options(Mode::starttls), ec);
    EXPECT_EQ(ec, error::tls_handshake_failed) << ec.message();
    expect_refused_before_smtp(client, server, Mode::starttls);
}

// secure_fallback's legacy suites may agree on an anonymous one; the
// missing certificate is still a verification failure.
TEST(TlsVerify, SecureFallbackRefusesAServerWithoutCertificate) {
    ScriptServer server(until_handshake(Mode::starttls, anonymous_server()));
    Client client;
    std::error_code ec;
    client.connect("localhost", server.port(), tls_options(Mode::starttls, Option::secure_fallback),
                   ec);
    EXPECT_EQ(ec, error::certificate_invalid) << ec.message();
    expect_refused_before_smtp(client, server, Mode::starttls);
}

// --- client certificates ------------------------------------------------------------

TlsServerConfig asking_for_client_certificate() {
    TlsServerConfig config = server_tls(pki().good);
    config.request_client_certificate = true;
    return config;
}

class ClientCertificate : public ::testing::TestWithParam<Mode> {};

INSTANTIATE_TEST_SUITE_P(Tls, ClientCertificate, ::testing::Values(Mode::starttls, Mode::implicit),
                         [](const auto& info) { return to_string(info.param); });

TEST_P(ClientCertificate, ServerSeesItsSubject) {
    ScriptServer server(delivering(GetParam(), asking_for_client_certificate()));
    ConnectOptions options = tls_options(GetParam());
    options.tls.cert_file = pki().client.cert;
    options.tls.key_file = pki().client.key;
    Client client;
    expect_delivery(client, server, "localhost", options);
    const TlsRecord record = server.tls_records().at(0);
    EXPECT_TRUE(record.client_certificate);
    EXPECT_EQ(record.client_subject, "CN=" + pki().client_common_name + ",O=smtpkit tests");
}

TEST_P(ClientCertificate, NoneConfiguredNoneSent) {
    ScriptServer server(delivering(GetParam(), asking_for_client_certificate()));
    Client client;
    expect_delivery(client, server, "localhost", tls_options(GetParam()));
    EXPECT_FALSE(server.tls_records().at(0).client_certificate);
}

TEST_P(ClientCertificate, EncryptedKeyWithItsPassword) {
    ScriptServer server(delivering(GetParam(), asking_for_client_certificate()));
    ConnectOptions options = tls_options(GetParam());
    options.tls.cert_file = pki().client_encrypted.cert;
    options.tls.key_file = pki().client_encrypted.key;
    options.tls.key_password = pki().client_key_password;
    Client client;
    expect_delivery(client, server, "localhost", options);
    EXPECT_TRUE(server.tls_records().at(0).client_certificate);
}

// --- bad local TLS settings: nothing is even connected --------------------------------

struct BadSetting {
    std::string name;
    TlsOptions (*options)();
};

void PrintTo(const BadSetting& s, std::ostream* os) {
    *os << s.name;
}

TlsOptions with_client_key(std::string key, std::string password) {
    TlsOptions o;
    o.ca_file = pki().ca_file;
    o.cert_file = pki().client.cert;
    o.key_file = std::move(key);
    o.key_password = std::move(password);
    return o;
}

const std::vector<BadSetting>& bad_settings() {
    static const std::vector<BadSetting> cases = {
        {"wrong_key_password",
         [] { return with_client_key(pki().client_encrypted.key, "wrong password"); }},
        {"no_key_password", [] { return with_client_key(pki().client_encrypted.key, ""); }},
        {"key_of_another_certificate", [] { return with_client_key(pki().good.key, ""); }},
        {"missing_key_file", [] { return with_client_key(pki().dir() + "/no-such.key", ""); }},
        {"missing_cert_file",
         [] {
             TlsOptions o = with_client_key(pki().client.key, "");
             o.cert_file = pki().dir() + "/no-such.crt";
             return o;
         }},
        {"missing_ca_file",
         [] {
             TlsOptions o;
             o.ca_file = pki().dir() + "/no-such-ca.crt";
             return o;
         }},
        {"ca_file_not_pem",
         [] {
             TlsOptions o;
             o.ca_file = pki().good.key;  // a key, not a certificate
             return o;
         }},
    };
    return cases;
}

class BadTlsSetting : public ::testing::TestWithParam<std::tuple<BadSetting, Mode>> {};

INSTANTIATE_TEST_SUITE_P(Tls, BadTlsSetting,
                         ::testing::Combine(::testing::ValuesIn(bad_settings()),
                                            ::testing::Values(Mode::starttls, Mode::implicit)),
                         [](const auto& info) {
                             return std::get<0>(info.param).name + "_" +
                                    to_string(std::get<1>(info.param));
                         });

TEST_P(BadTlsSetting, FailsWithTlsSetupFailedBeforeConnecting) {
    const auto& [setting, mode] = GetParam();
    ScriptServer server(Script::esmtp({"STARTTLS"}));
    ConnectOptions options = tls_options(mode);
    options.tls = setting.options();
    Client client;
    std::error_code ec;
    client.connect("localhost", server.port(), options, ec);
    EXPECT_EQ(ec, error::tls_setup_failed) << ec.message();
    EXPECT_FALSE(client.connected());
    EXPECT_EQ(server.connections(), 0u);
}

TEST(TlsVerify, SetupFailureNamesTheReason) {
    ConnectOptions options = tls_options(Mode::starttls);
    options.tls.ca_file = pki().dir() + "/no-such-ca.crt";
    Client client;
    try {
        client.connect("127.0.0.1", 1, options);
        ADD_FAILURE() << "connect() did not throw";
    } catch (const smtpkit::system_error& e) {
        EXPECT_EQ(e.code(), error::tls_setup_failed);
        EXPECT_TRUE(has_substr(e.what(), "CA certificates"));
    }
}

}  // namespace
}  // namespace smtpkit::test
