// `smtpkit send` composing a message from flags (--cc, --bcc, --reply-to,
// display names, --html-file with --text, --attach with ;type=, --inline,
// --header) and sending message files (recipients from their headers, Bcc
// taken out; several files on one session), checked on what reached the
// scripted server.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sysexits.h>

#include <string>
#include <vector>

#include "support/cli_runner.hpp"
#include "support/script_server.hpp"

namespace smtpkit::test {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

// MAIL, one RCPT per address, DATA; `messages` times on one session.
Script transactions(const std::vector<std::string>& to, int messages = 1) {
    Script s = Script::esmtp({"8BITMIME"});
    for (int i = 0; i < messages; ++i) {
        s.expect("MAIL FROM:<me@example.com>").send("250 ok\r\n");
        for (const std::string& address : to) {
            s.expect("RCPT TO:<" + address + ">").send("250 ok\r\n");
        }
        s.expect("DATA").send("354 go\r\n").expect_data().send("250 queued\r\n");
    }
    return s.quit();
}

void expect_done(ScriptServer& server) {
    ASSERT_TRUE(server.wait_done()) << "the server's script did not finish";
    EXPECT_TRUE(server.mismatches().empty()) << ::testing::PrintToString(server.mismatches());
}

class CliCompose : public ::testing::Test {
  protected:
    CliRun send(std::uint16_t port, std::vector<std::string> more) {
        std::vector<std::string> args{
            "send", "--server", "127.0.0.1",          "--port", std::to_string(port), "--timeout",
            "5",    "--from",   "Me <me@example.com>"};
        args.insert(args.end(), more.begin(), more.end());
        return runner_.run(args);
    }

    std::string file(const std::string& name, const std::string& content) {
        return runner_.file(name, content).string();
    }

    CliRunner runner_{"smtpkit-cli-compose-"};
};

TEST_F(CliCompose, AddressesHeadersAndParts) {
    ScriptServer server(transactions({"ann@example.org", "bob@example.org", "eve@example.org"}));
    const CliRun r =
        send(server.port(),
             {"--to",        "Ann Example <ann@example.org>",
              "--cc",        "bob@example.org",
              "--bcc",       "eve@example.org",
              "--reply-to",  "list@example.org",
              "--subject",   "Report",
              "--header",    "X-Campaign: 42",
              "--text",      "plain words",
              "--html-file", file("page.html", "<p>html <img src=\"cid:logo.png\"></p>\n"),
              "--attach",    file("data.csv", "a,b\n") + ";type=text/csv",
              "--inline",    file("logo.png", std::string("\x89PNG\r\n\x1a\n", 8))});
    EXPECT_EQ(r.status, EX_OK) << describe(r);
    expect_done(server);
    ASSERT_EQ(server.messages().size(), 1u);
    const std::string m = server.messages()[0];
    EXPECT_THAT(
        m, AllOf(HasSubstr("From: Me <me@example.com>\r\n"),
                 HasSubstr("To: Ann Example <ann@example.org>\r\n"),
                 HasSubstr("Cc: bob@example.org\r\n"), HasSubstr("Reply-To: list@example.org\r\n"),
                 HasSubstr("Subject: Report\r\n"), HasSubstr("X-Campaign: 42\r\n")));
    EXPECT_THAT(m, Not(HasSubstr("eve@example.org")));  // Bcc: the envelope only
    EXPECT_THAT(m, AllOf(HasSubstr("multipart/alternative"), HasSubstr("multipart/related"),
                         HasSubstr("multipart/mixed"), HasSubstr("Content-Type: text/csv"),
                         HasSubstr("attachment; filename=data.csv"),
                         HasSubstr("Content-ID: <logo.png>"), HasSubstr("plain words")));
}

TEST_F(CliCompose, BadHeaderFlagIsBadData) {
    ScriptServer server(Script::esmtp());
    const CliRun r =
        send(server.port(), {"--to", "a@example.org", "--header", "no colon", "--text", "x"});
    EXPECT_NE(r.status, EX_OK) << describe(r);
    EXPECT_THAT(r.err, HasSubstr("--header"));
    EXPECT_EQ(server.connections(), 0u);
}

TEST_F(CliCompose, MessageFilesGiveTheirRecipientsAndLoseTheirBcc) {
    const std::string first = file("one.eml",
                                   "From: me@example.com\nTo: ann@example.org\n"
                                   "Bcc: eve@example.org\nSubject: one\n\nfirst\n");
    const std::string second =
        file("two.eml", "From: me@example.com\nTo: ann@example.org\nSubject: two\n\nsecond\n");
    Script s = Script::esmtp({"8BITMIME"});
    s.expect("MAIL FROM:<me@example.com>").send("250 ok\r\n");
    s.expect("RCPT TO:<ann@example.org>").send("250 ok\r\n");
    s.expect("RCPT TO:<eve@example.org>").send("250 ok\r\n");
    s.expect("DATA").send("354 go\r\n").expect_data().send("250 queued\r\n");
    s.expect("MAIL FROM:<me@example.com>").send("250 ok\r\n");
    s.expect("RCPT TO:<ann@example.org>").send("250 ok\r\n");
    s.expect("DATA").send("354 go\r\n").expect_data().send("250 queued\r\n").quit();
    ScriptServer server(s);
    const std::vector<std::string> args{
        "send",      "--server", "127.0.0.1", "--port", std::to_string(server.port()),
        "--message", first,      "--message", second};
    const CliRun r = runner_.run(args);
    EXPECT_EQ(r.status, EX_OK) << describe(r);
    expect_done(server);
    ASSERT_EQ(server.messages().size(), 2u);
    EXPECT_THAT(server.messages()[0], AllOf(HasSubstr("Subject: one"), Not(HasSubstr("Bcc"))));
    EXPECT_THAT(server.messages()[1], HasSubstr("Subject: two"));
    EXPECT_EQ(server.connections(), 1u);  // one session for both
}

}  // namespace
}  // namespace smtpkit::test
