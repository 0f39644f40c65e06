// The server stops answering at every step. Each call fails with
// error::timeout after about the configured timeout (1 s here), never
// sooner and never much later, and a message is never reported delivered.
#include "scripted/client_fixture.hpp"

namespace smtpkit::test {
namespace {

constexpr auto timeout = std::chrono::seconds(1);
constexpr auto at_least = 900ms;
constexpr auto at_most = 2500ms;

enum class Phase { connect, send, noop };

struct Case {
    std::string name;
    Script script;
    Phase phase;
    std::vector<Verdict> verdicts;  // acceptable outcomes of send()
};

void PrintTo(const Case& c, std::ostream* os) {
    *os << c.name;
}

Script mail_ok() {
    return Script::esmtp().expect("MAIL").send("250 ok\r\n");
}
Script rcpt_ok() {
    return mail_ok().expect("RCPT").send("250 ok\r\n");
}
Script data_ok() {
    return rcpt_ok().expect("DATA").send("354 go\r\n");
}

const std::vector<Verdict> refused = {Verdict::not_delivered};
const std::vector<Verdict> during_data = {Verdict::not_delivered, Verdict::unknown};
const std::vector<Verdict> after_end = {Verdict::unknown};

std::vector<Case> stalls() {
    return {
        {"no_greeting", Script().stall(), Phase::connect, {}},
        {"greeting_mid_reply", Script().send("220-mx.test\r\n").stall(), Phase::connect, {}},
        {"after_ehlo", Script().greet().expect("EHLO").stall(), Phase::connect, {}},
        {"after_ehlo_not_reading", Script().greet().stall_silent(), Phase::connect, {}},
        {"ehlo_mid_reply",
         Script().greet().expect("EHLO").send("250-first\r\n").stall(),
         Phase::connect,
         {}},
        {"after_mail", Script::esmtp().expect("MAIL").stall(), Phase::send, refused},
        {"after_rcpt", mail_ok().expect("RCPT").stall(), Phase::send, refused},
        {"after_data", rcpt_ok().expect("DATA").stall(), Phase::send, refused},
        {"mid_content_not_reading", data_ok().stall_silent(), Phase::send, during_data},
        {"after_end_of_data", data_ok().expect_data().stall(), Phase::send, after_end},
        {"end_of_data_mid_reply", data_ok().expect_data().send("250-first\r\n").stall(),
         Phase::send, after_end},
        {"at_rset_after_refusal",
         mail_ok().expect("RCPT").send("550 5.1.1 unknown\r\n").expect("RSET").stall(), Phase::send,
         refused},
        {"after_noop", Script::esmtp().expect("NOOP").stall(), Phase::noop, {}},
    };
}

class ServerStalls : public ::testing::TestWithParam<Case> {};

TEST_P(ServerStalls, CallTimesOut) {
    const Case& c = GetParam();
    ScriptServer server(c.script);
    Client client;
    std::error_code ec;
    const bool big = c.name == "mid_content_not_reading";
    const std::string content = big ? huge_message() : std::string(message_text);

    if (c.phase == Phase::connect) {
        Stopwatch watch;
        client.connect("127.0.0.1", server.port(), esmtp_options(timeout), ec);
        const auto elapsed = watch.elapsed();
        EXPECT_EQ(ec, error::timeout) << ec.message();
        EXPECT_GE(elapsed, at_least);
        EXPECT_LT(elapsed, at_most);
    } else {
        client.connect("127.0.0.1", server.port(), esmtp_options(timeout), ec);
        ASSERT_FALSE(ec) << ec.message();
        Stopwatch watch;
        if (c.phase == Phase::noop) {
            client.noop(ec);
        } else {
            const SendResult r = client.send(envelope_to({"a@example.com"}),
                                             MessageSource::from_string(content), ec);
            EXPECT_FALSE(r.delivered());
            EXPECT_TRUE(contains(c.verdicts, r.verdict)) << "verdict " << to_string(r.verdict);
        }
        const auto elapsed = watch.elapsed();
        EXPECT_EQ(ec, error::timeout) << ec.message();
        EXPECT_GE(elapsed, at_least);
        EXPECT_LT(elapsed, big ? at_most + 1000ms : at_most);
    }
    EXPECT_TRUE(ec == condition::timeout);
    EXPECT_EQ(client.last_error(), error::timeout);
    // A session that timed out mid-reply cannot be trusted again.
    EXPECT_FALSE(client.connected());
    client.disconnect();
    expect_server_done(server);
}

INSTANTIATE_TEST_SUITE_P(AtEveryStep, ServerStalls, ::testing::ValuesIn(stalls()),
                         [](const auto& info) { return info.param.name; });

TEST(Stall, TimeoutBoundsEachWaitNotTheWholeCall) {
    // Every reply comes 600 ms late: each wait stays under the 1 s timeout,
    // although the transaction as a whole takes far longer.
    const auto late = 600ms;
    ScriptServer server(Script()
                            .delay(late)
                            .greet()
                            .expect("EHLO")
                            .delay(late)
                            .send("250 mx.test\r\n")
                            .expect("MAIL")
                            .delay(late)
                            .send("250 ok\r\n")
                            .expect("RCPT")
                            .delay(late)
                            .send("250 ok\r\n")
                            .expect("DATA")
                            .delay(late)
                            .send("354 go\r\n")
                            .expect_data()
                            .delay(late)
                            .send("250 ok\r\n")
                            .quit());
    Client client;
    Stopwatch watch;
    std::error_code ec;
    client.connect("127.0.0.1", server.port(), esmtp_options(timeout), ec);
    ASSERT_FALSE(ec) << ec.message();
    const SendResult r = client.send(envelope_to({"a@example.com"}), message(), ec);
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_TRUE(r.delivered());
    EXPECT_GE(watch.elapsed(), 6 * late - 100ms);
    client.quit(ec);
    expect_server_done(server);
}

TEST(Stall, ThrowingFormThrowsTimeout) {
    ScriptServer server(Script::esmtp().expect("MAIL").stall());
    Client client;
    client.connect("127.0.0.1", server.port(), esmtp_options(timeout));
    try {
        client.send(envelope_to({"a@example.com"}), message());
        ADD_FAILURE() << "send() did not throw";
    } catch (const smtpkit::system_error& e) {
        EXPECT_EQ(e.code(), error::timeout);
    }
    client.disconnect();
    expect_server_done(server);
}

}  // namespace
}  // namespace smtpkit::test
