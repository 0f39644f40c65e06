// The CLI's connection flags: --proxy URLs, --proxy-user with the password
// from SMTPKIT_PROXY_PASSWORD only, --prefer-ipv6, and what they make of
// ConnectOptions for send and probe.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

#include "cli/probe_command.hpp"
#include "cli/proxy_flags.hpp"
#include "cli/send_command.hpp"

namespace smtpkit::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Sets or unsets SMTPKIT_PROXY_PASSWORD for one test.
class PasswordVariable {
  public:
    explicit PasswordVariable(const char* value) {
        if (value != nullptr) {
            ::setenv(proxy_password_variable, value, 1);
        } else {
            ::unsetenv(proxy_password_variable);
        }
    }
    ~PasswordVariable() { ::unsetenv(proxy_password_variable); }
    PasswordVariable(const PasswordVariable&) = delete;
    PasswordVariable& operator=(const PasswordVariable&) = delete;
};

ConnectOptions send_options(std::vector<std::string> args) {
    args.insert(args.begin(), {"--from", "a@x.org", "--to", "b@x.org"});
    CLI::App app("test");
    SendOptions options;
    add_send_flags(app, options);
    std::reverse(args.begin(), args.end());  // CLI11 takes them reversed
    app.parse(args);
    return send_connect_options(options);
}

ConnectOptions probe_options(std::vector<std::string> args) {
    args.insert(args.begin(), {"--server", "mail.example"});
    CLI::App app("test");
    ProbeOptions options;
    add_probe_flags(app, options);
    std::reverse(args.begin(), args.end());
    app.parse(args);
    return probe_connect_options(options);
}

// The usage error the flags give, or "" when they parse.
std::string usage_error(std::vector<std::string> args) {
    try {
        send_options(std::move(args));
    } catch (const CLI::ParseError& e) {
        return e.what();
    }
    return {};
}

TEST(CliProxyUrl, ParsesEachKind) {
    std::string why;
    const auto socks = parse_proxy_url("socks5://127.0.0.1:1080", why);
    ASSERT_TRUE(socks) << why;
    EXPECT_EQ(socks->kind, ProxyKind::socks5);
    EXPECT_EQ(socks->host, "127.0.0.1");
    EXPECT_EQ(socks->port, 1080);
    EXPECT_TRUE(socks->user.empty());

    const auto http = parse_proxy_url("http://alice@proxy.example:3128/", why);
    ASSERT_TRUE(http) << why;
    EXPECT_EQ(http->kind, ProxyKind::http_connect);
    EXPECT_EQ(http->host, "proxy.example");
    EXPECT_EQ(http->port, 3128);
    EXPECT_EQ(http->user, "alice");

    const auto v6 = parse_proxy_url("socks5h://[::1]:9050", why);
    ASSERT_TRUE(v6) << why;
    EXPECT_EQ(v6->host, "::1");
    EXPECT_EQ(v6->port, 9050);

    const auto forward = parse_proxy_url("forward://127.0.0.1:2525", why);
    ASSERT_TRUE(forward) << why;
    EXPECT_EQ(forward->kind, ProxyKind::port_forward);
}

TEST(CliProxyUrl, RefusesWhatItCannotUse) {
    for (const char* url : {"127.0.0.1:1080", "socks4://127.0.0.1:1080", "socks5://127.0.0.1",
                            "socks5://:1080", "socks5://127.0.0.1:0", "socks5://127.0.0.1:65536",
                            "socks5://127.0.0.1:x", "http://::1:8080", "http://[::1]8080",
                            "socks5://@127.0.0.1:1080", "forward://alice@127.0.0.1:2525"}) {
        std::string why;
        EXPECT_FALSE(parse_proxy_url(url, why)) << url;
        EXPECT_FALSE(why.empty()) << url;
    }
}

TEST(CliProxyUrl, APasswordOnTheCommandLineIsAUsageErrorThatDoesNotRepeatIt) {
    std::string why;
    EXPECT_FALSE(parse_proxy_url("socks5://alice:Hunter2@127.0.0.1:1080", why));
    EXPECT_THAT(why, HasSubstr("SMTPKIT_PROXY_PASSWORD"));
    EXPECT_THAT(why, Not(HasSubstr("Hunter2")));
    const PasswordVariable set("x");
    EXPECT_THAT(usage_error({"--proxy", "socks5://alice:Hunter2@127.0.0.1:1080"}),
                Not(HasSubstr("Hunter2")));
    EXPECT_NE(usage_error({"--proxy", "socks5://alice:Hunter2@127.0.0.1:1080"}), "");
}

TEST(CliProxyFlags, ProxyMakesATunnelAndPreferIpv6SetsItsBit) {
    const PasswordVariable unset(nullptr);
    const ConnectOptions none = send_options({});
    EXPECT_FALSE(none.proxy.enabled());
    EXPECT_FALSE(has(none.options, Option::tunnel | Option::prefer_ipv6));

    const ConnectOptions c = send_options({"--proxy", "socks5://127.0.0.1:1080", "--prefer-ipv6"});
    EXPECT_EQ(c.proxy.kind, ProxyKind::socks5);
    EXPECT_EQ(c.proxy.port, 1080);
    EXPECT_TRUE(has(c.options, Option::tunnel));
    EXPECT_TRUE(has(c.options, Option::prefer_ipv6));
    EXPECT_TRUE(c.proxy.password.empty());

    const ConnectOptions p = probe_options({"--proxy", "http://127.0.0.1:3128", "--prefer-ipv6"});
    EXPECT_EQ(p.proxy.kind, ProxyKind::http_connect);
    EXPECT_TRUE(has(p.options, Option::prefer_ipv6));
}

TEST(CliProxyFlags, UserTakesThePasswordFromTheEnvironment) {
    const PasswordVariable set("Hunter2");
    const ConnectOptions a =
        send_options({"--proxy", "http://127.0.0.1:3128", "--proxy-user", "alice"});
    EXPECT_EQ(a.proxy.user, "alice");
    EXPECT_EQ(a.proxy.password, "Hunter2");
    const ConnectOptions b = send_options({"--proxy", "socks5://bob@127.0.0.1:1080"});
    EXPECT_EQ(b.proxy.user, "bob");
    EXPECT_EQ(b.proxy.password, "Hunter2");
}

TEST(CliProxyFlags, EmptyPasswordVariableIsAPassword) {
    const PasswordVariable empty("");
    const ConnectOptions c = send_options({"--proxy", "socks5://bob@127.0.0.1:1080"});
    EXPECT_EQ(c.proxy.user, "bob");
    EXPECT_EQ(c.proxy.password, "");
}

TEST(CliProxyFlags, UsageErrors) {
    const PasswordVariable unset(nullptr);
    EXPECT_THAT(usage_error({"--proxy-user", "alice"}), HasSubstr("--proxy"));
    EXPECT_THAT(usage_error({"--proxy", "http://127.0.0.1:3128", "--proxy-user", "alice"}),
                HasSubstr("SMTPKIT_PROXY_PASSWORD"));
    EXPECT_THAT(usage_error({"--proxy", "socks5://bob@127.0.0.1:1080"}),
                HasSubstr("SMTPKIT_PROXY_PASSWORD"));
    EXPECT_NE(usage_error({"--proxy", "ftp://127.0.0.1:21"}), "");
    const PasswordVariable set("x");
    EXPECT_THAT(usage_error({"--proxy", "socks5://bob@127.0.0.1:1080", "--proxy-user", "alice"}),
                HasSubstr("once"));
    EXPECT_EQ(usage_error({"--proxy", "socks5://bob@127.0.0.1:1080"}), "");
}

TEST(CliProxyFlags, DescriptionNamesNoCredentials) {
    ProxyOptions p{ProxyKind::socks5, "::1", 1080, "alice", "Hunter2"};
    EXPECT_EQ(describe_proxy(p), "socks5 [::1] port 1080");
}

}  // namespace
}  // namespace smtpkit::cli
