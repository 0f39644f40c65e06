// CSmtpClient::Connect and the session members against scripted servers:
// the seed's option rules (0 is HELO in plaintext, EXTENDED is EHLO, SECURE
// is STARTTLS, SECURE_IMPLICIT is TLS first, TRUSTEDSITE, TUNNEL), the
// returns and GetLastError codes of each failure, Disconnect, timeouts.
#include "compat/connect_plan.hpp"
#include "scripted/compat_fixture.hpp"
#include "support/server_process.hpp"
#include "support/test_certs.hpp"

namespace smtpkit::test {
namespace {

TEST(CompatConnect, OptionNoneIsHeloInPlaintextAndDisconnectSaysQuit) {
    ScriptServer server(Script::smtp().quit());
    CSmtpClient client;
    client.SetLocalName(helo_name);
    ASSERT_TRUE(client.Connect("127.0.0.1", server.port(), 2, SMTP_OPTION_NONE, NULL, WM_NULL));
    EXPECT_TRUE(client.IsConnected());
    EXPECT_EQ(client.GetLastError(), 0u);
    EXPECT_EQ(client.GetResultCode(), 250);  // the HELO reply
    DWORD offered = 1;
    EXPECT_TRUE(client.GetExtendedOptions(&offered));
    EXPECT_EQ(offered, 0u);  // HELO: no extensions
    EXPECT_TRUE(client.Disconnect());
    EXPECT_FALSE(client.IsConnected());
    expect_server_done(server);
    EXPECT_TRUE(server.saw("HELO client.example"));
}

TEST(CompatConnect, ExtendedSaysEhloAndReportsTheExtensions) {
    ScriptServer server(
        Script::esmtp({"PIPELINING", "SIZE 1000", "DSN", "8BITMIME", "AUTH PLAIN LOGIN", "VRFY"})
            .quit());
    CSmtpClient client;
    ASSERT_TRUE(connect_esmtp(client, server));
    DWORD offered = 0;
    ASSERT_TRUE(client.GetExtendedOptions(&offered));
    for (DWORD flag :
         {SMTP_EXTOPT_PIPELINING, SMTP_EXTOPT_SIZE, SMTP_EXTOPT_DSN, SMTP_EXTOPT_8BITMIME,
          SMTP_EXTOPT_AUTH, SMTP_EXTOPT_AUTHPLAIN, SMTP_EXTOPT_AUTHLOGIN, SMTP_EXTOPT_VRFY}) {
        EXPECT_NE(offered & flag, 0u) << hex(flag);
    }
    EXPECT_EQ(offered & (SMTP_EXTOPT_EXPN | SMTP_EXTOPT_CHUNKING | SMTP_EXTOPT_AUTHXOAUTH2), 0u);
    EXPECT_TRUE(client.Disconnect());
    expect_server_done(server);
}

TEST(CompatConnect, SecureIsStartTlsVerifiedWithTheGivenCa) {
    const TestCertificates& pki = test_certificates();
    ScriptServer server(Script::esmtp({"STARTTLS"})
                            .accept_starttls(server_tls(pki.good))
                            .ehlo({"8BITMIME"})
                            .quit());
    CSmtpClient client;
    ASSERT_TRUE(client.SetSecurityCredentials(pki.ca_file.c_str()));
    client.SetLocalName(helo_name);
    ASSERT_TRUE(client.Connect("localhost", server.port(), 5, SMTP_OPTION_SECURE))
        << hex(client.GetLastError());
    SECURITYINFOA info;
    ASSERT_TRUE(client.GetSecurityInformation(&info));
    EXPECT_TRUE(info.bSecure);
    EXPECT_FALSE(info.bImplicit);
    EXPECT_TRUE(info.bVerified);
    EXPECT_EQ(std::string(info.szProtocol).rfind("TLSv1.", 0), 0u);
    EXPECT_GT(info.dwCipherStrength, 0u);
    EXPECT_TRUE(has_substr(info.szCertSubject, "localhost"));
    EXPECT_TRUE(client.Disconnect());
    expect_server_done(server);
}

TEST(CompatConnect, SecureImplicitIsTlsFromTheFirstByte) {
    const TestCertificates& pki = test_certificates();
    ScriptServer server(Script().start_tls(server_tls(pki.good)).greet().ehlo({"8BITMIME"}).quit());
    CSmtpClient client;
    client.SetSecurityCredentials(pki.ca_file.c_str());
    client.SetLocalName(helo_name);
    ASSERT_TRUE(client.Connect("localhost", server.port(), 5, SMTP_OPTION_SECURE_IMPLICIT))
        << hex(client.GetLastError());
    SECURITYINFOA info;
    ASSERT_TRUE(client.GetSecurityInformation(&info));
    EXPECT_TRUE(info.bImplicit);
    EXPECT_TRUE(client.Disconnect());
    expect_server_done(server);
}

TEST(CompatConnect, AnUntrustedCertificateFailsUnlessTheSiteIsTrusted) {
    const TestCertificates& pki = test_certificates();
    const auto script = [&] {
        return Script::esmtp({"STARTTLS"}).accept_starttls(server_tls(pki.self_signed));
    };
    ScriptServer server({script(), Script(script()).ehlo().quit()});
    CSmtpClient client;
    client.SetLocalName(helo_name);
    EXPECT_FALSE(client.Connect("localhost", server.port(), 5, SMTP_OPTION_SECURE));
    EXPECT_ST_ERROR(client, ST_ERROR_CERTIFICATE_UNTRUSTED);
    char why[512];
    ASSERT_GT(client.GetErrorString(client.GetLastError(), why, sizeof why), 0);
    EXPECT_TRUE(has_substr(why, "not trusted"));
    EXPECT_TRUE(has_substr(why, "certificate_self_signed") || has_substr(why, "self"));

    ASSERT_TRUE(
        client.Connect("localhost", server.port(), 5, SMTP_OPTION_SECURE | SMTP_OPTION_TRUSTEDSITE))
        << hex(client.GetLastError());
    SECURITYINFOA info;
    ASSERT_TRUE(client.GetSecurityInformation(&info));
    EXPECT_TRUE(info.bSecure);
    EXPECT_FALSE(info.bVerified);
    EXPECT_TRUE(client.Disconnect());
    expect_server_done(server);
}

TEST(CompatConnect, TunnelNeedsAProxyAndGoesThroughOne) {
    ScriptServer server(Script::esmtp().quit());
    CSmtpClient client;
    client.SetLocalName(helo_name);
    EXPECT_FALSE(client.Connect("mail.example", 25, 2, SMTP_OPTION_EXTENDED | SMTP_OPTION_TUNNEL));
    EXPECT_ST_ERROR(client, ST_ERROR_PROXY_NOT_CONFIGURED);
    ASSERT_TRUE(client.SetProxy(SMTP_PROXY_FORWARD, "127.0.0.1", server.port()));
    ASSERT_TRUE(client.Connect("mail.example", 25, 2, SMTP_OPTION_EXTENDED | SMTP_OPTION_TUNNEL))
        << hex(client.GetLastError());
    EXPECT_TRUE(client.Disconnect());
    expect_server_done(server);
    EXPECT_FALSE(client.SetProxy(SMTP_PROXY_SOCKS5, "", 1080));
    EXPECT_ST_ERROR(client, ST_ERROR_INVALID_PARAMETER);
}

TEST(CompatConnect, FailuresReturnFalseWithTheirCodes) {
    CSmtpClient client;
    EXPECT_FALSE(client.Connect(static_cast<LPCSTR>(nullptr)));
    EXPECT_ST_ERROR(client, ST_ERROR_INVALID_PARAMETER);
    EXPECT_FALSE(client.Connect("127.0.0.1", 25, 2, 0x40000000));
    EXPECT_ST_ERROR(client, ST_ERROR_INVALID_OPTION);
    EXPECT_FALSE(client.Connect("127.0.0.1", 70000));
    EXPECT_ST_ERROR(client, ST_ERROR_INVALID_PARAMETER);

    const std::uint16_t closed = free_loopback_port();
    EXPECT_FALSE(client.Connect("127.0.0.1", closed, 2));
    EXPECT_ST_ERROR(client, ST_ERROR_CONNECTION_REFUSED);
    EXPECT_FALSE(client.IsConnected());

    ScriptServer refusing(Script().greet("554 5.3.2 not accepting mail\r\n").quit());
    EXPECT_FALSE(connect_esmtp(client, refusing));
    EXPECT_ST_ERROR(client, ST_ERROR_SERVICE_UNAVAILABLE);
    EXPECT_EQ(client.GetResultCode(), 554);
    char text[128];
    EXPECT_GT(client.GetResultString(text, sizeof text), 0);
    EXPECT_TRUE(has_substr(text, "not accepting mail"));
}

TEST(CompatConnect, AlreadyConnectedAndNotConnected) {
    ScriptServer server(Script::esmtp().quit());
    CSmtpClient client;
    EXPECT_FALSE(client.Reset());
    EXPECT_ST_ERROR(client, ST_ERROR_NOT_CONNECTED);
    DWORD offered = 0;
    EXPECT_FALSE(client.GetExtendedOptions(&offered));
    EXPECT_ST_ERROR(client, ST_ERROR_NOT_CONNECTED);
    ASSERT_TRUE(connect_esmtp(client, server));
    EXPECT_FALSE(connect_esmtp(client, server));
    EXPECT_ST_ERROR(client, ST_ERROR_ALREADY_CONNECTED);
    EXPECT_TRUE(client.Disconnect());
    expect_server_done(server);
}

TEST(CompatConnect, TheTimeoutIsSecondsAndSetTimeoutActsOnTheNextCall) {
    ScriptServer server(Script::esmtp().expect("NOOP").stall());
    CSmtpClient client;
    ASSERT_TRUE(connect_esmtp(client, server, 30));
    EXPECT_EQ(client.GetTimeout(), 30u);
    ASSERT_TRUE(client.SetTimeout(1));
    EXPECT_EQ(client.GetTimeout(), 1u);
    Stopwatch watch;
    EXPECT_EQ(client.Command("NOOP"), SMTP_ERROR);
    EXPECT_ST_ERROR(client, ST_ERROR_TIMEOUT);
    EXPECT_LT(watch.elapsed(), 5s);  // not the 30 s given to Connect
    EXPECT_FALSE(client.IsConnected());
    EXPECT_FALSE(client.SetTimeout(0));
    EXPECT_ST_ERROR(client, ST_ERROR_INVALID_PARAMETER);
    expect_server_done(server);
}

TEST(CompatConnect, IsReadableSeesWhatTheServerSaysUnasked) {
    ScriptServer server(Script::esmtp().delay(200ms).send("421 4.3.2 shutting down\r\n").close());
    CSmtpClient client;
    ASSERT_TRUE(connect_esmtp(client, server));
    EXPECT_TRUE(client.IsWritable());
    DWORD available = 7;
    EXPECT_FALSE(client.IsReadable(0, &available));
    EXPECT_EQ(available, 0u);
    EXPECT_TRUE(client.IsReadable(3000, &available));
    EXPECT_EQ(available, 1u);
    client.Command("NOOP");  // the next call reads the 421
    EXPECT_EQ(client.GetResultCode(), 421);
    client.Disconnect();
    expect_server_done(server);
}

// The seed's rules, option by option (ports 587 and 465 cannot be
// listened on here, so the plan is checked as such).
TEST(CompatConnectPlan, TheSeedsRules) {
    using compat::plan_seed_connect;
    DWORD error = 0;
    const compat::FacadeSettings none;
    auto plain = plan_seed_connect(0, 0, SMTP_OPTION_NONE, none, error);
    ASSERT_TRUE(plain);
    EXPECT_EQ(plain->options.security, Security::plaintext);
    EXPECT_FALSE(plain->options.extended);
    EXPECT_EQ(effective_port(plain->port, plain->options.security), 25);
    EXPECT_EQ(plain->options.timeout, std::chrono::seconds(20));

    auto submission = plan_seed_connect(587, 30, SMTP_OPTION_NONE, none, error);
    EXPECT_TRUE(submission->options.extended);  // 587 turns EXTENDED on
    EXPECT_EQ(submission->options.timeout, std::chrono::seconds(30));

    auto implicit = plan_seed_connect(0, 0, SMTP_OPTION_SECURE_IMPLICIT, none, error);
    EXPECT_EQ(implicit->options.security, Security::implicit_tls);
    EXPECT_EQ(effective_port(implicit->port, implicit->options.security), 465);
    auto both =
        plan_seed_connect(0, 0, SMTP_OPTION_SECURE | SMTP_OPTION_SECURE_IMPLICIT, none, error);
    EXPECT_EQ(both->options.security, Security::implicit_tls);
    auto starttls = plan_seed_connect(
        25, 0, SMTP_OPTION_SECURE | SMTP_OPTION_TRUSTEDSITE | SMTP_OPTION_SECURE_FALLBACK, none,
        error);
    EXPECT_EQ(starttls->options.security, Security::starttls);
    EXPECT_TRUE(has(starttls->options.options, Option::trusted_site));
    EXPECT_TRUE(has(starttls->options.options, Option::secure_fallback));

    // TRUSTEDSITE and SECURE_FALLBACK only touch TLS: left out without it.
    auto trusted_plain = plan_seed_connect(
        25, 0, SMTP_OPTION_TRUSTEDSITE | SMTP_OPTION_SECURE_FALLBACK, none, error);
    EXPECT_EQ(trusted_plain->options.options, Option::none);
    std::error_code plan_ec;
    plan_connection(trusted_plain->port, trusted_plain->options, plan_ec);
    EXPECT_FALSE(plan_ec);

    auto rest = plan_seed_connect(
        25, 0, SMTP_OPTION_TUNNEL | SMTP_OPTION_PREFER_IPV6 | SMTP_OPTION_FREETHREAD, none, error);
    EXPECT_EQ(rest->options.options, Option::tunnel | Option::prefer_ipv6 | Option::free_thread);

    EXPECT_FALSE(plan_seed_connect(25, 0, 0x4, none, error));
    EXPECT_EQ(error, ST_ERROR_INVALID_OPTION);
}

}  // namespace
}  // namespace smtpkit::test
