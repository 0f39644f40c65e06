// The server's greeting: refusals (RFC 5321 3.1: 421 and 554) fail connect()
// with greeting_deferred (421, transient) or greeting_refused (554,
// permanent) and the reply; a multi-line 220 is a greeting.
#include "scripted/client_fixture.hpp"

namespace smtpkit::test {
namespace {

struct Refusal {
    int code;
    std::string reply;
    std::string text;  // what last_reply().text() must hold
};

void PrintTo(const Refusal& r, std::ostream* os) {
    *os << r.code;
}

error expected_error(const Refusal& r) {
    return r.code / 100 == 4 ? error::greeting_deferred : error::greeting_refused;
}

class GreetingRefused : public ::testing::TestWithParam<Refusal> {};

TEST_P(GreetingRefused, ConnectFailsWithTheReply) {
    const Refusal& r = GetParam();
    ScriptServer server(Script().send(r.reply));
    Client client;
    std::error_code ec;
    client.connect("127.0.0.1", server.port(), esmtp_options(), ec);
    EXPECT_EQ(ec, expected_error(r));
    EXPECT_EQ(ec, r.code == 421 ? condition::transient : condition::permanent);
    EXPECT_EQ(client.last_error(), expected_error(r));
    EXPECT_EQ(client.last_reply().code, r.code);
    EXPECT_EQ(client.greeting().code, r.code);  // the greeting that refused
    EXPECT_TRUE(has_substr(client.last_reply().text(), r.text));
    EXPECT_FALSE(client.connected());
    client.disconnect();
    expect_server_done(server);
    EXPECT_FALSE(server.saw("EHLO"));
    EXPECT_FALSE(server.saw("HELO"));
}

TEST_P(GreetingRefused, ThrowingFormThrowsWithTheCode) {
    const Refusal& r = GetParam();
    ScriptServer server(Script().send(r.reply));
    Client client;
    try {
        client.connect("127.0.0.1", server.port(), esmtp_options());
        ADD_FAILURE() << "connect() did not throw";
    } catch (const smtpkit::system_error& e) {
        EXPECT_EQ(e.code(), expected_error(r));
        // The server's words reach the person reading the error.
        EXPECT_TRUE(has_substr(std::string(e.what()), r.text));
    }
    EXPECT_EQ(client.last_reply().code, r.code);
    client.disconnect();
    expect_server_done(server);
}

INSTANTIATE_TEST_SUITE_P(
    Codes, GreetingRefused,
    ::testing::Values(Refusal{421, "421 4.3.2 mx.test busy, try later\r\n", "busy, try later"},
                      Refusal{554, "554 5.7.1 no SMTP service here\r\n", "no SMTP service here"},
                      Refusal{554, "554-mx.test\r\n554 go away\r\n", "go away"}),
    [](const auto& info) {
        return "code" + std::to_string(info.param.code) + "_" + std::to_string(info.index);
    });

TEST(Greeting, MultiLine220IsAccepted) {
    ScriptServer server(Script()
                            .send("220-mx.test ESMTP\r\n220-second line\r\n220 third line\r\n")
                            .ehlo({"PIPELINING"})
                            .quit());
    Client client;
    std::error_code ec;
    client.connect("127.0.0.1", server.port(), esmtp_options(), ec);
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_TRUE(client.connected());
    // The EHLO came once, after the whole greeting.
    EXPECT_EQ(server.count("EHLO"), 1u);
    client.quit(ec);
    EXPECT_FALSE(ec) << ec.message();
    expect_server_done(server);
    EXPECT_EQ(server.lines(), (std::vector<std::string>{"EHLO client.example", "QUIT"}));
}

TEST(Greeting, ConnectWhenAlreadyConnectedIsRefused) {
    ScriptServer server(Script::esmtp().quit());
    Client client;
    std::error_code ec;
    client.connect("127.0.0.1", server.port(), esmtp_options(), ec);
    ASSERT_FALSE(ec) << ec.message();
    client.connect("127.0.0.1", server.port(), esmtp_options(), ec);
    EXPECT_EQ(ec, error::already_connected);
    EXPECT_TRUE(client.connected());
    client.quit(ec);
    EXPECT_FALSE(ec) << ec.message();
    expect_server_done(server);
    EXPECT_EQ(server.connections(), 1u);
}

TEST(Greeting, NoServerListening) {
    std::uint16_t port = 0;
    {
        // A port that was just free and is closed again.
        ScriptServer server(Script{});
        port = server.port();
    }
    Client client;
    std::error_code ec;
    Stopwatch watch;
    client.connect("127.0.0.1", port, esmtp_options(), ec);
    EXPECT_TRUE(ec);
    EXPECT_FALSE(client.connected());
    EXPECT_LT(watch.elapsed(), 2500ms);
}

// greeting_only: a banner check. The greeting is read and nothing goes to the
// server but QUIT; whatever else is asked fails without a byte written.
TEST(Greeting, GreetingOnlySendsNothingButQuit) {
    ScriptServer server(Script().greet("220 mx.test ESMTP banner\r\n").quit());
    Client client;
    ConnectOptions options = esmtp_options();
    options.greeting_only = true;
    std::error_code ec;
    client.connect("127.0.0.1", server.port(), options, ec);
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_TRUE(client.connected());
    EXPECT_EQ(client.greeting().code, 220);
    EXPECT_TRUE(has_substr(client.greeting().text(), "banner"));
    EXPECT_FALSE(client.opening().before_tls.has_value());
    EXPECT_TRUE(client.capabilities().empty());
    client.command("NOOP", ec);
    EXPECT_TRUE(ec) << "a command before any EHLO went out";
    client.quit(ec);
    EXPECT_FALSE(ec) << ec.message();
    expect_server_done(server);
    EXPECT_EQ(server.lines(), (std::vector<std::string>{"QUIT"}));
}

// With TLS required on a STARTTLS port, greeting_only still sends no STARTTLS
// (and nothing in clear text but QUIT): the session never becomes usable.
TEST(Greeting, GreetingOnlyWithTlsRequiredSkipsStarttls) {
    ScriptServer server(Script().greet().quit());
    Client client;
    ConnectOptions options;
    options.timeout = 2s;
    options.helo_name = helo_name;
    options.greeting_only = true;
    std::error_code ec;
    client.connect("127.0.0.1", server.port(), options, ec);
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_FALSE(client.security_info().active);
    client.quit(ec);
    EXPECT_FALSE(ec) << ec.message();
    expect_server_done(server);
    EXPECT_EQ(server.lines(), (std::vector<std::string>{"QUIT"}));
}

}  // namespace
}  // namespace smtpkit::test
