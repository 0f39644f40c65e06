// `smtpkit probe --quit-after STEP` and the AUTH trials, `smtpkit verify` and
// `smtpkit expand`, end to end against the scripted server: what the tool
// says on the wire (and stops saying), what it prints, its exit status.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sysexits.h>

#include <string>
#include <vector>

#include "smtpkit/protocol/sasl.hpp"
#include "support/cli_runner.hpp"
#include "support/script_server.hpp"
#include "support/secret_watch.hpp"

namespace smtpkit::test {
namespace {

using protocol::sasl::base64_encode;
using ::testing::AllOf;
using ::testing::HasSubstr;

constexpr const char* secret = "Pr0be-s3cret";

void expect_done(ScriptServer& server) {
    ASSERT_TRUE(server.wait_done()) << "the server's script did not finish";
    EXPECT_TRUE(server.mismatches().empty()) << ::testing::PrintToString(server.mismatches());
}

class CliProbeSteps : public ::testing::Test {
  protected:
    CliRun run(const std::string& command, std::uint16_t port, std::vector<std::string> more,
               std::vector<std::string> env = {}) {
        std::vector<std::string> args{
            command, "--server", "127.0.0.1", "--port", std::to_string(port), "--timeout", "5"};
        args.insert(args.end(), more.begin(), more.end());
        CliRun r = runner_.run(args, std::nullopt, env);
        watch_.add_text("stdout", r.out);
        watch_.add_text("stderr", r.err);
        return r;
    }

    CliRunner runner_{"smtpkit-cli-probe-"};
    SecretWatch watch_{"me"};
};

TEST_F(CliProbeSteps, QuitAfterEhloSaysNoStarttls) {
    Script s = Script::esmtp({"STARTTLS", "PIPELINING"});
    ScriptServer server(s.quit());
    const CliRun r = run("probe", server.port(), {"--quit-after", "ehlo", "--tls", "starttls"});
    EXPECT_EQ(r.status, EX_OK) << describe(r);
    EXPECT_THAT(r.out, AllOf(HasSubstr("\n  STARTTLS\n"), HasSubstr("quit after    ehlo")));
    expect_done(server);
    EXPECT_FALSE(server.saw("STARTTLS"));
}

TEST_F(CliProbeSteps, QuitAfterMailSendsNoRecipient) {
    Script s = Script::esmtp();
    s.expect("MAIL FROM:<me@example.com>").send("250 2.1.0 sender ok\r\n");
    s.expect("RSET").send("250 ok\r\n").quit();  // the transaction given up, then QUIT
    ScriptServer server(s);
    const CliRun r =
        run("probe", server.port(), {"--quit-after", "mail", "--from", "me@example.com"});
    EXPECT_EQ(r.status, EX_OK) << describe(r);
    EXPECT_THAT(r.out, HasSubstr("MAIL          250 2.1.0 sender ok"));
    expect_done(server);
}

TEST_F(CliProbeSteps, QuitAfterRcptAsksForEachRecipientAndSendsNoData) {
    Script s = Script::esmtp({"ENHANCEDSTATUSCODES"});
    s.expect("MAIL FROM:<me@example.com>").send("250 2.1.0 ok\r\n");
    s.expect("RCPT TO:<a@example.com>").send("250 2.1.5 ok\r\n");
    s.expect("RCPT TO:<b@example.com>").send("250 2.1.5 ok\r\n");
    s.expect("RSET").send("250 ok\r\n").quit();
    ScriptServer server(s);
    const CliRun r = run("probe", server.port(),
                         {"--quit-after", "rcpt", "--from", "me@example.com", "--to",
                          "a@example.com, b@example.com", "--json"});
    EXPECT_EQ(r.status, EX_OK) << describe(r);
    EXPECT_THAT(r.out, AllOf(HasSubstr("\"quit_after\": \"rcpt\""), HasSubstr("b@example.com")));
    expect_done(server);
    EXPECT_FALSE(server.saw("DATA"));
}

TEST_F(CliProbeSteps, RefusedRecipientExitsUnavailable) {
    Script s = Script::esmtp({"ENHANCEDSTATUSCODES"});
    s.expect("MAIL FROM:<me@example.com>").send("250 2.1.0 ok\r\n");
    s.expect("RCPT TO:<x@example.com>").send("550 5.1.1 no such user\r\n");
    s.expect("RSET").send("250 ok\r\n").quit();
    ScriptServer server(s);
    const CliRun r =
        run("probe", server.port(),
            {"--quit-after", "rcpt", "--from", "me@example.com", "--to", "x@example.com"});
    EXPECT_EQ(r.status, EX_UNAVAILABLE) << describe(r);
    EXPECT_THAT(r.out, HasSubstr("x@example.com: 550 5.1.1 no such user"));
    expect_done(server);
}

TEST_F(CliProbeSteps, QuitAfterFlagsThatAreMissing) {
    ScriptServer server(Script::esmtp());
    EXPECT_EQ(run("probe", server.port(), {"--quit-after", "mail"}).status, EX_USAGE);
    EXPECT_EQ(run("probe", server.port(), {"--quit-after", "auth"}).status, EX_USAGE);
    EXPECT_EQ(
        run("probe", server.port(), {"--quit-after", "rcpt", "--from", "a@example.com"}).status,
        EX_USAGE);
    EXPECT_EQ(run("probe", server.port(), {"--quit-after", "data"}).status, EX_USAGE);
    EXPECT_EQ(server.connections(), 0u);
}

TEST_F(CliProbeSteps, AuthTrialsReportEachOfferedMechanism) {
    const std::string plain =
        base64_encode(std::string("\0", 1) + "me" + std::string("\0", 1) + secret);
    std::vector<Script> scripts;
    scripts.push_back(Script::esmtp({"AUTH PLAIN LOGIN"}).quit());  // the report's session
    Script plain_session = Script::esmtp({"AUTH PLAIN LOGIN"});
    plain_session.expect("AUTH PLAIN " + plain)
        .send("235 2.7.0 ok\r\n")
        .ehlo({"AUTH PLAIN LOGIN"})  // asked again after a login
        .quit();
    scripts.push_back(plain_session);
    Script login_session = Script::esmtp({"AUTH PLAIN LOGIN"});
    login_session.expect("AUTH LOGIN").send("334 VXNlcm5hbWU6\r\n");
    login_session.expect(base64_encode("me")).send("334 UGFzc3dvcmQ6\r\n");
    login_session.expect(base64_encode(secret)).send("535 5.7.8 no\r\n").quit();
    scripts.push_back(login_session);
    ScriptServer server(scripts);
    const CliRun r = run("probe", server.port(), {"--user", "me", "--allow-insecure-auth"},
                         {std::string("SMTPKIT_PASSWORD=") + secret});
    EXPECT_EQ(r.status, EX_OK) << describe(r);  // one mechanism works
    EXPECT_THAT(r.out, AllOf(HasSubstr("  PLAIN       ok: 235 2.7.0 ok"),
                             HasSubstr("  LOGIN       FAILED: 535 5.7.8 no")));
    expect_done(server);
    watch_.expect_no_secret(secret);
}

TEST_F(CliProbeSteps, QuitAfterAuthLogsInOnce) {
    const std::string plain =
        base64_encode(std::string("\0", 1) + "me" + std::string("\0", 1) + secret);
    Script s = Script::esmtp({"AUTH PLAIN"});
    s.expect("AUTH PLAIN " + plain).send("535 5.7.8 bad credentials\r\n").quit();
    ScriptServer server(s);
    const CliRun r = run("probe", server.port(),
                         {"--quit-after", "auth", "--user", "me", "--allow-insecure-auth"},
                         {std::string("SMTPKIT_PASSWORD=") + secret});
    EXPECT_EQ(r.status, EX_NOPERM) << describe(r);
    EXPECT_THAT(r.err, HasSubstr("535 5.7.8 bad credentials"));
    expect_done(server);
    EXPECT_EQ(server.connections(), 1u);
    watch_.expect_no_secret(secret);
}

TEST_F(CliProbeSteps, VerifyExitStatusFollowsTheReply) {
    struct Case {
        std::string reply;
        int status;
    };
    for (const Case& c : {Case{"250 Ann <ann@example.com>\r\n", EX_OK},
                          Case{"252 2.0.0 cannot verify, will try\r\n", EX_OK},
                          Case{"550 5.1.1 unknown\r\n", EX_NOUSER},
                          Case{"502 5.5.1 VRFY disabled\r\n", EX_UNAVAILABLE},
                          Case{"450 4.3.0 later\r\n", EX_TEMPFAIL}}) {
        Script s = Script::esmtp();
        s.expect("VRFY ann@example.com").send(c.reply).quit();
        ScriptServer server(s);
        const CliRun r = run("verify", server.port(), {"ann@example.com"});
        EXPECT_EQ(r.status, c.status) << c.reply << describe(r);
        EXPECT_THAT(r.out, HasSubstr(c.reply.substr(0, 3) + " ")) << c.reply;
        expect_done(server);
    }
}

TEST_F(CliProbeSteps, ExpandPrintsAMemberALine) {
    Script s = Script::esmtp();
    s.expect("EXPN staff")
        .send("250-Ann <ann@example.com>\r\n250 Bob <bob@example.com>\r\n")
        .quit();
    ScriptServer server(s);
    const CliRun r = run("expand", server.port(), {"staff"});
    EXPECT_EQ(r.status, EX_OK) << describe(r);
    EXPECT_EQ(r.out, "250 Ann <ann@example.com>\n250 Bob <bob@example.com>\n");
    expect_done(server);

    Script refused = Script::esmtp();
    refused.expect("EXPN staff").send("502 5.5.1 EXPN disabled\r\n").quit();
    ScriptServer server2(refused);
    const CliRun r2 = run("expand", server2.port(), {"staff"});
    EXPECT_EQ(r2.status, EX_UNAVAILABLE) << describe(r2);
    EXPECT_THAT(r2.err, HasSubstr("smtpkit: EXPN staff: 502 5.5.1 EXPN disabled"));
    expect_done(server2);
}

}  // namespace
}  // namespace smtpkit::test
