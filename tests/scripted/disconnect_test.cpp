// The server goes away at every step of the dialogue. Whatever the step, the
// call fails, and a message is never reported as delivered; once the end of
// data is out, the outcome is unknown (the server may have taken it).
#include <algorithm>

#include "scripted/client_fixture.hpp"

namespace smtpkit::test {
namespace {

enum class Phase { connect, send };

struct Case {
    std::string name;
    Script script;
    Phase phase;
    std::vector<Verdict> verdicts;  // the acceptable outcomes of send()
};

void PrintTo(const Case& c, std::ostream* os) {
    *os << c.name;
}

// Big enough to be written in several pieces, so a close can come mid-way.
const std::string& big_message() {
    static const std::string m = [] {
        std::string s = "Subject: big\r\n\r\n";
        for (int i = 0; s.size() < 256 * 1024; ++i) {
            s += "line " + std::to_string(i) + " of a long message, padded to some length\r\n";
        }
        return s;
    }();
    return m;
}

Script mail_ok(bool pipelining = false) {
    return Script::esmtp(pipelining ? std::vector<std::string>{"PIPELINING"}
                                    : std::vector<std::string>{})
        .expect("MAIL")
        .send("250 ok\r\n");
}
Script rcpt_ok() {
    return mail_ok().expect("RCPT").send("250 ok\r\n");
}
Script data_ok() {
    return rcpt_ok().expect("DATA").send("354 go\r\n");
}

const std::vector<Verdict> refused = {Verdict::not_delivered};
// After 354 the client may not notice the close before its end of data.
const std::vector<Verdict> during_data = {Verdict::not_delivered, Verdict::unknown};
const std::vector<Verdict> after_end = {Verdict::unknown};

std::vector<Case> closes() {
    return {
        {"after_connect", Script().close(), Phase::connect, {}},
        {"after_greeting", Script().greet().close(), Phase::connect, {}},
        {"greeting_mid_reply",
         Script().close_mid_reply("220-mx.test first\r\n"),
         Phase::connect,
         {}},
        {"after_ehlo", Script().greet().expect("EHLO").close(), Phase::connect, {}},
        {"ehlo_mid_reply", Script().greet().expect("EHLO").close_mid_reply(), Phase::connect, {}},
        {"after_mail", Script::esmtp().expect("MAIL").close(), Phase::send, refused},
        {"mail_mid_reply", Script::esmtp().expect("MAIL").close_mid_reply(), Phase::send, refused},
        {"after_rcpt", mail_ok().expect("RCPT").close(), Phase::send, refused},
        {"rcpt_mid_reply", mail_ok().expect("RCPT").close_mid_reply(), Phase::send, refused},
        {"after_data", rcpt_ok().expect("DATA").close(), Phase::send, refused},
        {"data_mid_reply", rcpt_ok().expect("DATA").close_mid_reply("354-go\r\n"), Phase::send,
         refused},
        {"after_354", data_ok().close(), Phase::send, during_data},
        {"mid_content", data_ok().read_bytes(1000).close(), Phase::send, during_data},
        {"after_end_of_data", data_ok().expect_data().close(), Phase::send, after_end},
        {"end_of_data_mid_reply", data_ok().expect_data().close_mid_reply(), Phase::send,
         after_end},
        {"pipelined_after_group",
         Script::esmtp({"PIPELINING"}).expect("MAIL").expect("RCPT").expect("DATA").close(),
         Phase::send, refused},
        {"pipelined_mid_group_replies",
         Script::esmtp({"PIPELINING"})
             .expect("MAIL")
             .expect("RCPT")
             .expect("DATA")
             .send("250 ok\r\n250 ok\r\n")
             .close(),
         Phase::send, refused},
        {"at_rset_after_refusal",
         mail_ok().expect("RCPT").send("550 5.1.1 unknown\r\n").expect("RSET").close(), Phase::send,
         refused},
    };
}

class ServerCloses : public ::testing::TestWithParam<Case> {};

TEST_P(ServerCloses, CallFailsAndNothingIsDelivered) {
    const Case& c = GetParam();
    ScriptServer server(c.script);
    Client client;
    std::error_code ec;
    Stopwatch watch;
    client.connect("127.0.0.1", server.port(), esmtp_options(), ec);
    if (c.phase == Phase::connect) {
        EXPECT_EQ(ec, error::connection_closed) << ec.message();
    } else {
        ASSERT_FALSE(ec) << ec.message();
        const SendResult r = client.send(envelope_to({"a@example.com"}),
                                         MessageSource::from_string(big_message()), ec);
        EXPECT_EQ(ec, error::connection_closed) << ec.message();
        EXPECT_FALSE(r.delivered());
        EXPECT_TRUE(contains(c.verdicts, r.verdict)) << "verdict " << to_string(r.verdict);
    }
    EXPECT_EQ(client.last_error(), ec);
    EXPECT_FALSE(client.connected());
    // Seen at once, not after the timeout.
    EXPECT_LT(watch.elapsed(), 1500ms);
    // The lost session is not reused.
    std::error_code again;
    client.noop(again);
    EXPECT_TRUE(again);
    client.disconnect();
    expect_server_done(server);
}

INSTANTIATE_TEST_SUITE_P(AtEveryStep, ServerCloses, ::testing::ValuesIn(closes()),
                         [](const auto& info) { return info.param.name; });

// The same with a RST instead of a clean close: the error is the system's
// (reset, broken pipe) or ours, but there is one, and no false delivery.
std::vector<Case> resets() {
    return {
        {"after_greeting", Script().greet().abort(), Phase::connect, {}},
        {"after_ehlo", Script().greet().expect("EHLO").abort(), Phase::connect, {}},
        {"after_mail", Script::esmtp().expect("MAIL").abort(), Phase::send, refused},
        {"after_354", data_ok().abort(), Phase::send, during_data},
        {"mid_content", data_ok().read_bytes(1000).abort(), Phase::send, during_data},
        {"after_end_of_data", data_ok().expect_data().abort(), Phase::send, after_end},
    };
}

class ServerResets : public ::testing::TestWithParam<Case> {};

TEST_P(ServerResets, CallFailsAndNothingIsDelivered) {
    const Case& c = GetParam();
    ScriptServer server(c.script);
    Client client;
    std::error_code ec;
    client.connect("127.0.0.1", server.port(), esmtp_options(), ec);
    if (c.phase == Phase::connect) {
        EXPECT_TRUE(ec);
    } else {
        ASSERT_FALSE(ec) << ec.message();
        const SendResult r = client.send(envelope_to({"a@example.com"}),
                                         MessageSource::from_string(big_message()), ec);
        EXPECT_TRUE(ec);
        EXPECT_NE(ec, error::timeout);
        EXPECT_FALSE(r.delivered());
        EXPECT_TRUE(contains(c.verdicts, r.verdict)) << "verdict " << to_string(r.verdict);
    }
    EXPECT_FALSE(client.connected());
    client.disconnect();
    expect_server_done(server);
}

INSTANTIATE_TEST_SUITE_P(AtSomeSteps, ServerResets, ::testing::ValuesIn(resets()),
                         [](const auto& info) { return info.param.name; });

TEST(Disconnect, ThrowingSendThrowsConnectionClosed) {
    ScriptServer server(data_ok().expect_data().close());
    Client client;
    client.connect("127.0.0.1", server.port(), esmtp_options());
    try {
        client.send(envelope_to({"a@example.com"}), message());
        ADD_FAILURE() << "send() did not throw";
    } catch (const smtpkit::system_error& e) {
        EXPECT_EQ(e.code(), error::connection_closed);
    }
    client.disconnect();
    expect_server_done(server);
}

TEST(Disconnect, CloseDuringNoop) {
    ScriptServer server(Script::esmtp().expect("NOOP").close());
    Client client;
    client.connect("127.0.0.1", server.port(), esmtp_options());
    std::error_code ec;
    const Reply reply = client.noop(ec);
    EXPECT_EQ(ec, error::connection_closed);
    EXPECT_TRUE(reply.empty());
    EXPECT_FALSE(client.connected());
    client.disconnect();
    expect_server_done(server);
}

TEST(Disconnect, ServerClosingAfterQuitWithoutReplyIsFine) {
    // RFC 5321 4.1.1.10 wants a 221, but a server that just closes has still
    // ended the session as asked.
    ScriptServer server(Script::esmtp().expect("QUIT").close());
    Client client;
    client.connect("127.0.0.1", server.port(), esmtp_options());
    std::error_code ec;
    client.quit(ec);
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_FALSE(client.connected());
    expect_server_done(server);
}

TEST(Disconnect, QuitWhenNotConnectedIsSafe) {
    Client client;
    std::error_code ec;
    client.quit(ec);
    EXPECT_FALSE(ec);
    EXPECT_NO_THROW(client.quit());
    client.disconnect();
    EXPECT_FALSE(client.connected());
}

}  // namespace
}  // namespace smtpkit::test
