// Tunnels against a scripted server that plays the proxy and then the SMTP
// server on one connection: the proxy's reply and the greeting arrive in one
// segment (the greeting must not be lost), TLS names and verifies the
// destination (SNI), a port forward, and octets a proxy sends before
// implicit TLS (refused).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "scripted/client_fixture.hpp"
#include "smtpkit/error.hpp"
#include "support/test_certs.hpp"

namespace smtpkit::test {
namespace {

using ::testing::IsEmpty;
using namespace std::string_literals;

const std::string kGreeting = "220 behind.proxy ESMTP\r\n";

ConnectOptions via(ProxyKind kind, std::uint16_t port, Security security) {
    ConnectOptions o = esmtp_options();
    o.security = security;
    o.options |= Option::tunnel;
    if (security != Security::plaintext) {
        o.tls.ca_file = test_certificates().ca_file;
    }
    o.proxy = {kind, "127.0.0.1", port, {}, {}};
    return o;
}

// The SOCKS5 exchange for CONNECT localhost:25, its reply followed at once by
// whatever `after` holds.
Script socks5_then(const std::string& after) {
    Script s;
    s.read_bytes(3);  // 05 01 00
    s.send("\x05\x00"s);
    s.read_bytes(4 + 1 + 9 + 2);  // 05 01 00 03 09 "localhost" 00 19
    s.send("\x05\x00\x00\x01\x7f\x00\x00\x01\x04\x00"s + after);
    return s;
}

TEST(Tunnel, Socks5ReplyAndGreetingInOneSegmentThenStartTlsNamesTheDestination) {
    Script s = socks5_then(kGreeting);
    s.ehlo({"STARTTLS"});
    s.accept_starttls(server_tls(test_certificates().good));
    s.ehlo();
    s.quit();
    ScriptServer server(s);
    Client client;
    client.connect("localhost", 25, via(ProxyKind::socks5, server.port(), Security::starttls));
    EXPECT_EQ(client.last_reply().code, 250);
    EXPECT_TRUE(client.security_info().verified);
    EXPECT_EQ(client.security_info().verified_host, "localhost");
    client.quit();
    ASSERT_TRUE(server.wait_done());
    EXPECT_THAT(server.mismatches(), IsEmpty());
    const auto records = server.tls_records();
    ASSERT_EQ(records.size(), 1u);
    EXPECT_EQ(records[0].sni, "localhost");  // the destination, not 127.0.0.1
}

TEST(Tunnel, HttpConnectReplyAndGreetingInOneSegment) {
    Script s;
    s.expect("CONNECT localhost:25 HTTP/1.1");
    s.expect("Host: localhost:25");
    s.expect("");
    s.send("HTTP/1.1 200 Connection established\r\nVia: test\r\n\r\n" + kGreeting);
    s.ehlo();
    s.quit();
    ScriptServer server(s);
    Client client;
    std::error_code ec;
    client.connect("localhost", 25,
                   via(ProxyKind::http_connect, server.port(), Security::plaintext), ec);
    ASSERT_FALSE(ec) << ec.message() << ": " << client.last_error_detail();
    client.quit();
    ASSERT_TRUE(server.wait_done());
    EXPECT_THAT(server.mismatches(), IsEmpty());
}

TEST(Tunnel, PortForwardKeepsTheDestinationNameForTls) {
    Script s = Script::esmtp({"STARTTLS"});
    s.accept_starttls(server_tls(test_certificates().good));
    s.ehlo();
    s.quit();
    ScriptServer server(s);
    Client client;
    // "localhost" port 25 is never resolved nor contacted: the forward is.
    client.connect("localhost", 25,
                   via(ProxyKind::port_forward, server.port(), Security::starttls));
    EXPECT_EQ(client.security_info().verified_host, "localhost");
    client.quit();
    ASSERT_TRUE(server.wait_done());
    ASSERT_EQ(server.tls_records().size(), 1u);
    EXPECT_EQ(server.tls_records()[0].sni, "localhost");
}

TEST(Tunnel, OctetsBeforeImplicitTlsAreRefused) {
    Script s = socks5_then("junk");
    ScriptServer server(s);
    Client client;
    std::error_code ec;
    client.connect("localhost", 25, via(ProxyKind::socks5, server.port(), Security::implicit_tls),
                   ec);
    EXPECT_EQ(ec, error::tls_handshake_failed);
    EXPECT_THAT(client.last_error_detail(), ::testing::HasSubstr("before the TLS handshake"));
}

TEST(Tunnel, ProxyReplyErrorStopsBeforeAnySmtp) {
    Script s;
    s.read_bytes(3);
    s.send("\x05\x00"s);
    s.read_bytes(16);
    s.send("\x05\x05\x00\x01\x00\x00\x00\x00\x00\x00"s);
    ScriptServer server(s);
    Client client;
    std::error_code ec;
    client.connect("localhost", 25, via(ProxyKind::socks5, server.port(), Security::plaintext), ec);
    EXPECT_EQ(ec, error::proxy_connection_refused);
    EXPECT_EQ(client.last_error_detail(), "SOCKS5 reply 5");
    EXPECT_TRUE(client.last_reply().empty());
}

TEST(Tunnel, StalledProxyTimesOut) {
    Script s;
    s.read_bytes(3);
    s.stall_silent(Millis(3000));
    ScriptServer server(s);
    Client client;
    ConnectOptions o = via(ProxyKind::socks5, server.port(), Security::plaintext);
    o.timeout = std::chrono::seconds(1);
    std::error_code ec;
    const auto start = std::chrono::steady_clock::now();
    client.connect("localhost", 25, o, ec);
    EXPECT_EQ(ec, error::timeout);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(2000));
}

TEST(Tunnel, ProxyWithoutHostOrPortIsRefused) {
    Client client;
    ConnectOptions o = esmtp_options();
    o.proxy = {ProxyKind::socks5, "", 1080, {}, {}};
    std::error_code ec;
    client.connect("localhost", 25, o, ec);
    EXPECT_EQ(ec, error::proxy_invalid_settings);
    EXPECT_EQ(ec, condition::misuse);
}

}  // namespace
}  // namespace smtpkit::test
