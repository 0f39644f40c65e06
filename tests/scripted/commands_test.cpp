// RSET, NOOP, VRFY, EXPN and raw commands: replies come back as replies
// (refusals included), and lines that would break the dialogue are refused
// before anything is written.
#include "scripted/client_fixture.hpp"

namespace smtpkit::test {
namespace {

class Commands : public ::testing::Test {
  protected:
    // The prologue, `body`, then QUIT; connects the client.
    void start(Script body) {
        Script s = Script::esmtp({"PIPELINING"});
        for (const Step& step : body.steps()) {
            append(s, step);
        }
        s.quit();
        server_ = std::make_unique<ScriptServer>(s);
        std::error_code ec;
        client_.connect("127.0.0.1", server_->port(), esmtp_options(), ec);
        ASSERT_FALSE(ec) << ec.message();
    }
    void finish() {
        std::error_code ec;
        client_.quit(ec);
        EXPECT_FALSE(ec) << ec.message();
        expect_server_done(*server_);
    }
    // The lines after the prologue, up to and without QUIT.
    std::vector<std::string> commands() const {
        auto lines = server_->lines();
        if (lines.empty()) {
            return {"(nothing received)"};
        }
        std::vector<std::string> out(lines.begin() + 1, lines.end());
        if (!out.empty() && out.back() == "QUIT") {
            out.pop_back();
        }
        return out;
    }

    Client client_;
    std::unique_ptr<ScriptServer> server_;

  private:
    static void append(Script& s, const Step& step) {
        switch (step.kind) {
            case Step::Kind::send:
                s.send(step.text);
                break;
            case Step::Kind::expect:
                s.expect(step.text);
                break;
            default:
                FAIL() << "only send and expect steps here";
        }
    }
};

TEST_F(Commands, ResetAndNoop) {
    start(Script().expect("RSET").send("250 2.0.0 Ok\r\n").expect("NOOP").send("250 2.0.0 Ok\r\n"));
    std::error_code ec;
    const Reply rset = client_.reset(ec);
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_EQ(rset.code, 250);
    const Reply noop = client_.noop();
    EXPECT_EQ(noop.code, 250);
    EXPECT_EQ(client_.last_reply().code, 250);
    finish();
    EXPECT_EQ(commands(), (std::vector<std::string>{"RSET", "NOOP"}));
}

TEST_F(Commands, VerifyAnswers) {
    start(Script()
              .expect("VRFY postmaster")
              .send("250 2.1.5 Postmaster <postmaster@mx.test>\r\n")
              .expect("VRFY nobody")
              .send("550 5.1.1 <nobody>: Recipient address rejected\r\n")
              .expect("VRFY anyone")
              .send("252 2.0.0 anyone\r\n"));
    std::error_code ec;
    Reply r = client_.verify("postmaster", ec);
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_EQ(r.code, 250);
    EXPECT_TRUE(has_substr(r.text(), "<postmaster@mx.test>"));

    // A refusal is an answer: returned, not thrown, no error code.
    r = client_.verify("nobody", ec);
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_EQ(r.code, 550);
    ASSERT_TRUE(r.enhanced.has_value());
    EXPECT_EQ(*r.enhanced, (EnhancedStatus{5, 1, 1}));
    EXPECT_TRUE(has_substr(r.text(), "Recipient address rejected"));
    EXPECT_EQ(client_.last_reply().code, 550);

    EXPECT_NO_THROW(r = client_.verify("anyone"));
    EXPECT_EQ(r.code, 252);
    EXPECT_TRUE(client_.connected());
    finish();
}

TEST_F(Commands, VerifyRefusalDoesNotThrow) {
    start(Script().expect("VRFY nobody").send("550 5.1.1 no such user\r\n"));
    Reply r;
    EXPECT_NO_THROW(r = client_.verify("nobody"));
    EXPECT_EQ(r.code, 550);
    finish();
}

TEST_F(Commands, ExpandMultiLine) {
    start(Script()
              .expect("EXPN staff")
              .send("250-Alice <alice@mx.test>\r\n250-Bob <bob@mx.test>\r\n250 Carol "
                    "<carol@mx.test>\r\n"));
    const Reply r = client_.expand("staff");
    EXPECT_EQ(r.code, 250);
    EXPECT_EQ(r.lines, (std::vector<std::string>{"Alice <alice@mx.test>", "Bob <bob@mx.test>",
                                                 "Carol <carol@mx.test>"}));
    finish();
}

TEST_F(Commands, ExpandRefused) {
    start(Script().expect("EXPN staff").send("502 5.5.1 EXPN not available\r\n"));
    std::error_code ec;
    const Reply r = client_.expand("staff", ec);
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_EQ(r.code, 502);
    EXPECT_TRUE(r.permanent());
    finish();
}

TEST_F(Commands, RawCommandReply) {
    start(Script()
              .expect("HELP")
              .send("214-Commands:\r\n214 EHLO MAIL RCPT DATA\r\n")
              .expect("XCLIENT NAME=x")
              .send("500 5.5.2 unknown command\r\n"));
    std::error_code ec;
    Reply r = client_.command("HELP", ec);
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_EQ(r.code, 214);
    EXPECT_EQ(r.lines.size(), 2u);
    r = client_.command("XCLIENT NAME=x", ec);
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_EQ(r.code, 500);
    finish();
    EXPECT_EQ(commands(), (std::vector<std::string>{"HELP", "XCLIENT NAME=x"}));
}

class ReservedCommand : public Commands, public ::testing::WithParamInterface<std::string> {};

TEST_P(ReservedCommand, RefusedWithoutSending) {
    start(Script().expect("NOOP").send("250 ok\r\n"));
    std::error_code ec;
    const Reply r = client_.command(GetParam(), ec);
    EXPECT_EQ(ec, error::invalid_command);
    EXPECT_TRUE(r.empty());
    EXPECT_THROW(client_.command(GetParam()), smtpkit::system_error);
    // The session is untouched: the next command is the next thing sent.
    EXPECT_EQ(client_.noop().code, 250);
    finish();
    EXPECT_EQ(commands(), (std::vector<std::string>{"NOOP"}));
}

INSTANTIATE_TEST_SUITE_P(Verbs, ReservedCommand,
                         ::testing::Values("DATA", "data", "BDAT 10 LAST", "STARTTLS",
                                           "AUTH PLAIN AGxvZ2luAHB3", "EHLO other.example",
                                           "HELO other.example", "QUIT", ""));

class InjectedLine : public Commands, public ::testing::WithParamInterface<std::string> {};

TEST_P(InjectedLine, RefusedAndNothingReachesTheServer) {
    start(Script());
    const std::string& evil = GetParam();
    std::error_code ec;
    client_.command("NOOP" + evil + "RCPT TO:<x@example.com>", ec);
    EXPECT_EQ(ec, error::invalid_character);
    client_.verify("postmaster" + evil + "DATA", ec);
    EXPECT_EQ(ec, error::invalid_character);
    client_.expand("staff" + evil + "RSET", ec);
    EXPECT_EQ(ec, error::invalid_character);
    try {
        client_.command("NOOP" + evil + "QUIT");
        ADD_FAILURE() << "command() did not throw";
    } catch (const smtpkit::system_error& e) {
        EXPECT_EQ(e.code(), error::invalid_character);
    }
    EXPECT_TRUE(client_.connected());
    finish();
    // After EHLO, the next octets the server saw were the QUIT.
    EXPECT_TRUE(commands().empty()) << ::testing::PrintToString(commands());
    EXPECT_EQ(server_->reads(), 2u);  // EHLO, QUIT
}

INSTANTIATE_TEST_SUITE_P(Octets, InjectedLine,
                         ::testing::Values(std::string("\r\n"), std::string("\n"),
                                           std::string("\r"), std::string(1, '\0'),
                                           std::string("\x7f"), std::string("\t\x01")),
                         [](const auto& info) { return "case" + std::to_string(info.index); });

TEST(CommandsUnconnected, FailWithNotConnected) {
    Client client;
    std::error_code ec;
    client.noop(ec);
    EXPECT_EQ(ec, error::not_connected);
    client.reset(ec);
    EXPECT_EQ(ec, error::not_connected);
    client.send(envelope_to({"a@example.com"}), message(), ec);
    EXPECT_EQ(ec, error::not_connected);
    EXPECT_THROW(client.verify("x"), smtpkit::system_error);
}

}  // namespace
}  // namespace smtpkit::test
