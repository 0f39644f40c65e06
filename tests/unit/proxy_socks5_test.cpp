// SOCKS5 CONNECT (RFC 1928) and user/password authentication (RFC 1929):
// the exact bytes written, every reply code and malformed answer, each at
// every split of the proxy's answers.
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
using namespace std::string_literals;

const std::string kGreeting = "220 mail.example ESMTP\r\n";
const std::string kNoAuth = "\x05\x01\x00"s;
const std::string kWithAuth = "\x05\x02\x00\x02"s;
// CONNECT mail.example:25 by name (ATYP 3): the proxy resolves it.
const std::string kConnectByName = "\x05\x01\x00\x03\x0cmail.example\x00\x19"s;
const std::string kBoundIpv4 = "\x05\x00\x00\x01\x7f\x00\x00\x01\x9c\x40"s;

auto socks5(std::string host = "mail.example", std::uint16_t port = 25, std::string user = {},
            std::string password = {}) {
    return [=] { return make_socks5_handshake({host, port, user, password}); };
}

TEST(Socks5, ConnectsByNameWithoutAuthenticationAndLeavesTheGreeting) {
    const Outcome o = drive_every_split(
        socks5(), {{kNoAuth, "\x05\x00"s}, {kConnectByName, kBoundIpv4 + kGreeting}});
    EXPECT_TRUE(o.done);
    EXPECT_FALSE(o.ec) << o.ec.message();
    EXPECT_EQ(o.rest, kGreeting);  // the tunnel's first octets are not lost
}

TEST(Socks5, LiteralAddressesGoAsAddresses) {
    const Outcome v4 = drive_every_split(
        socks5("127.0.0.1", 2525),
        {{kNoAuth, "\x05\x00"s}, {"\x05\x01\x00\x01\x7f\x00\x00\x01\x09\xdd"s, kBoundIpv4}});
    EXPECT_TRUE(v4.done);
    const std::string v6_request = "\x05\x01\x00\x04"s + std::string(15, '\0') + "\x01\x00\x19"s;
    for (const char* host : {"::1", "[::1]"}) {
        const Outcome v6 =
            drive_every_split(socks5(host), {{kNoAuth, "\x05\x00"s}, {v6_request, kBoundIpv4}});
        EXPECT_TRUE(v6.done) << host;
    }
}

TEST(Socks5, AuthenticatesWithUserAndPassword) {
    const std::string auth =
        "\x01\x05"
        "alice"
        "\x06"
        "s3cret"s;
    const std::string bound_v6 = "\x05\x00\x00\x04"s + std::string(16, '\x01') + "\x00\x50"s;
    const Outcome o = drive_every_split(
        socks5("mail.example", 25, "alice", "s3cret"),
        {{kWithAuth, "\x05\x02"s}, {auth, "\x01\x00"s}, {kConnectByName, bound_v6 + kGreeting}});
    EXPECT_TRUE(o.done);
    EXPECT_EQ(o.rest, kGreeting);
}

TEST(Socks5, BoundAddressMayBeADomainName) {
    const std::string bound = "\x05\x00\x00\x03\x05proxy\x04\x38"s;
    const Outcome o =
        drive_every_split(socks5(), {{kNoAuth, "\x05\x00"s}, {kConnectByName, bound + "2"}});
    EXPECT_TRUE(o.done);
    EXPECT_EQ(o.rest, "2");
}

TEST(Socks5, ProxyMayWaiveTheOfferedPassword) {
    const Outcome o = drive_every_split(socks5("mail.example", 25, "alice", "s3cret"),
                                        {{kWithAuth, "\x05\x00"s}, {kConnectByName, kBoundIpv4}});
    EXPECT_TRUE(o.done);
}

TEST(Socks5, EveryReplyCodeHasItsOwnError) {
    const std::vector<std::pair<char, error>> table = {
        {1, error::proxy_general_failure},
        {2, error::proxy_not_allowed},
        {3, error::proxy_network_unreachable},
        {4, error::proxy_host_unreachable},
        {5, error::proxy_connection_refused},
        {6, error::proxy_ttl_expired},
        {7, error::proxy_command_not_supported},
        {8, error::proxy_address_type_not_supported},
        {9, error::proxy_refused},
        {static_cast<char>(0xFE), error::proxy_refused},
    };
    for (const auto& [code, expected] : table) {
        const std::string reply = "\x05"s + code + "\x00\x01\x00\x00\x00\x00\x00\x00"s;
        const Outcome o =
            drive_every_split(socks5(), {{kNoAuth, "\x05\x00"s}, {kConnectByName, reply}});
        EXPECT_FALSE(o.done);
        EXPECT_EQ(o.ec, expected) << int(code) << ": " << o.ec.message();
        EXPECT_EQ(o.detail, "SOCKS5 reply " + std::to_string(static_cast<unsigned char>(code)));
    }
}

TEST(Socks5, NoAcceptableMethod) {
    const Outcome without = drive_every_split(socks5(), {{kNoAuth, "\x05\xff"s}});
    EXPECT_EQ(without.ec, error::proxy_auth_required);
    const Outcome with =
        drive_every_split(socks5("mail.example", 25, "alice", "pw"), {{kWithAuth, "\x05\xff"s}});
    EXPECT_EQ(with.ec, error::proxy_auth_method_rejected);
}

TEST(Socks5, WrongPasswordIsAnAuthenticationFailureThatNeverShowsThePassword) {
    const std::string auth =
        "\x01\x05"
        "alice"
        "\x0b"
        "wrong-horse"s;
    const Outcome o = drive_every_split(socks5("mail.example", 25, "alice", "wrong-horse"),
                                        {{kWithAuth, "\x05\x02"s}, {auth, "\x01\x01"s}});
    EXPECT_EQ(o.ec, error::proxy_auth_failed);
    EXPECT_EQ(o.detail.find("wrong-horse"), std::string::npos);
    EXPECT_EQ(o.ec.message().find("wrong-horse"), std::string::npos);
}

TEST(Socks5, MalformedAnswersAreProtocolErrors) {
    const std::vector<std::vector<Step>> scripts = {
        {{kNoAuth, "\x04\x00"s}},                                         // SOCKS4 answer
        {{kNoAuth, "HTTP/1.1 400 Bad Request\r\n\r\n"}},                  // not SOCKS at all
        {{kNoAuth, "\x05\x02"s}},                                         // password, not offered
        {{kNoAuth, "\x05\x01"s}},                                         // GSSAPI, not offered
        {{kNoAuth, "\x05\x00"s}, {kConnectByName, "\x04\x00\x00\x01"s}},  // version in reply
        {{kNoAuth, "\x05\x00"s}, {kConnectByName, "\x05\x00\x00\x07"s}},  // address type 7
        {{kWithAuth, "\x05\x02"s}, {"\x01\x01u\x01p"s, "\x05\x00"s}},     // auth version 5
    };
    for (std::size_t i = 0; i < scripts.size(); ++i) {
        const bool auth = scripts[i][0].client == kWithAuth;
        const Outcome o =
            drive_every_split(auth ? socks5("mail.example", 25, "u", "p") : socks5(), scripts[i]);
        EXPECT_FALSE(o.done) << i;
        EXPECT_EQ(o.ec, error::proxy_protocol_error) << i << ": " << o.ec.message();
        EXPECT_FALSE(o.detail.empty()) << i;
    }
}

TEST(Socks5, ShortAnswersThenCloseAreReportedAtEveryLength) {
    const std::string full = kBoundIpv4;
    for (std::size_t n = 0; n < full.size(); ++n) {
        const Outcome o = drive_every_split(
            socks5(), {{kNoAuth, "\x05\x00"s}, {kConnectByName, full.substr(0, n)}}, true);
        EXPECT_FALSE(o.done) << n;
        EXPECT_EQ(o.ec, error::connection_closed) << n;
        EXPECT_NE(o.detail.find("SOCKS5"), std::string::npos) << o.detail;
    }
}

TEST(Socks5, AnswerBeforeTheRequestIsRefused) {
    auto h = make_socks5_handshake({"mail.example", 25, {}, {}});
    EXPECT_EQ(h->feed("\x05\x00"s), 0u);
    EXPECT_EQ(h->error(), error::proxy_protocol_error);
    EXPECT_TRUE(h->pending_output().empty());
    EXPECT_FALSE(h->wants_read());
}

TEST(Socks5, SettingsItCannotCarryAreRefusedBeforeAnyByte) {
    const std::vector<ProxyRequest> bad = {
        {std::string(256, 'a'), 25, {}, {}},
        {"", 25, {}, {}},
        {"mail.example", 0, {}, {}},
        {"mail\r\nexample", 25, {}, {}},
        {"mail.example", 25, std::string(256, 'u'), "p"},
        {"mail.example", 25, "u", std::string(256, 'p')},
        {"mail.example", 25, "", "hunter2"},
    };
    for (const ProxyRequest& r : bad) {
        auto h = make_socks5_handshake(r);
        EXPECT_EQ(h->error(), error::proxy_invalid_settings) << r.host.substr(0, 20);
        EXPECT_TRUE(h->pending_output().empty());
        EXPECT_EQ(h->detail().find("hunter2"), std::string::npos);
    }
    // 255 octets is the most a name can have.
    auto longest = make_socks5_handshake({std::string(255, 'a'), 25, {}, {}});
    EXPECT_FALSE(longest->error());
}

}  // namespace
}  // namespace smtpkit::protocol
