// The tool's answers and exit statuses against real servers, for the
// commands the scripted tests cover too: `verify` and `expand` (VRFY and EXPN
// as Postfix and aiosmtpd answer them), `probe --quit-after connect` (the
// greeting, then QUIT and nothing else), and `sendmail`'s statuses for a
// refused recipient, an unreachable server and a message with no recipient.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sysexits.h>

#include <string>
#include <vector>

#include "support/aiosmtpd_server.hpp"
#include "support/cli_runner.hpp"
#include "support/postfix_server.hpp"
#include "support/server_process.hpp"

namespace smtpkit::test {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

class CliRealExits : public ::testing::Test {
  protected:
    CliRun run(const std::string& command, std::uint16_t port, std::vector<std::string> more,
               const std::optional<std::string>& input = {}) {
        std::vector<std::string> args{
            command, "--server", "127.0.0.1", "--port", std::to_string(port), "--timeout", "10"};
        args.insert(args.end(), more.begin(), more.end());
        return runner_.run(args, input);
    }

    // config.toml with a default plaintext account for the server on `port`.
    void write_account(std::uint16_t port) {
        runner_.file("xdg/smtpkit/config.toml",
                     "default = \"local\"\n[account.local]\nserver = \"127.0.0.1\"\nport = " +
                         std::to_string(port) + "\ntls = \"none\"\nfrom = \"cron@localhost\"\n");
    }

    CliRunner runner_{"smtpkit-cli-exits-"};
};

TEST_F(CliRealExits, VerifyAKnownUserExitsZero) {
    PostfixServer server;
    const CliRun r = run("verify", server.port(), {"--tls", "none", "root@localhost"});
    EXPECT_EQ(r.status, EX_OK) << describe(r);
    // Postfix says 252 (it will not confirm, but takes mail for it).
    EXPECT_THAT(r.out, HasSubstr("252 ")) << describe(r);
    EXPECT_THAT(r.out, HasSubstr("root")) << describe(r);
}

TEST_F(CliRealExits, VerifyAnUnknownUserExitsNoUser) {
    // The fixture takes mail for any local name; with the system's users as
    // the local recipients Postfix tells the unknown ones apart.
    PostfixServer server(
        PostfixOptions{.main_cf = {{"local_recipient_maps", "unix:passwd.byname"}}});
    const CliRun r = run("verify", server.port(), {"--tls", "none", "nosuchuser@localhost"});
    EXPECT_EQ(r.status, EX_NOUSER) << describe(r);
    EXPECT_THAT(r.out, HasSubstr("550 ")) << describe(r);
    EXPECT_THAT(r.err, HasSubstr("nosuchuser@localhost")) << describe(r);
}

TEST_F(CliRealExits, VerifyDisabledExitsUnavailable) {
    PostfixServer server(PostfixOptions{.main_cf = {{"disable_vrfy_command", "yes"}}});
    const CliRun r = run("verify", server.port(), {"--tls", "none", "root@localhost"});
    EXPECT_EQ(r.status, EX_UNAVAILABLE) << describe(r);
    EXPECT_THAT(r.out, HasSubstr("502 ")) << describe(r);
}

TEST_F(CliRealExits, ExpandIsRefusedByPostfixAndAiosmtpd) {
    PostfixServer postfix;
    const CliRun p = run("expand", postfix.port(), {"--tls", "none", "root"});
    EXPECT_EQ(p.status, EX_UNAVAILABLE) << describe(p);
    EXPECT_THAT(p.out, HasSubstr("500 5.5.2")) << describe(p);  // Postfix knows no EXPN

    AiosmtpdServer aiosmtpd;
    const CliRun a = run("expand", aiosmtpd.port(), {"--tls", "none", "staff"});
    EXPECT_EQ(a.status, EX_UNAVAILABLE) << describe(a);
    EXPECT_THAT(a.out, HasSubstr("502 ")) << describe(a);
}

TEST_F(CliRealExits, ProbeQuitAfterConnectSaysOnlyQuit) {
    PostfixServer server;
    const CliRun r = run("probe", server.port(), {"--quit-after", "connect", "--trace"});
    EXPECT_EQ(r.status, EX_OK) << describe(r);
    EXPECT_THAT(r.out, AllOf(HasSubstr(PostfixServer::host_name), HasSubstr("quit after")))
        << describe(r);
    // The trace: the client's lines ("C: ...") are QUIT alone.
    EXPECT_THAT(r.err, AllOf(HasSubstr("QUIT"), Not(HasSubstr("EHLO")), Not(HasSubstr("HELO")),
                             Not(HasSubstr("STARTTLS"))))
        << describe(r);
}

TEST_F(CliRealExits, ProbeQuitAfterConnectOnAiosmtpd) {
    AiosmtpdServer server;
    const CliRun r = run("probe", server.port(), {"--quit-after", "connect", "--json"});
    EXPECT_EQ(r.status, EX_OK) << describe(r);
    EXPECT_THAT(r.out, AllOf(HasSubstr("\"quit_after\": \"connect\""), HasSubstr("220")))
        << describe(r);
}

TEST_F(CliRealExits, SendmailRefusedRecipientExitsUnavailable) {
    PostfixServer server;
    write_account(server.port());
    // Postfix relays for no one: 554 5.7.1 to a remote recipient.
    const CliRun r =
        runner_.run({"sendmail", "-i", "someone@example.com"}, "Subject: to nobody\n\nlost\n");
    EXPECT_EQ(r.status, EX_UNAVAILABLE) << describe(r);
    EXPECT_THAT(r.err, AllOf(HasSubstr("someone@example.com"), HasSubstr("554"))) << describe(r);
}

TEST_F(CliRealExits, SendmailWithNothingListeningExitsTempfail) {
    write_account(free_loopback_port());
    const CliRun r = runner_.run({"sendmail", "-i", "root@localhost"}, "Subject: x\n\nbody\n");
    EXPECT_EQ(r.status, EX_TEMPFAIL) << describe(r);
    EXPECT_FALSE(r.err.empty()) << "no message for the user";
}

TEST_F(CliRealExits, SendmailWithoutRecipientsExitsUsage) {
    PostfixServer server;
    write_account(server.port());
    const CliRun r = runner_.run({"sendmail", "-t"}, "Subject: nobody named\n\nbody\n");
    EXPECT_EQ(r.status, EX_USAGE) << describe(r);
    EXPECT_THAT(r.err, HasSubstr("no recipients")) << describe(r);
}

TEST_F(CliRealExits, SendmailToAiosmtpdDelivers) {
    AiosmtpdServer server;
    write_account(server.port());
    const CliRun r = runner_.run({"sendmail", "-i", "-f", "cron@localhost", "a@example.com"},
                                 "Subject: through aiosmtpd\n\nhello\n");
    ASSERT_EQ(r.status, EX_OK) << describe(r);
    const ReceivedMessage m = server.wait_for_message(0);
    EXPECT_THAT(m.content, AllOf(HasSubstr("Subject: through aiosmtpd"), HasSubstr("Message-ID:"),
                                 HasSubstr("Date:"), HasSubstr("hello")));
}

}  // namespace
}  // namespace smtpkit::test
