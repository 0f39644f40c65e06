// HTTP CONNECT: the request, Basic proxy authentication, the status line and
// headers with their limits, and the octets after the headers (the SMTP
// server's greeting) left for the tunnel; each at every split.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "proxy_drive.hpp"
#include "smtpkit/error.hpp"

namespace smtpkit::protocol {
namespace {

using test::drive_every_split;
using test::Outcome;
using test::Step;

const std::string kGreeting = "220 mail.example ESMTP\r\n";
const std::string kRequest = "CONNECT mail.example:25 HTTP/1.1\r\nHost: mail.example:25\r\n\r\n";

auto http(std::string host = "mail.example", std::uint16_t port = 25, std::string user = {},
          std::string password = {}) {
    return [=] { return make_http_connect_handshake({host, port, user, password}); };
}

Outcome answer(const std::string& response) {
    return drive_every_split(http(), {{kRequest, response}});
}

TEST(HttpConnect, OpensOn200AndLeavesTheGreetingForTheTunnel) {
    const Outcome o = answer(
        "HTTP/1.1 200 Connection established\r\nProxy-Agent: tinyproxy/1.11.1\r\n\r\n" + kGreeting);
    EXPECT_TRUE(o.done);
    EXPECT_FALSE(o.ec);
    EXPECT_EQ(o.rest, kGreeting);
}

TEST(HttpConnect, AcceptsBareLineFeedsAndFoldedHeadersAndAny2xx) {
    EXPECT_TRUE(answer("HTTP/1.0 200 OK\n\n").done);
    EXPECT_TRUE(answer("HTTP/1.1 204\r\n\r\n").done);
    EXPECT_TRUE(answer("HTTP/1.1 200 OK\r\nX-A: 1\r\n  continued\r\n\r\n").done);
    const Outcome o = answer("HTTP/1.0 200 OK\n\n220 hi\r\n");
    EXPECT_EQ(o.rest, "220 hi\r\n");
}

TEST(HttpConnect, SkipsInformationalResponses) {
    const Outcome o = answer("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n\r\n" + kGreeting);
    EXPECT_TRUE(o.done);
    EXPECT_EQ(o.rest, kGreeting);
}

TEST(HttpConnect, SendsBasicCredentials) {
    const std::string request =
        "CONNECT mail.example:587 HTTP/1.1\r\nHost: mail.example:587\r\n"
        "Proxy-Authorization: Basic YWxpY2U6czNjcmV0\r\n\r\n";  // alice:s3cret
    const Outcome o = drive_every_split(http("mail.example", 587, "alice", "s3cret"),
                                        {{request, "HTTP/1.1 200 Connection established\r\n\r\n"}});
    EXPECT_TRUE(o.done);
}

TEST(HttpConnect, BracketsIpv6Literals) {
    for (const char* host : {"::1", "[::1]"}) {
        const Outcome o = drive_every_split(
            http(host),
            {{"CONNECT [::1]:25 HTTP/1.1\r\nHost: [::1]:25\r\n\r\n", "HTTP/1.1 200 OK\r\n\r\n"}});
        EXPECT_TRUE(o.done) << host;
    }
    const Outcome v4 = drive_every_split(
        http("127.0.0.1"), {{"CONNECT 127.0.0.1:25 HTTP/1.1\r\nHost: 127.0.0.1:25\r\n\r\n",
                             "HTTP/1.1 200 OK\r\n\r\n"}});
    EXPECT_TRUE(v4.done);
}

TEST(HttpConnect, Status407IsAProxyAuthenticationError) {
    const std::string response =
        "HTTP/1.1 407 Proxy Authentication Required\r\n"
        "Proxy-Authenticate: Basic realm=\"tinyproxy\"\r\n\r\n";
    const Outcome without = answer(response);
    EXPECT_EQ(without.ec, error::proxy_auth_required);
    EXPECT_NE(without.detail.find("407 Proxy Authentication Required"), std::string::npos);

    const std::string request =
        "CONNECT mail.example:25 HTTP/1.1\r\nHost: mail.example:25\r\n"
        "Proxy-Authorization: Basic YWxpY2U6d3Jvbmc=\r\n\r\n";  // alice:wrong
    const Outcome with =
        drive_every_split(http("mail.example", 25, "alice", "wrong"), {{request, response}});
    EXPECT_EQ(with.ec, error::proxy_auth_failed);
    EXPECT_EQ(with.detail.find("wrong"), std::string::npos);
    EXPECT_EQ(with.detail.find("YWxpY2U6d3Jvbmc"), std::string::npos);
}

TEST(HttpConnect, Status401IsTreatedAsAProxyAuthenticationErrorToo) {
    // tinyproxy 1.11 answers wrong Basic credentials with 401.
    const std::string request =
        "CONNECT mail.example:25 HTTP/1.1\r\nHost: mail.example:25\r\n"
        "Proxy-Authorization: Basic YWxpY2U6d3Jvbmc=\r\n\r\n";
    const Outcome o = drive_every_split(http("mail.example", 25, "alice", "wrong"),
                                        {{request, "HTTP/1.0 401 Unauthorized\r\n\r\n"}});
    EXPECT_EQ(o.ec, error::proxy_auth_failed);
}

TEST(HttpConnect, OtherRefusalsCarryTheirStatus) {
    const Outcome forbidden = answer("HTTP/1.0 403 Access violation\r\n\r\n");
    EXPECT_EQ(forbidden.ec, error::proxy_not_allowed);
    EXPECT_EQ(forbidden.detail, "the proxy answered \"HTTP/1.0 403 Access violation\"");
    const Outcome bad_gateway =
        answer("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 5\r\n\r\nerror");
    EXPECT_EQ(bad_gateway.ec, error::proxy_refused);
    EXPECT_NE(bad_gateway.detail.find("502 Bad Gateway"), std::string::npos);
    // Control octets in the reason are not passed on to a terminal.
    const Outcome escaped = answer("HTTP/1.1 500 \x1b[31mred\r\n\r\n");
    EXPECT_EQ(escaped.detail.find('\x1b'), std::string::npos);
}

TEST(HttpConnect, MalformedResponsesAreProtocolErrors) {
    const std::vector<std::string> responses = {
        "SSH-2.0-OpenSSH_9.2\r\n",
        std::string("\x05\x00\r\n", 4),
        "HTTP/1.1 2000 OK\r\n\r\n",
        "HTTP/1.1 20 OK\r\n\r\n",
        "HTTP/1.1 099 Odd\r\n\r\n",
        "HTTP/1.1 200OK\r\n\r\n",
        "HTTP/11 200 OK\r\n\r\n",
        "HTTP/1.1 200 OK\r\nno colon here\r\n\r\n",
        "HTTP/1.1 200 OK\r\n: empty name\r\n\r\n",
        "HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n",
        std::string("HTTP/1.1 200 OK\r\nX: a\0b\r\n\r\n", 27),  // the NUL included
        "HTTP/1.1 200 OK\r\nX: " + std::string(9000, 'a') + "\r\n\r\n",
    };
    for (const std::string& r : responses) {
        const Outcome o = answer(r);
        EXPECT_FALSE(o.done) << r.substr(0, 40);
        EXPECT_EQ(o.ec, error::proxy_protocol_error) << r.substr(0, 40) << ": " << o.ec.message();
    }
}

TEST(HttpConnect, HeaderLimits) {
    std::string many = "HTTP/1.1 200 OK\r\n";
    for (int i = 0; i < 101; ++i) {
        many += "X-" + std::to_string(i) + ": v\r\n";
    }
    EXPECT_EQ(answer(many + "\r\n").ec, error::proxy_protocol_error);
    std::string hundred = "HTTP/1.1 200 OK\r\n";
    for (int i = 0; i < 100; ++i) {
        hundred += "X-" + std::to_string(i) + ": v\r\n";
    }
    EXPECT_TRUE(answer(hundred + "\r\n").done);
    std::string endless;
    for (int i = 0; i < 700; ++i) {
        endless += "HTTP/1.1 100 Continue\r\n" + std::string(90, 'x').insert(0, "X: ") + "\r\n\r\n";
    }
    // 84 kB: fed whole and in two halves only, to keep the test fast.
    for (const std::size_t split : {endless.size(), endless.size() / 2}) {
        auto h = make_http_connect_handshake({"mail.example", 25, {}, {}});
        EXPECT_EQ(test::drive(*h, {{kRequest, endless}}, split).ec, error::proxy_protocol_error);
    }
}

TEST(HttpConnect, CloseBeforeTheHeadersEndIsReported) {
    const std::string full = "HTTP/1.1 200 OK\r\nX: y\r\n\r\n";
    for (std::size_t n = 0; n < full.size(); ++n) {
        const Outcome o = drive_every_split(http(), {{kRequest, full.substr(0, n)}}, true);
        EXPECT_FALSE(o.done) << n;
        EXPECT_EQ(o.ec, error::connection_closed) << n;
    }
}

TEST(HttpConnect, SettingsItCannotCarryAreRefusedBeforeAnyByte) {
    const std::vector<ProxyRequest> bad = {
        {"", 25, {}, {}},
        {"mail.example", 0, {}, {}},
        {"mail.example\r\nX-Injected: 1", 25, {}, {}},
        {"mail example", 25, {}, {}},
        {"user@mail.example", 25, {}, {}},
        {"mail.example", 25, "al:ice", "pw"},
        {"mail.example", 25, "alice", "hunter2\r\nX: 1"},
        {"mail.example", 25, "", "hunter2"},
    };
    for (const ProxyRequest& r : bad) {
        auto h = make_http_connect_handshake(r);
        EXPECT_EQ(h->error(), error::proxy_invalid_settings) << r.host << " " << r.user;
        EXPECT_TRUE(h->pending_output().empty());
        EXPECT_EQ(h->detail().find("hunter2"), std::string::npos);
    }
}

}  // namespace
}  // namespace smtpkit::protocol
