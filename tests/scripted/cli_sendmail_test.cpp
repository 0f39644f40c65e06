// `smtpkit sendmail` and the tool started as `sendmail` (a link), end to end
// against the scripted server: the message on stdin, -t (Bcc in the envelope
// only), -f, -F, -i/-oi, recipients as arguments and after `--`, the fields
// added when missing, and sendmail's exit codes (sysexits) with nothing on
// stdout.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sysexits.h>

#include <filesystem>
#include <string>
#include <vector>

#include "support/cli_runner.hpp"
#include "support/script_server.hpp"

namespace smtpkit::test {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

// MAIL from `from`, one RCPT per address (each answered `rcpt_reply`).
Script envelope(const std::string& from, const std::vector<std::string>& to,
                const std::string& rcpt_reply = "250 2.1.5 ok\r\n") {
    Script s = Script::esmtp({"8BITMIME", "ENHANCEDSTATUSCODES"});
    s.expect("MAIL FROM:<" + from + ">").send("250 2.1.0 ok\r\n");
    for (const std::string& address : to) {
        s.expect("RCPT TO:<" + address + ">").send(rcpt_reply);
    }
    return s;
}

Script& deliver(Script& s) {
    return s.expect("DATA").send("354 go\r\n").expect_data().send("250 2.0.0 queued\r\n").quit();
}

void expect_done(ScriptServer& server) {
    ASSERT_TRUE(server.wait_done()) << "the server's script did not finish";
    EXPECT_TRUE(server.mismatches().empty()) << ::testing::PrintToString(server.mismatches());
}

class CliSendmail : public ::testing::Test {
  protected:
    std::vector<std::string> server_flags(std::uint16_t port) {
        return {"--server", "127.0.0.1", "--port", std::to_string(port), "--timeout", "5"};
    }

    CliRun sendmail(std::uint16_t port, std::vector<std::string> args, const std::string& input) {
        std::vector<std::string> all{"sendmail"};
        const auto flags = server_flags(port);
        all.insert(all.end(), flags.begin(), flags.end());
        all.insert(all.end(), args.begin(), args.end());
        return runner_.run(all, input);
    }

    CliRunner runner_{"smtpkit-cli-sendmail-"};
};

TEST_F(CliSendmail, RecipientsFromTheHeaderAndBccOnlyInTheEnvelope) {
    Script s =
        envelope("me@example.com", {"to@example.com", "cc@example.com", "hidden@example.com"});
    ScriptServer server(deliver(s));
    const CliRun r = sendmail(server.port(), {"-t", "-f", "me@example.com"},
                              "To: To <to@example.com>\nCc: cc@example.com\n"
                              "Bcc: hidden@example.com\nSubject: t\n\nbody\n");
    EXPECT_EQ(r.status, EX_OK) << describe(r);
    EXPECT_TRUE(r.out.empty()) << r.out;  // sendmail is silent on success
    EXPECT_TRUE(r.err.empty()) << r.err;
    expect_done(server);
    ASSERT_EQ(server.messages().size(), 1u);
    const std::string m = server.messages()[0];
    EXPECT_THAT(m, Not(HasSubstr("Bcc")));
    EXPECT_THAT(m, Not(HasSubstr("hidden@")));
    // Missing From, Date and Message-ID are added; the body keeps CRLF.
    EXPECT_THAT(m, AllOf(StartsWith("From: me@example.com\r\n"), HasSubstr("\r\nDate: "),
                         HasSubstr("\r\nMessage-ID: <"), HasSubstr("\r\n\r\nbody\r\n")));
}

TEST_F(CliSendmail, ArgumentsFullNameAndDoubleDash) {
    Script s = envelope("me@example.com", {"a@example.com", "-odd@example.com"});
    ScriptServer server(deliver(s));
    const CliRun r = sendmail(server.port(),
                              {"-f", "me@example.com", "-F", "Mary Example", "-oi", "a@example.com",
                               "--", "-odd@example.com"},
                              "Subject: args\n\nfirst\n.\nlast\n");
    EXPECT_EQ(r.status, EX_OK) << describe(r);
    expect_done(server);
    ASSERT_EQ(server.messages().size(), 1u);
    const std::string m = server.messages()[0];
    EXPECT_THAT(m, StartsWith("From: Mary Example <me@example.com>\r\n"));
    // -oi: a line "." is content, not the end.
    EXPECT_THAT(m, HasSubstr("\r\n\r\nfirst\r\n.\r\nlast\r\n"));
}

TEST_F(CliSendmail, WithoutIALoneDotEndsTheMessage) {
    Script s = envelope("me@example.com", {"a@example.com"});
    ScriptServer server(deliver(s));
    const CliRun r = sendmail(server.port(), {"-f", "me@example.com", "a@example.com"},
                              "From: me@example.com\nSubject: dot\n\nkept\n.\nnot sent\n");
    EXPECT_EQ(r.status, EX_OK) << describe(r);
    expect_done(server);
    ASSERT_EQ(server.messages().size(), 1u);
    EXPECT_THAT(server.messages()[0], HasSubstr("\r\n\r\nkept\r\n"));
    EXPECT_THAT(server.messages()[0], Not(HasSubstr("not sent")));
}

TEST_F(CliSendmail, StartedAsSendmailThroughALink) {
    const auto link = runner_.dir() / "bin" / "sendmail";
    std::filesystem::create_directories(link.parent_path());
    std::filesystem::create_symlink(SMTPKIT_CLI_PATH, link);
    Script s = envelope("me@example.com", {"a@example.com"});
    ScriptServer server(deliver(s));
    std::vector<std::string> args = server_flags(server.port());
    args.insert(args.end(), {"-t", "-i", "-f", "me@example.com"});
    const CliRun r =
        runner_.run(args, "To: a@example.com\nSubject: link\n\nhi\n", {}, link.string());
    EXPECT_EQ(r.status, EX_OK) << describe(r);
    expect_done(server);
}

TEST_F(CliSendmail, UnknownRecipientExitsNoUser) {
    Script s = envelope("me@example.com", {"nobody@example.com"},
                        "550 5.1.1 <nobody@example.com>: unknown user\r\n");
    s.expect("RSET").send("250 ok\r\n").quit();
    ScriptServer server(s);
    const CliRun r = sendmail(server.port(), {"-f", "me@example.com", "nobody@example.com"},
                              "Subject: x\n\nx\n");
    EXPECT_EQ(r.status, EX_NOUSER) << describe(r);
    EXPECT_TRUE(r.out.empty()) << r.out;
    EXPECT_THAT(r.err, HasSubstr("nobody@example.com"));
    expect_done(server);
}

TEST_F(CliSendmail, TemporaryRefusalExitsTempfail) {
    Script s = envelope("me@example.com", {"a@example.com"}, "451 4.3.0 try later\r\n");
    s.expect("RSET").send("250 ok\r\n").quit();
    ScriptServer server(s);
    const CliRun r =
        sendmail(server.port(), {"-f", "me@example.com", "a@example.com"}, "Subject: x\n\nx\n");
    EXPECT_EQ(r.status, EX_TEMPFAIL) << describe(r);
    EXPECT_THAT(r.err, HasSubstr("451 4.3.0 try later"));
    expect_done(server);
}

TEST_F(CliSendmail, UsageErrorsConnectToNothing) {
    ScriptServer server(Script::esmtp());
    // No recipients: sendmail's "No recipient addresses found" (64).
    CliRun r = sendmail(server.port(), {"-f", "me@example.com"}, "Subject: x\n\nx\n");
    EXPECT_EQ(r.status, EX_USAGE) << describe(r);
    EXPECT_THAT(r.err, HasSubstr("no recipients"));
    // -t with a header that names nobody.
    r = sendmail(server.port(), {"-t", "-f", "me@example.com"}, "Subject: x\n\nx\n");
    EXPECT_EQ(r.status, EX_USAGE) << describe(r);
    // Modes of a queueing MTA.
    r = sendmail(server.port(), {"-bp"}, "");
    EXPECT_EQ(r.status, EX_USAGE) << describe(r);
    EXPECT_THAT(r.err, HasSubstr("-bp: smtpkit only sends"));
    // A bad sender address is bad data (65).
    r = sendmail(server.port(), {"-f", "not an address", "a@example.com"}, "Subject: x\n\nx\n");
    EXPECT_EQ(r.status, EX_DATAERR) << describe(r);
    EXPECT_EQ(server.connections(), 0u);
}

TEST_F(CliSendmail, IgnoredOptionsAreAccepted) {
    Script s = envelope("me@example.com", {"a@example.com"});
    ScriptServer server(deliver(s));
    const CliRun r = sendmail(
        server.port(), {"-oem", "-odi", "-U", "-f", "me@example.com", "-L", "tag", "a@example.com"},
        "Subject: x\n\nx\n");
    EXPECT_EQ(r.status, EX_OK) << describe(r);
    expect_done(server);
}

}  // namespace
}  // namespace smtpkit::test
