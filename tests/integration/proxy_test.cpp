// Tunnels through real proxies started by the tests: microsocks (SOCKS5, with
// and without user/password), Dante (SOCKS5) and tinyproxy (HTTP CONNECT,
// with and without Basic auth), each carrying a delivery to the private
// Postfix over STARTTLS, with the certificate verified against the
// destination's name. Refusals (wrong credentials, a port the proxy does not
// allow, a closed destination) give their own errors, never the password.
// And the CLI's --proxy end to end.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "smtpkit/client.hpp"
#include "smtpkit/error.hpp"
#include "support/connect_outcome.hpp"
#include "support/postfix_server.hpp"
#include "support/proxy_servers.hpp"
#include "support/server_process.hpp"
#include "support/test_certs.hpp"

namespace smtpkit::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const std::string kUser = "tunnel-user";
const std::string kPassword = "Tunnel-Secret-42";

PostfixOptions tls_postfix(bool smtps = false) {
    const TestCertificates& pki = test_certificates();
    PostfixOptions options;
    options.tls = PostfixTls{pki.good.chain, pki.good.key};
    options.smtps = smtps;
    return options;
}

struct ProxyCase {
    const char* name;
    ProxyProgram program;
    ProxyKind kind;
    bool with_auth;
};

void PrintTo(const ProxyCase& c, std::ostream* os) {
    *os << c.name;
}

ProxyServerOptions server_options(const ProxyCase& c, std::uint16_t destination_port) {
    ProxyServerOptions o;
    o.program = c.program;
    if (c.with_auth) {
        o.user = kUser;
        o.password = kPassword;
    }
    o.connect_ports = {destination_port};
    return o;
}

ConnectOptions through(const ProxyCase& c, const ProxyServer& proxy, Security security) {
    ConnectOptions options;
    options.security = security;
    options.timeout = std::chrono::seconds(20);
    options.helo_name = "client.smtpkit.test";
    if (security != Security::plaintext) {
        options.tls.ca_file = test_certificates().ca_file;
    }
    options.proxy.kind = c.kind;
    options.proxy.host = "127.0.0.1";
    options.proxy.port = proxy.port();
    if (c.with_auth) {
        options.proxy.user = kUser;
        options.proxy.password = kPassword;
    }
    return options;
}

const std::string kMessage =
    "From: Sender <sender@localhost>\r\n"
    "To: root@localhost\r\n"
    "Subject: through a tunnel\r\n"
    "Message-ID: <tunnel@smtpkit.test>\r\n"
    "\r\n"
    "Carried by a proxy.\r\n";

class ThroughProxy : public ::testing::TestWithParam<ProxyCase> {};

TEST_P(ThroughProxy, DeliversOverStartTlsVerifiedForTheDestinationName) {
    PostfixServer postfix(tls_postfix());
    ProxyServer proxy(server_options(GetParam(), postfix.port()));
    std::string trace;
    Client client;
    client.set_trace(
        [&trace](TraceDirection, std::string_view line) { trace.append(line).append("\n"); });
    // "localhost" goes to the proxy as a name; TLS must verify that name,
    // not the proxy's 127.0.0.1.
    const ConnectOutcome c = try_connect(client, "localhost", postfix.port(),
                                         through(GetParam(), proxy, Security::starttls));
    ASSERT_FALSE(c.ec) << c.ec.message() << ": " << c.detail << "\n" << trace << proxy.log();
    const SecurityInfo info = client.security_info();
    EXPECT_TRUE(info.verified) << info.verify_result;
    EXPECT_EQ(info.verified_host, "localhost");
    // The TCP connection went to the proxy.
    EXPECT_THAT(trace, HasSubstr("connected to 127.0.0.1:" + std::to_string(proxy.port())));
    EXPECT_THAT(trace,
                HasSubstr("tunnel open to localhost port " + std::to_string(postfix.port())));
    EXPECT_THAT(trace, Not(HasSubstr(kPassword)));
    const SendResult result =
        client.send({"sender@localhost", {"root@localhost"}}, MessageSource::from_string(kMessage));
    EXPECT_TRUE(result.delivered()) << result.final_reply.summary();
    client.quit();
    const std::string stored = postfix.wait_for_mailbox("root");
    EXPECT_THAT(stored, HasSubstr("Carried by a proxy."));
    EXPECT_THAT(stored, HasSubstr("with ESMTPS"));
}

INSTANTIATE_TEST_SUITE_P(
    Proxies, ThroughProxy,
    ::testing::Values(
        ProxyCase{"microsocks", ProxyProgram::microsocks, ProxyKind::socks5, false},
        ProxyCase{"microsocks_auth", ProxyProgram::microsocks, ProxyKind::socks5, true},
        ProxyCase{"dante", ProxyProgram::dante, ProxyKind::socks5, false},
        ProxyCase{"tinyproxy", ProxyProgram::tinyproxy, ProxyKind::http_connect, false},
        ProxyCase{"tinyproxy_auth", ProxyProgram::tinyproxy, ProxyKind::http_connect, true}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(ThroughProxyTls, ImplicitTlsThroughSocks5VerifiesTheDestination) {
    PostfixServer postfix(tls_postfix(true));
    const ProxyCase c{"microsocks", ProxyProgram::microsocks, ProxyKind::socks5, false};
    ProxyServer proxy(server_options(c, postfix.smtps_port()));
    Client client;
    const ConnectOutcome o = try_connect(client, "localhost", postfix.smtps_port(),
                                         through(c, proxy, Security::implicit_tls));
    ASSERT_FALSE(o.ec) << o.ec.message() << ": " << o.detail;
    EXPECT_TRUE(client.security_info().implicit);
    EXPECT_EQ(client.security_info().verified_host, "localhost");
    client.quit();
}

// Verification stays on through a tunnel: a certificate for another host is
// refused, though the proxy itself is a trusted local address.
TEST(ThroughProxyTls, CertificateForAnotherHostIsRefused) {
    const TestCertificates& pki = test_certificates();
    PostfixOptions options;
    options.tls = PostfixTls{pki.wrong_host.chain, pki.wrong_host.key};
    PostfixServer postfix(options);
    const ProxyCase c{"microsocks", ProxyProgram::microsocks, ProxyKind::socks5, false};
    ProxyServer proxy(server_options(c, postfix.port()));
    Client client;
    const ConnectOutcome o =
        try_connect(client, "localhost", postfix.port(), through(c, proxy, Security::starttls));
    EXPECT_EQ(o.ec, error::certificate_host_mismatch) << o.ec.message() << ": " << o.detail;
}

struct AuthCase {
    const char* name;
    ProxyProgram program;
    ProxyKind kind;
};

void PrintTo(const AuthCase& c, std::ostream* os) {
    *os << c.name;
}

class ProxyCredentials : public ::testing::TestWithParam<AuthCase> {
  protected:
    ConnectOutcome connect_with(const std::string& user, const std::string& password) {
        const ProxyCase c{GetParam().name, GetParam().program, GetParam().kind, true};
        ProxyServer proxy(server_options(c, postfix_.port()));
        ConnectOptions options = through(c, proxy, Security::starttls);
        options.proxy.user = user;
        options.proxy.password = password;
        Client client;
        ConnectOutcome o = try_connect(client, "localhost", postfix_.port(), options);
        // The throwing form says the same, and never the password either.
        try {
            Client again;
            again.connect("localhost", postfix_.port(), options);
            ADD_FAILURE() << "connected with bad credentials";
        } catch (const system_error& e) {
            EXPECT_EQ(e.code(), o.ec);
            EXPECT_THAT(e.what(), Not(HasSubstr(password.empty() ? "\x01" : password)));
        }
        return o;
    }

    PostfixServer postfix_{tls_postfix()};
};

TEST_P(ProxyCredentials, WrongPasswordIsAClearProxyAuthenticationError) {
    const ConnectOutcome o = connect_with(kUser, "Wrong-Password-7");
    EXPECT_EQ(o.ec, error::proxy_auth_failed) << o.ec.message() << ": " << o.detail;
    EXPECT_THAT(o.ec.message(), HasSubstr("proxy authentication failed"));
    EXPECT_THAT(o.detail, Not(HasSubstr("Wrong-Password-7")));
    EXPECT_EQ(o.ec, condition::permanent);
}

TEST_P(ProxyCredentials, MissingCredentialsSayTheProxyWantsThem) {
    const ConnectOutcome o = connect_with("", "");
    EXPECT_EQ(o.ec, error::proxy_auth_required) << o.ec.message() << ": " << o.detail;
}

INSTANTIATE_TEST_SUITE_P(
    Proxies, ProxyCredentials,
    ::testing::Values(AuthCase{"microsocks", ProxyProgram::microsocks, ProxyKind::socks5},
                      AuthCase{"tinyproxy", ProxyProgram::tinyproxy, ProxyKind::http_connect}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(ProxyRefusals, TinyproxyRefusesAPortItDoesNotAllow) {
    PostfixServer postfix(tls_postfix());
    ProxyServerOptions o;
    o.program = ProxyProgram::tinyproxy;
    o.connect_ports = {static_cast<std::uint16_t>(postfix.port() == 1 ? 2 : postfix.port() - 1)};
    ProxyServer proxy(o);
    const ProxyCase c{"tinyproxy", ProxyProgram::tinyproxy, ProxyKind::http_connect, false};
    Client client;
    const ConnectOutcome r =
        try_connect(client, "localhost", postfix.port(), through(c, proxy, Security::starttls));
    EXPECT_EQ(r.ec, error::proxy_not_allowed) << r.ec.message() << ": " << r.detail;
    EXPECT_THAT(r.detail, HasSubstr("403"));
    EXPECT_TRUE(client.last_reply().empty());  // no SMTP was spoken
}

TEST(ProxyRefusals, Socks5ProxiesReportAClosedDestination) {
    const std::uint16_t closed = free_loopback_port();
    for (const ProxyProgram program : {ProxyProgram::microsocks, ProxyProgram::dante}) {
        const ProxyCase c{"socks", program, ProxyKind::socks5, false};
        ProxyServer proxy(server_options(c, closed));
        Client client;
        const ConnectOutcome r =
            try_connect(client, "127.0.0.1", closed, through(c, proxy, Security::plaintext));
        EXPECT_EQ(r.ec, error::proxy_connection_refused)
            << to_string(program) << ": " << r.ec.message() << ": " << r.detail << "\n"
            << proxy.log();
        EXPECT_EQ(r.ec, condition::transient);
    }
}

// ---- the CLI -------------------------------------------------------------------

std::vector<std::string> cli_send(const PostfixServer& postfix, const std::string& proxy_url,
                                  std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {SMTPKIT_CLI_PATH, "send",
                                     "--server",       "localhost",
                                     "--port",         std::to_string(postfix.port()),
                                     "--tls",          "starttls",
                                     "--cafile",       test_certificates().ca_file,
                                     "--from",         "a@localhost",
                                     "--to",           "root@localhost",
                                     "--subject",      "CLI through a proxy",
                                     "--text",         "Tunnelled by the CLI.",
                                     "--proxy",        proxy_url};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
}

std::string describe(const CommandOutput& r) {
    return "exit " + std::to_string(r.exit_code) + "\n--- stdout ---\n" + r.out +
           "\n--- stderr ---\n" + r.err;
}

TEST(ProxyCli, SendsThroughSocks5AndHttpConnect) {
    PostfixServer postfix(tls_postfix());
    ProxyServer socks({.program = ProxyProgram::microsocks});
    const CommandOutput a =
        run_capture(cli_send(postfix, "socks5://127.0.0.1:" + std::to_string(socks.port())));
    EXPECT_EQ(a.exit_code, 0) << describe(a);
    ProxyServer http({.program = ProxyProgram::tinyproxy, .connect_ports = {postfix.port()}});
    const CommandOutput b = run_capture(
        cli_send(postfix, "http://127.0.0.1:" + std::to_string(http.port()), {"--trace"}));
    EXPECT_EQ(b.exit_code, 0) << describe(b);
    EXPECT_THAT(b.err, HasSubstr("tunnel open to localhost"));
    postfix.wait_for_mailbox("root", 10s, 2);
}

TEST(ProxyCli, PasswordComesFromTheEnvironmentOnly) {
    PostfixServer postfix(tls_postfix());
    ProxyServer proxy({.program = ProxyProgram::tinyproxy,
                       .user = kUser,
                       .password = kPassword,
                       .connect_ports = {postfix.port()}});
    const std::string url = "http://127.0.0.1:" + std::to_string(proxy.port());

    ::unsetenv("SMTPKIT_PROXY_PASSWORD");
    const CommandOutput unset = run_capture(cli_send(postfix, url, {"--proxy-user", kUser}));
    EXPECT_EQ(unset.exit_code, 64) << describe(unset);
    EXPECT_THAT(unset.err, HasSubstr("SMTPKIT_PROXY_PASSWORD"));

    const CommandOutput in_url =
        run_capture(cli_send(postfix, "http://" + kUser + ":" + kPassword +
                                          "@127.0.0.1:" + std::to_string(proxy.port())));
    EXPECT_EQ(in_url.exit_code, 64) << describe(in_url);
    EXPECT_THAT(in_url.err, Not(HasSubstr(kPassword)));

    ::setenv("SMTPKIT_PROXY_PASSWORD", "Wrong-Password-7", 1);
    const CommandOutput wrong =
        run_capture(cli_send(postfix, url, {"--proxy-user", kUser, "--json", "--trace"}));
    EXPECT_EQ(wrong.exit_code, 77) << describe(wrong);
    EXPECT_THAT(wrong.out, HasSubstr("proxy_auth_failed"));
    EXPECT_THAT(wrong.out + wrong.err, Not(HasSubstr("Wrong-Password-7")));

    ::setenv("SMTPKIT_PROXY_PASSWORD", kPassword.c_str(), 1);
    const CommandOutput good = run_capture(cli_send(
        postfix, "http://" + kUser + "@127.0.0.1:" + std::to_string(proxy.port()), {"--trace"}));
    ::unsetenv("SMTPKIT_PROXY_PASSWORD");
    EXPECT_EQ(good.exit_code, 0) << describe(good);
    EXPECT_THAT(good.out + good.err, Not(HasSubstr(kPassword)));
    postfix.wait_for_mailbox("root");
}

TEST(ProxyCli, ProbeThroughSocks5) {
    PostfixServer postfix(tls_postfix());
    ProxyServer socks({.program = ProxyProgram::dante});
    const CommandOutput r =
        run_capture({SMTPKIT_CLI_PATH, "probe", "--server", "localhost", "--port",
                     std::to_string(postfix.port()), "--tls", "starttls", "--cafile",
                     test_certificates().ca_file, "--proxy",
                     "socks5://127.0.0.1:" + std::to_string(socks.port())});
    EXPECT_EQ(r.exit_code, 0) << describe(r);
    EXPECT_THAT(r.out, HasSubstr("STARTTLS"));
}

}  // namespace
}  // namespace smtpkit::test
