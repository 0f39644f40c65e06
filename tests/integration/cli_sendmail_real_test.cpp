// The tool as a system's sendmail and on a terminal, against a real Postfix:
// sendmail -t (Bcc delivered, absent from what is stored), mail(1)
// (bsd-mailx) piping through a `sendmail` link with the account from the
// config file, and the progress bar: drawn under a pseudo-terminal (script
// from util-linux), absent when stderr is not a terminal or with --quiet.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "support/cli_runner.hpp"
#include "support/postfix_server.hpp"
#include "support/server_process.hpp"

namespace smtpkit::test {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr int ex_ok = 0;

// The stored messages' original recipients (X-Original-To), in mbox order.
std::vector<std::string> original_recipients(const std::vector<std::string>& messages) {
    std::vector<std::string> out;
    for (const std::string& m : messages) {
        const auto at = m.find("X-Original-To: ");
        out.push_back(at == std::string::npos ? "" : m.substr(at + 15, m.find('\n', at) - at - 15));
    }
    std::sort(out.begin(), out.end());
    return out;
}

class CliSystem : public ::testing::Test {
  protected:
    // The user's config.toml: a default account for `server`.
    void write_account(const PostfixServer& server) {
        runner_.file("xdg/smtpkit/config.toml",
                     "default = \"local\"\n[account.local]\nserver = \"127.0.0.1\"\nport = " +
                         std::to_string(server.port()) +
                         "\ntls = \"none\"\nfrom = \"Cron Daemon <cron@localhost>\"\n");
    }

    CliRunner runner_{"smtpkit-cli-system-"};
};

TEST_F(CliSystem, SendmailTakesRecipientsFromTheHeaderAndStoresNoBcc) {
    PostfixServer server;
    write_account(server);
    const CliRun r = runner_.run({"sendmail", "-t", "-i"},
                                 "To: root+to@localhost\nBcc: Hidden <root+bcc@localhost>\n"
                                 "Subject: sendmail -t\n\nHello from cron.\n");
    ASSERT_EQ(r.status, ex_ok) << describe(r);
    EXPECT_TRUE(r.out.empty() && r.err.empty()) << describe(r);
    const auto messages = split_mbox(server.wait_for_mailbox("root", 10s, 2));
    ASSERT_EQ(messages.size(), 2u);
    EXPECT_EQ(original_recipients(messages),
              (std::vector<std::string>{"root+bcc@localhost", "root+to@localhost"}));
    for (const std::string& stored : messages) {
        const auto [trace, rest] = split_postfix_trace_headers(stored);
        EXPECT_THAT(rest, Not(HasSubstr("Bcc"))) << stored;
        EXPECT_THAT(rest, Not(HasSubstr("root+bcc"))) << stored;
        EXPECT_THAT(rest,
                    AllOf(HasSubstr("From: Cron Daemon <cron@localhost>\n"), HasSubstr("\nDate: "),
                          HasSubstr("\nMessage-ID: <"), HasSubstr("\n\nHello from cron.\n")))
            << stored;
    }
}

TEST_F(CliSystem, MailPipesThroughASendmailLink) {
    PostfixServer server;
    write_account(server);
    const auto link = runner_.dir() / "bin" / "sendmail";
    std::filesystem::create_directories(link.parent_path());
    std::filesystem::create_symlink(SMTPKIT_CLI_PATH, link);
    // bsd-mailx runs the program its `sendmail` variable names.
    const auto mailrc = runner_.file("mailrc", "set sendmail=" + link.string() + "\n");
    const CliRun r =
        runner_.run({"-s", "Through mail(1)", "-b", "root+bcc@localhost", "root+to@localhost"},
                    "Body written by mail.\n", {"MAILRC=" + mailrc.string()}, "/usr/bin/mail");
    ASSERT_EQ(r.status, ex_ok) << describe(r);
    const auto messages = split_mbox(server.wait_for_mailbox("root", 10s, 2));
    ASSERT_EQ(messages.size(), 2u);
    for (const std::string& stored : messages) {
        const auto [trace, rest] = split_postfix_trace_headers(stored);
        EXPECT_THAT(rest, AllOf(HasSubstr("Subject: Through mail(1)\n"),
                                HasSubstr("\n\nBody written by mail.\n"),
                                HasSubstr("From: Cron Daemon <cron@localhost>\n")))
            << stored;
        EXPECT_THAT(rest, Not(HasSubstr("root+bcc"))) << stored;
    }
}

class CliProgress : public CliSystem {
  protected:
    void SetUp() override {
        // Over the 1 MB at which the bar appears.
        attachment_ = runner_.file("big.bin", std::string(3 * 1024 * 1024, 'x'));
    }

    std::vector<std::string> send_args(const PostfixServer& server) const {
        return {"send",
                "--server",
                "127.0.0.1",
                "--port",
                std::to_string(server.port()),
                "--from",
                "a@localhost",
                "--to",
                "root@localhost",
                "--text",
                "see the attachment",
                "--attach",
                attachment_.string()};
    }

    // The command line for `script`, each word quoted for sh.
    static std::string shell_words(const std::vector<std::string>& words) {
        std::string out;
        for (const std::string& w : words) {
            out += (out.empty() ? "'" : " '") + w + "'";
        }
        return out;
    }

    // Runs the tool under a pseudo-terminal (stdout and stderr both go there
    // and come back on script's stdout).
    CliRun on_terminal(const std::vector<std::string>& args, std::vector<std::string> env = {}) {
        std::vector<std::string> words{SMTPKIT_CLI_PATH};
        words.insert(words.end(), args.begin(), args.end());
        env.push_back("TERM=xterm");
        return runner_.run({"-qec", shell_words(words), "/dev/null"}, std::nullopt, env,
                           "/usr/bin/script");
    }

    std::filesystem::path attachment_;
};

TEST_F(CliProgress, BarOnATerminal) {
    PostfixServer server;
    const CliRun r = on_terminal(send_args(server));
    ASSERT_EQ(r.status, ex_ok) << describe(r);
    EXPECT_THAT(r.out, AllOf(HasSubstr("100%"), HasSubstr("MB/s"), HasSubstr("\r")));
    EXPECT_THAT(r.out, HasSubstr("\033[32maccepted\033[0m")) << "colours on a terminal";
    server.wait_for_mailbox("root");
    // A batch of over 100 messages counts them.
    const CliRun batch = on_terminal({"send", "--server", "127.0.0.1", "--port",
                                      std::to_string(server.port()), "--from", "a@localhost",
                                      "--to", "root@localhost", "--text", "x", "--repeat", "120"});
    ASSERT_EQ(batch.status, ex_ok) << describe(batch);
    EXPECT_THAT(batch.out, HasSubstr("100%  120 of 120 messages"));
}

TEST_F(CliProgress, NoBarNorColourWithoutATerminalOrWhenAskedNot) {
    PostfixServer server;
    CliRun r = runner_.run(send_args(server));
    ASSERT_EQ(r.status, ex_ok) << describe(r);
    EXPECT_TRUE(r.err.empty()) << r.err;
    EXPECT_THAT(r.out, Not(HasSubstr("\033")));
    auto args = send_args(server);
    args.push_back("--quiet");
    r = on_terminal(args);
    ASSERT_EQ(r.status, ex_ok) << describe(r);
    EXPECT_THAT(r.out, Not(HasSubstr("%")));
    r = on_terminal(send_args(server), {"NO_COLOR=1"});
    ASSERT_EQ(r.status, ex_ok) << describe(r);
    EXPECT_THAT(r.out, HasSubstr("100%"));
    EXPECT_THAT(r.out, Not(HasSubstr("\033[32m")));
    server.wait_for_mailbox("root", 10s, 3);
}

}  // namespace
}  // namespace smtpkit::test
