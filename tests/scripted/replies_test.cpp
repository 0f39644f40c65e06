// Replies as they really arrive: split at every octet, overlong, malformed.
// Whatever the server sends, the call ends promptly with a clear result.
#include "scripted/client_fixture.hpp"

namespace smtpkit::test {
namespace {

// Every reply of a whole transaction, one octet per write.
TEST(Replies, SplitAtEveryOctet) {
    const auto split = [](Script& s, std::string reply) -> Script& {
        return s.send_split(std::move(reply), 1, 1ms);
    };
    Script s;
    split(s, "220-mx.test ESMTP\r\n220 ready\r\n").expect("EHLO");
    split(s, "250-mx.test\r\n250-PIPELINING\r\n250-SIZE 1000000\r\n250 8BITMIME\r\n");
    s.expect("MAIL").expect("RCPT").expect("RCPT").expect("DATA");
    split(s, "250 2.1.0 ok\r\n250 2.1.5 ok\r\n550 5.1.1 unknown user\r\n354 go ahead\r\n");
    s.expect_data();
    split(s, "250 2.0.0 queued\r\n").expect("QUIT");
    split(s, "221 2.0.0 bye\r\n");
    ScriptServer server(s);

    Client client;
    std::error_code ec;
    client.connect("127.0.0.1", server.port(), esmtp_options(), ec);
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_TRUE(client.capabilities().pipelining());
    EXPECT_EQ(client.capabilities().size_limit(), std::optional<std::uint64_t>(1000000));
    const SendResult r =
        client.send(envelope_to({"a@example.com", "nobody@example.com"}), message(), ec);
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_TRUE(r.delivered());
    ASSERT_EQ(r.recipients.size(), 2u);
    EXPECT_EQ(r.recipients[0].reply.code, 250);
    EXPECT_EQ(r.recipients[1].reply.code, 550);
    EXPECT_TRUE(has_substr(r.recipients[1].reply.text(), "unknown user"));
    EXPECT_EQ(r.final_reply.code, 250);
    client.quit(ec);
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_EQ(client.last_reply().code, 221);
    expect_server_done(server);
    EXPECT_EQ(server.messages(), (std::vector<std::string>{message_text}));
}

TEST(Replies, OverlongLineInGreeting) {
    ScriptServer server(Script().send("220 " + std::string(10000, 'x')).stall());
    Client client;
    std::error_code ec;
    Stopwatch watch;
    client.connect("127.0.0.1", server.port(), esmtp_options(), ec);
    EXPECT_EQ(ec, error::reply_line_too_long);
    EXPECT_TRUE(ec == condition::protocol_violation);
    EXPECT_LT(watch.elapsed(), 1000ms);  // seen as it arrives, not after a timeout
    EXPECT_FALSE(client.connected());
    client.disconnect();
    expect_server_done(server);
}

TEST(Replies, OverlongLineAfterMail) {
    ScriptServer server(Script::esmtp().expect("MAIL").send(std::string(10000, '2')).stall());
    Client client;
    client.connect("127.0.0.1", server.port(), esmtp_options());
    std::error_code ec;
    Stopwatch watch;
    const SendResult r = client.send(envelope_to({"a@example.com"}), message(), ec);
    EXPECT_EQ(ec, error::reply_line_too_long);
    EXPECT_FALSE(r.delivered());
    EXPECT_LT(watch.elapsed(), 1000ms);
    EXPECT_FALSE(client.connected());
    client.disconnect();
    expect_server_done(server);
}

struct Malformed {
    std::string name;
    std::string reply;  // the reply to EHLO
    error expected;
};

void PrintTo(const Malformed& m, std::ostream* os) {
    *os << m.name;
}

class MalformedReply : public ::testing::TestWithParam<Malformed> {};

TEST_P(MalformedReply, ConnectFailsWithTheViolation) {
    const Malformed& m = GetParam();
    ScriptServer server(Script().greet().expect("EHLO").send(m.reply).stall());
    Client client;
    std::error_code ec;
    Stopwatch watch;
    client.connect("127.0.0.1", server.port(), esmtp_options(), ec);
    EXPECT_EQ(ec, m.expected) << ec.message();
    EXPECT_TRUE(ec == condition::protocol_violation);
    EXPECT_LT(watch.elapsed(), 1000ms);
    EXPECT_FALSE(client.connected());
    client.disconnect();
    expect_server_done(server);
    EXPECT_FALSE(server.saw("HELO"));  // no fallback on garbage
}

INSTANTIATE_TEST_SUITE_P(
    Kinds, MalformedReply,
    ::testing::Values(Malformed{"letter_in_code", "2x0 ok\r\n", error::reply_not_digits},
                      Malformed{"text_only", "hello there\r\n", error::reply_not_digits},
                      Malformed{"too_short", "25\r\n", error::reply_too_short},
                      Malformed{"bad_separator", "250+ok\r\n", error::reply_bad_separator},
                      Malformed{"code_mismatch", "250-mx.test\r\n251 PIPELINING\r\n",
                                error::reply_code_mismatch},
                      Malformed{"out_of_range", "150 ok\r\n", error::reply_code_out_of_range},
                      Malformed{"nul", std::string("250 o\0k\r\n", 8), error::reply_contains_nul}),
    [](const auto& info) { return info.param.name; });

TEST(Replies, MalformedReplyToMail) {
    ScriptServer server(Script::esmtp().expect("MAIL").send("2x0 ok\r\n").stall());
    Client client;
    client.connect("127.0.0.1", server.port(), esmtp_options());
    std::error_code ec;
    const SendResult r = client.send(envelope_to({"a@example.com"}), message(), ec);
    EXPECT_EQ(ec, error::reply_not_digits);
    EXPECT_EQ(r.verdict, Verdict::not_delivered);
    EXPECT_FALSE(client.connected());
    client.disconnect();
    expect_server_done(server);
    EXPECT_FALSE(server.saw("RCPT"));
    EXPECT_FALSE(has_substr(server.received(), "BODY-MARKER"));
}

TEST(Replies, TooManyLines) {
    std::string reply;
    for (int i = 0; i < 1000; ++i) {
        reply += "250-line " + std::to_string(i) + "\r\n";
    }
    reply += "250 end\r\n";
    ScriptServer server(Script().greet().expect("EHLO").send(reply).stall());
    Client client;
    std::error_code ec;
    client.connect("127.0.0.1", server.port(), esmtp_options(), ec);
    EXPECT_EQ(ec, error::reply_too_many_lines);
    client.disconnect();
    expect_server_done(server);
}

TEST(Replies, BareLfLineEndsAreTolerated) {
    // Broken servers end lines with LF alone; the parser accepts them.
    ScriptServer server(
        Script().send("220 mx.test\n").expect("EHLO").send("250-mx.test\n250 PIPELINING\n").quit());
    Client client;
    std::error_code ec;
    client.connect("127.0.0.1", server.port(), esmtp_options(), ec);
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_TRUE(client.capabilities().pipelining());
    client.quit();
    expect_server_done(server);
}

}  // namespace
}  // namespace smtpkit::test
