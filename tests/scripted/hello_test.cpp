// EHLO and HELO: the fallback to HELO when a server does not know EHLO
// (500/502), refusals, and Option::none meaning HELO only.
#include "scripted/client_fixture.hpp"

namespace smtpkit::test {
namespace {

class EhloNotKnown : public ::testing::TestWithParam<int> {};

TEST_P(EhloNotKnown, FallsBackToHelo) {
    const int code = GetParam();
    ScriptServer server(Script()
                            .greet()
                            .expect("EHLO client.example")
                            .send(std::to_string(code) + " 5.5.1 command not recognised\r\n")
                            .expect("HELO client.example")
                            .send("250 mx.test\r\n")
                            .quit());
    Client client;
    std::error_code ec;
    client.connect("127.0.0.1", server.port(), esmtp_options(), ec);
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_TRUE(client.connected());
    EXPECT_EQ(client.last_reply().code, 250);
    EXPECT_TRUE(client.capabilities().empty());  // HELO: no extensions
    client.quit(ec);
    EXPECT_FALSE(ec) << ec.message();
    expect_server_done(server);
    EXPECT_EQ(server.lines(),
              (std::vector<std::string>{"EHLO client.example", "HELO client.example", "QUIT"}));
}

INSTANTIATE_TEST_SUITE_P(Codes, EhloNotKnown, ::testing::Values(500, 502));

TEST(Hello, FallbackHeloRefused) {
    ScriptServer server(Script()
                            .greet()
                            .expect("EHLO")
                            .send("502 5.5.1 no EHLO\r\n")
                            .expect("HELO")
                            .send("550 5.7.1 not you either\r\n"));
    Client client;
    std::error_code ec;
    client.connect("127.0.0.1", server.port(), esmtp_options(), ec);
    EXPECT_EQ(ec, error::hello_refused);
    EXPECT_EQ(client.last_reply().code, 550);
    EXPECT_TRUE(has_substr(client.last_reply().text(), "not you either"));
    EXPECT_FALSE(client.connected());
    client.disconnect();
    expect_server_done(server);
}

struct HelloRefusal {
    int code;
    std::string reply;
};

void PrintTo(const HelloRefusal& r, std::ostream* os) {
    *os << r.code;
}

class EhloRefused : public ::testing::TestWithParam<HelloRefusal> {};

TEST_P(EhloRefused, ConnectFailsWithoutTryingHelo) {
    const auto& r = GetParam();
    ScriptServer server(Script().greet().expect("EHLO").send(r.reply));
    Client client;
    std::error_code ec;
    client.connect("127.0.0.1", server.port(), esmtp_options(), ec);
    // 4yz: for now (transient); 5yz: refused (permanent).
    const error expected = r.code / 100 == 4 ? error::hello_deferred : error::hello_refused;
    EXPECT_EQ(ec, expected);
    EXPECT_EQ(ec, r.code / 100 == 4 ? condition::transient : condition::permanent);
    EXPECT_EQ(client.last_error(), expected);
    EXPECT_EQ(client.last_reply().code, r.code);
    ASSERT_TRUE(client.last_reply().enhanced.has_value());
    EXPECT_EQ(client.last_reply().enhanced->klass, r.code / 100);
    EXPECT_FALSE(client.connected());
    client.disconnect();
    expect_server_done(server);
    EXPECT_FALSE(server.saw("HELO"));  // only 500/502 mean "say HELO instead"
}

INSTANTIATE_TEST_SUITE_P(Codes, EhloRefused,
                         ::testing::Values(HelloRefusal{550, "550 5.7.1 go away\r\n"},
                                           HelloRefusal{554, "554 5.7.1 blocked\r\n"},
                                           HelloRefusal{421, "421 4.7.0 closing\r\n"},
                                           HelloRefusal{501, "501 5.5.4 bad name\r\n"}));

TEST(Hello, ThrowingFormCarriesTheRefusal) {
    ScriptServer server(Script().greet().expect("EHLO").send("550 5.7.1 go away\r\n"));
    Client client;
    try {
        client.connect("127.0.0.1", server.port(), esmtp_options());
        ADD_FAILURE() << "connect() did not throw";
    } catch (const smtpkit::system_error& e) {
        EXPECT_EQ(e.code(), error::hello_refused);
        EXPECT_TRUE(has_substr(std::string(e.what()), "go away"));
    }
    client.disconnect();
    expect_server_done(server);
}

TEST(Hello, OptionNoneSaysHeloOnly) {
    ScriptServer server(Script::smtp().quit());
    Client client;
    std::error_code ec;
    // An ephemeral port: the submission-port rule does not turn EHLO on.
    client.connect("127.0.0.1", server.port(), smtp_options(), ec);
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_TRUE(client.connected());
    EXPECT_TRUE(client.capabilities().empty());
    client.quit(ec);
    EXPECT_FALSE(ec) << ec.message();
    expect_server_done(server);
    EXPECT_FALSE(server.saw("EHLO"));
    EXPECT_EQ(server.lines(), (std::vector<std::string>{"HELO client.example", "QUIT"}));
}

TEST(Hello, OptionNoneCanSendMail) {
    ScriptServer server(Script::smtp()
                            .expect("MAIL FROM:<sender@example.com>")
                            .send("250 ok\r\n")
                            .expect("RCPT TO:<rcpt@example.com>")
                            .send("250 ok\r\n")
                            .expect("DATA")
                            .send("354 go\r\n")
                            .expect_data()
                            .send("250 queued\r\n")
                            .quit());
    Client client;
    client.connect("127.0.0.1", server.port(), smtp_options());
    const SendResult result = client.send(envelope_to({"rcpt@example.com"}), message());
    EXPECT_TRUE(result.delivered());
    client.quit();
    expect_server_done(server);
    EXPECT_EQ(server.messages(), (std::vector<std::string>{message_text}));
}

TEST(Hello, EhloCapabilitiesAreParsed) {
    ScriptServer server(
        Script::esmtp({"PIPELINING", "SIZE 35882577", "8BITMIME", "ENHANCEDSTATUSCODES"}).quit());
    Client client;
    client.connect("127.0.0.1", server.port(), esmtp_options());
    const auto& caps = client.capabilities();
    EXPECT_TRUE(caps.pipelining());
    EXPECT_TRUE(caps.eightbitmime());
    EXPECT_TRUE(caps.enhanced_status_codes());
    EXPECT_FALSE(caps.chunking());
    ASSERT_TRUE(caps.size_limit().has_value());
    EXPECT_EQ(*caps.size_limit(), 35882577u);
    client.quit();
    expect_server_done(server);
}

}  // namespace
}  // namespace smtpkit::test
