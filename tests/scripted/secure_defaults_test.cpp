// Safe by default: a default-constructed ConnectOptions requires TLS (so a
// server without STARTTLS gets nothing but EHLO), TLS settings on a
// plaintext session are an error rather than ignored, and the opportunistic
// mode takes TLS when offered and never sends a clear-text password without.
#include "scripted/client_fixture.hpp"
#include "support/test_certs.hpp"

namespace smtpkit::test {
namespace {

TEST(SecureDefaults, DefaultOptionsRequireStarttls) {
    const ConnectOptions defaults;
    EXPECT_EQ(defaults.security, Security::tls_required);
    EXPECT_TRUE(defaults.extended);

    ScriptServer server(Script::esmtp({"PIPELINING", "8BITMIME"}));
    Client client;
    ConnectOptions options;  // only the name for EHLO differs from the default
    options.helo_name = helo_name;
    std::error_code ec;
    client.connect("127.0.0.1", server.port(), options, ec);
    EXPECT_EQ(ec, error::starttls_not_offered);
    EXPECT_FALSE(client.connected());
    expect_server_done(server);
    EXPECT_EQ(server.lines(), std::vector<std::string>{"EHLO client.example"});
}

TEST(SecureDefaults, DefaultOptionsOnPort465MeanImplicitTls) {
    std::error_code ec;
    const ConnectPlan plan = plan_connection(465, ConnectOptions{}, ec);
    EXPECT_FALSE(ec);
    EXPECT_TRUE(plan.implicit_tls);
    EXPECT_FALSE(plan.starttls);
    EXPECT_TRUE(plan.tls_required);
    EXPECT_TRUE(plan.verify);
    const ConnectPlan on_587 = plan_connection(587, ConnectOptions{}, ec);
    EXPECT_TRUE(on_587.starttls);
    EXPECT_TRUE(on_587.tls_required);
    EXPECT_EQ(plan_connection(0, ConnectOptions{.security = Security::implicit_tls}, ec).port, 465);
    EXPECT_EQ(plan_connection(0, ConnectOptions{}, ec).port, 25);
}

TEST(SecureDefaults, PlaintextIsANamedChoice) {
    std::error_code ec;
    const ConnectPlan plan =
        plan_connection(25, ConnectOptions{.security = Security::plaintext}, ec);
    EXPECT_FALSE(ec);
    EXPECT_FALSE(plan.starttls || plan.implicit_tls || plan.tls_required);
    EXPECT_TRUE(plan.extended);
    EXPECT_FALSE(
        plan_connection(25, ConnectOptions{.security = Security::plaintext, .extended = false}, ec)
            .extended);
    // Submission is ESMTP whatever `extended` says (RFC 6409).
    EXPECT_TRUE(
        plan_connection(587, ConnectOptions{.security = Security::plaintext, .extended = false}, ec)
            .extended);
}

struct TlsSetting {
    const char* name;
    void (*apply)(ConnectOptions&);
};

void PrintTo(const TlsSetting& s, std::ostream* os) {
    *os << s.name;
}

class TlsSettingsWithoutTls : public ::testing::TestWithParam<TlsSetting> {};

TEST_P(TlsSettingsWithoutTls, AreAnErrorBeforeConnecting) {
    ScriptServer server(Script().close());
    Client client;
    ConnectOptions options = esmtp_options();  // plaintext
    GetParam().apply(options);
    std::error_code ec;
    client.connect("127.0.0.1", server.port(), options, ec);
    EXPECT_EQ(ec, error::tls_settings_without_tls);
    EXPECT_EQ(ec, condition::misuse);
    EXPECT_FALSE(client.connected());
    EXPECT_EQ(server.connections(), 0u);  // refused before connecting
    // The same settings with a TLS mode are fine as far as planning goes.
    options.security = Security::starttls;
    plan_connection(25, options, ec);
    EXPECT_FALSE(ec);
}

INSTANTIATE_TEST_SUITE_P(
    Each, TlsSettingsWithoutTls,
    ::testing::Values(TlsSetting{"ca_file", [](ConnectOptions& o) { o.tls.ca_file = "/ca.pem"; }},
                      TlsSetting{"ca_path", [](ConnectOptions& o) { o.tls.ca_path = "/certs"; }},
                      TlsSetting{"cert_file", [](ConnectOptions& o) { o.tls.cert_file = "/c"; }},
                      TlsSetting{"key_file", [](ConnectOptions& o) { o.tls.key_file = "/k"; }},
                      TlsSetting{"trusted_site",
                                 [](ConnectOptions& o) { o.options |= Option::trusted_site; }},
                      TlsSetting{"secure_fallback",
                                 [](ConnectOptions& o) { o.options |= Option::secure_fallback; }}),
    [](const auto& info) { return std::string(info.param.name); });

ConnectOptions opportunistic() {
    ConnectOptions o = esmtp_options();
    o.security = Security::starttls_when_available;
    o.tls.ca_file = test_certificates().ca_file;
    o.allow_insecure_auth = false;
    return o;
}

TEST(Opportunistic, WithoutAnOfferTheSessionStaysPlaintextAndKeepsPasswordsBack) {
    ScriptServer server(Script::esmtp({"AUTH PLAIN LOGIN", "8BITMIME"}).quit());
    Client client;
    client.connect("localhost", server.port(), opportunistic());
    EXPECT_TRUE(client.connected());
    EXPECT_FALSE(client.security_info().active);
    std::error_code ec;
    client.authenticate("user", "secret", AuthMechanism::plain, ec);
    EXPECT_EQ(ec, error::auth_insecure);  // no clear-text password, opportunistic or not
    client.quit();
    expect_server_done(server);
    EXPECT_FALSE(server.saw("AUTH"));
}

TEST(Opportunistic, WithAnOfferTlsIsUsedAndVerified) {
    ScriptServer server(Script::esmtp({"STARTTLS"})
                            .accept_starttls(server_tls(test_certificates().good))
                            .ehlo({"AUTH PLAIN"})
                            .quit());
    Client client;
    client.connect("localhost", server.port(), opportunistic());
    EXPECT_TRUE(client.security_info().active);
    EXPECT_TRUE(client.security_info().verified);
    EXPECT_TRUE(client.capabilities_before_tls().starttls());
    EXPECT_TRUE(client.capabilities().supports_auth("PLAIN"));
    EXPECT_FALSE(client.capabilities_before_tls().has("AUTH"));
    ASSERT_TRUE(client.opening().before_tls.has_value());
    ASSERT_TRUE(client.opening().after_tls.has_value());
    EXPECT_EQ(client.opening().starttls.code, 220);
    client.quit();
    expect_server_done(server);
}

TEST(Opportunistic, AnOfferThatFailsIsNotAFallbackToPlaintext) {
    ScriptServer server(
        Script::esmtp({"STARTTLS"}).expect("STARTTLS").send("454 4.7.0 TLS not available\r\n"));
    Client client;
    std::error_code ec;
    client.connect("localhost", server.port(), opportunistic(), ec);
    EXPECT_EQ(ec, error::starttls_deferred);
    EXPECT_FALSE(client.connected());
    expect_server_done(server);
}

}  // namespace
}  // namespace smtpkit::test
