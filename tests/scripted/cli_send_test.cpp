// `smtpkit send` end to end: the built tool runs as a child process against
// the scripted server, and the tests check what a user or a script sees: the
// exit status, stdout (summary or JSON), stderr and what reached the server.
// Needs the smtpkit_cli target built (SMTPKIT_CLI_PATH).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <sysexits.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/script_server.hpp"
#include "support/server_process.hpp"

namespace smtpkit::test {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

struct CliRun {
    int status = -1;  // the exit status; -1 when it did not exit by itself
    std::string out;
    std::string err;
};

class CliSend : public ::testing::Test {
  protected:
    void SetUp() override {
        ASSERT_TRUE(std::filesystem::exists(SMTPKIT_CLI_PATH))
            << "build the smtpkit_cli target first: " << SMTPKIT_CLI_PATH;
    }

    // Runs `smtpkit <args>`; `shell_stdin` redirects stdin from that file.
    CliRun run(const std::vector<std::string>& args, const std::string& shell_stdin = "") {
        std::vector<std::string> argv{SMTPKIT_CLI_PATH};
        argv.insert(argv.end(), args.begin(), args.end());
        if (!shell_stdin.empty()) {
            // sh -c 'exec "$@" < file' sh smtpkit args...
            argv.insert(argv.begin(), {"/bin/sh", "-c", "exec \"$@\" < \"$0\"", shell_stdin});
        }
        const CommandOutput output = run_capture(argv, std::chrono::seconds(30));
        CliRun result{output.exit_code, output.out, output.err};
        return result;
    }

    // The usual arguments for a server on `port`.
    static std::vector<std::string> send_to(std::uint16_t port, std::vector<std::string> more,
                                            const std::string& timeout = "5") {
        std::vector<std::string> args{
            "send",  "--server", "127.0.0.1",      "--port", std::to_string(port), "--timeout",
            timeout, "--helo",   "client.example", "--from", "sender@example.com"};
        args.insert(args.end(), more.begin(), more.end());
        return args;
    }

    std::filesystem::path file(const std::string& name, const std::string& content) {
        const auto path = dir_.path() / name;
        write_file(path, content);
        return path;
    }

    TempDir dir_{"smtpkit-cli-"};
};

// Greeting, EHLO, then MAIL and one RCPT per reply in `rcpt_replies`.
Script transaction(const std::vector<std::string>& rcpt_replies) {
    Script s = Script::esmtp({"8BITMIME", "ENHANCEDSTATUSCODES"});
    s.expect("MAIL FROM:<sender@example.com>").send("250 2.1.0 ok\r\n");
    for (const std::string& reply : rcpt_replies) {
        s.expect("RCPT TO:").send(reply);
    }
    return s;
}

void expect_done(ScriptServer& server) {
    ASSERT_TRUE(server.wait_done()) << "the server's script did not finish";
    EXPECT_TRUE(server.mismatches().empty()) << ::testing::PrintToString(server.mismatches());
}

TEST_F(CliSend, DeliversAComposedMessage) {
    Script s = transaction({"250 2.1.5 ok\r\n", "250 2.1.5 ok\r\n"});
    s.expect("DATA").send("354 go ahead\r\n").expect_data().send("250 2.0.0 queued\r\n").quit();
    ScriptServer server(s);
    const CliRun r =
        run(send_to(server.port(), {"--to", "a@example.com", "--to", "b@example.com", "--subject",
                                    "Hello", "--text", "line one\nline two"}));
    EXPECT_EQ(r.status, EX_OK) << r.err;
    EXPECT_TRUE(r.err.empty()) << ::testing::PrintToString(r.err);
    EXPECT_THAT(r.out, HasSubstr("accepted  a@example.com: 250 2.1.5 ok"));
    EXPECT_THAT(r.out, HasSubstr("accepted  b@example.com: 250 2.1.5 ok"));
    EXPECT_THAT(r.out, HasSubstr("delivered: 250 2.0.0 queued"));
    expect_done(server);
    ASSERT_EQ(server.messages().size(), 1u);
    const std::string m = server.messages()[0];
    EXPECT_THAT(m, AllOf(HasSubstr("From: sender@example.com\r\n"),
                         HasSubstr("To: a@example.com, b@example.com\r\n"),
                         HasSubstr("Subject: Hello\r\n"), HasSubstr("Message-ID: <"),
                         HasSubstr("Date: "), HasSubstr("MIME-Version: 1.0\r\n")));
    EXPECT_THAT(m, HasSubstr("\r\n\r\nline one\r\nline two\r\n"));
}

TEST_F(CliSend, SendsAMessageFileAsItIs) {
    const std::string message =
        "From: x@example.com\r\nSubject: file\r\n\r\n.starts with a dot\r\nend\r\n";
    const auto path = file("message.eml", message);
    Script s = transaction({"250 2.1.5 ok\r\n"});
    s.expect("DATA").send("354 go ahead\r\n").expect_data().send("250 2.0.0 queued\r\n").quit();
    ScriptServer server(s);
    const CliRun r =
        run(send_to(server.port(), {"--to", "a@example.com", "--message", path.string()}));
    EXPECT_EQ(r.status, EX_OK) << r.err;
    expect_done(server);
    ASSERT_EQ(server.messages().size(), 1u);
    EXPECT_EQ(server.messages()[0], message);
}

TEST_F(CliSend, ReadsTheMessageFromStdin) {
    const std::string message = "Subject: stdin\r\n\r\nfrom a pipe\r\n";
    const auto path = file("stdin.eml", message);
    Script s = transaction({"250 2.1.5 ok\r\n"});
    s.expect("DATA").send("354 go ahead\r\n").expect_data().send("250 2.0.0 queued\r\n").quit();
    ScriptServer server(s);
    const CliRun r =
        run(send_to(server.port(), {"--to", "a@example.com", "--message", "-"}), path.string());
    EXPECT_EQ(r.status, EX_OK) << r.err;
    expect_done(server);
    ASSERT_EQ(server.messages().size(), 1u);
    EXPECT_EQ(server.messages()[0], message);
}

TEST_F(CliSend, PartialDeliveryIsDeliveredButExitsUnavailable) {
    Script s = transaction({"250 2.1.5 ok\r\n", "550 5.1.1 no such user\r\n"});
    s.expect("DATA").send("354 go ahead\r\n").expect_data().send("250 2.0.0 queued\r\n").quit();
    ScriptServer server(s);
    const CliRun r = run(send_to(server.port(), {"--to", "a@example.com", "--to", "b@example.com",
                                                 "--text", "hi", "--json"}));
    EXPECT_EQ(r.status, EX_UNAVAILABLE);
    EXPECT_THAT(r.err,
                HasSubstr("smtpkit: recipient rejected: b@example.com: 550 5.1.1 no such user"));
    const auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["verdict"], "delivered");
    EXPECT_EQ(j["delivered"], true);
    ASSERT_EQ(j["recipients"].size(), 2u);
    EXPECT_EQ(j["recipients"][0]["accepted"], true);
    EXPECT_EQ(j["recipients"][1]["address"], "b@example.com");
    EXPECT_EQ(j["recipients"][1]["accepted"], false);
    EXPECT_EQ(j["recipients"][1]["code"], 550);
    EXPECT_EQ(j["recipients"][1]["enhanced"], "5.1.1");
    EXPECT_EQ(j["final"]["code"], 250);
    EXPECT_FALSE(j.contains("error"));
    expect_done(server);
}

TEST_F(CliSend, TemporaryRecipientRefusalExitsTempfail) {
    Script s = transaction({"250 2.1.5 ok\r\n", "450 4.2.1 mailbox busy\r\n"});
    s.expect("DATA").send("354 go ahead\r\n").expect_data().send("250 2.0.0 queued\r\n").quit();
    ScriptServer server(s);
    const CliRun r =
        run(send_to(server.port(), {"--to", "a@example.com", "--to", "b@example.com"}));
    EXPECT_EQ(r.status, EX_TEMPFAIL);
    EXPECT_THAT(r.out, HasSubstr("rejected  b@example.com: 450 4.2.1 mailbox busy"));
    expect_done(server);
}

TEST_F(CliSend, RefusedGreeting) {
    {
        ScriptServer server(Script().send("554 5.3.2 not accepting mail\r\n"));
        const CliRun r = run(send_to(server.port(), {"--to", "a@example.com"}));
        EXPECT_EQ(r.status, EX_UNAVAILABLE);
        EXPECT_THAT(r.err, StartsWith("smtpkit: connecting to 127.0.0.1 port " +
                                      std::to_string(server.port()) + ": "));
        EXPECT_THAT(r.err, HasSubstr(": 554 5.3.2 not accepting mail\n"));
        EXPECT_TRUE(r.out.empty()) << ::testing::PrintToString(r.out);
    }
    {
        ScriptServer server(Script().send("421 4.3.2 busy, try later\r\n"));
        const CliRun r = run(send_to(server.port(), {"--to", "a@example.com"}));
        EXPECT_EQ(r.status, EX_TEMPFAIL);
        EXPECT_THAT(r.err, HasSubstr("421 4.3.2 busy, try later"));
    }
}

TEST_F(CliSend, RefusedSender) {
    Script s = Script::esmtp({"ENHANCEDSTATUSCODES"});
    s.expect("MAIL FROM:").send("553 5.7.1 not allowed\r\n");
    ScriptServer server(s);
    const CliRun r = run(send_to(server.port(), {"--to", "a@example.com", "--json"}));
    EXPECT_EQ(r.status, EX_UNAVAILABLE);
    const auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["delivered"], false);
    EXPECT_EQ(j["mail"]["code"], 553);
    EXPECT_EQ(j["error"]["code"], "sender_refused");
    EXPECT_EQ(j["error"]["category"], "smtpkit");
    EXPECT_EQ(j["error"]["reply"]["code"], 553);
    EXPECT_THAT(r.err, HasSubstr("553 5.7.1 not allowed"));
    EXPECT_FALSE(server.saw("RCPT"));
}

TEST_F(CliSend, ProtocolViolationExitsProtocol) {
    ScriptServer server(Script().send("hello, I am not an SMTP server\r\n"));
    const CliRun r = run(send_to(server.port(), {"--to", "a@example.com"}));
    EXPECT_EQ(r.status, EX_PROTOCOL);
    EXPECT_THAT(r.err, StartsWith("smtpkit: "));
}

TEST_F(CliSend, SilentServerTimesOut) {
    Script s;
    s.stall_silent();
    ScriptServer server(s);
    const auto args = send_to(server.port(), {"--to", "a@example.com", "--json"}, "1");
    const auto start = std::chrono::steady_clock::now();
    const CliRun r = run(args);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
    EXPECT_EQ(r.status, EX_TEMPFAIL);
    EXPECT_EQ(nlohmann::json::parse(r.out)["error"]["code"], "timeout");
}

TEST_F(CliSend, ConnectionLostAfterTheMessageIsUnknown) {
    Script s = transaction({"250 2.1.5 ok\r\n"});
    s.expect("DATA").send("354 go ahead\r\n").expect_data().close();
    ScriptServer server(s);
    const CliRun r = run(send_to(server.port(), {"--to", "a@example.com", "--json"}));
    EXPECT_EQ(r.status, EX_TEMPFAIL);
    EXPECT_EQ(nlohmann::json::parse(r.out)["verdict"], "unknown");
    EXPECT_THAT(r.err, HasSubstr("may have been delivered"));
}

TEST_F(CliSend, RefusedConnection) {
    const std::uint16_t port = free_loopback_port();
    const CliRun r = run(send_to(port, {"--to", "a@example.com", "--json"}));
    EXPECT_EQ(r.status, EX_TEMPFAIL);
    const auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["error"]["code"], "connection_refused");
    EXPECT_EQ(j["error"]["stage"], "connect");
    // The cause in the user's terms, then the fix.
    EXPECT_THAT(r.err, StartsWith("smtpkit: nothing accepts connections on 127.0.0.1 port " +
                                  std::to_string(port) + ": check --server and --port"));
}

TEST_F(CliSend, BadAddressFailsBeforeConnecting) {
    ScriptServer server(Script::esmtp());
    const CliRun r = run(send_to(server.port(), {"--to", "not an address"}));
    EXPECT_EQ(r.status, EX_DATAERR);
    EXPECT_THAT(r.err, StartsWith("smtpkit: bad recipient address \"not an address\": "));
    EXPECT_EQ(server.connections(), 0u);
}

TEST_F(CliSend, HeaderInjectionInTheSubjectIsRefused) {
    ScriptServer server(Script::esmtp());
    const CliRun r =
        run(send_to(server.port(), {"--to", "a@example.com", "--subject", "hi\r\nBcc: x@y.org"}));
    EXPECT_EQ(r.status, EX_DATAERR);
    EXPECT_THAT(r.err, StartsWith("smtpkit: bad --subject: "));
    EXPECT_EQ(server.connections(), 0u);
}

TEST_F(CliSend, UnreadableMessageFileFailsBeforeConnecting) {
    ScriptServer server(Script::esmtp());
    const std::string missing = (dir_.path() / "missing.eml").string();
    const CliRun r = run(send_to(server.port(), {"--to", "a@example.com", "--message", missing}));
    EXPECT_EQ(r.status, EX_NOINPUT);
    EXPECT_THAT(r.err, HasSubstr("cannot read message file"));
    EXPECT_EQ(server.connections(), 0u);
}

TEST_F(CliSend, UsageErrorsExit64) {
    const std::vector<std::vector<std::string>> bad = {
        {},
        {"send", "--to", "a@example.com"},    // no --from
        {"send", "--from", "a@example.com"},  // no --to
        {"send", "--from", "a@x.org", "--to", "b@x.org", "--message", "m", "--text", "t"},
        {"send", "--from", "a@x.org", "--to", "b@x.org", "--port", "70000"},
        {"send", "--from", "a@x.org", "--to", "b@x.org", "--timeout", "soon"},
        {"send", "--from", "a@x.org", "--to", "b@x.org", "--helo", "bad name"},
        {"send", "--from", "a@x.org", "--to", "b@x.org", "--bogus"},
        {"send", "--from", "a@x.org", "--to", "b@x.org", "stray"},
        {"bogus"},
    };
    for (const auto& args : bad) {
        const CliRun r = run(args);
        EXPECT_EQ(r.status, EX_USAGE) << ::testing::PrintToString(args);
        EXPECT_THAT(r.err, StartsWith("smtpkit: ")) << ::testing::PrintToString(args);
        EXPECT_TRUE(r.out.empty()) << ::testing::PrintToString(r.out);
    }
}

TEST_F(CliSend, HelpAndVersion) {
    const CliRun top = run({"--help"});
    EXPECT_EQ(top.status, EX_OK);
    EXPECT_THAT(top.out, HasSubstr("send"));
    const CliRun send = run({"send", "--help"});
    EXPECT_EQ(send.status, EX_OK);
    EXPECT_THAT(send.out, AllOf(HasSubstr("--from"), HasSubstr("--to"), HasSubstr("--message"),
                                HasSubstr("Exit status"), HasSubstr("75")));
    const CliRun version = run({"--version"});
    EXPECT_EQ(version.status, EX_OK);
    EXPECT_THAT(version.out, StartsWith("smtpkit "));
    // Every command has its help, with its exit statuses; the tool's own
    // footer is not repeated inside them.
    for (const char* command : {"send", "sendmail", "probe", "verify", "expand"}) {
        const CliRun help = run({command, "--help"});
        EXPECT_EQ(help.status, EX_OK) << command;
        EXPECT_THAT(help.out,
                    AllOf(HasSubstr("Usage: smtpkit " + std::string(command)),
                          HasSubstr("--server"), HasSubstr("--account"), HasSubstr("Exit status")))
            << command;
        EXPECT_THAT(help.out, Not(HasSubstr("Run 'smtpkit <command> --help'"))) << command;
    }
}

TEST_F(CliSend, TracePrintsTheDialogueOnStderr) {
    Script s = transaction({"250 2.1.5 ok\r\n"});
    s.expect("DATA").send("354 go ahead\r\n").expect_data().send("250 2.0.0 queued\r\n").quit();
    ScriptServer server(s);
    const CliRun r = run(send_to(server.port(), {"--to", "a@example.com", "--trace", "--json"}));
    EXPECT_EQ(r.status, EX_OK);
    EXPECT_THAT(r.err,
                AllOf(HasSubstr("* "), HasSubstr("S: 220 "), HasSubstr("C: EHLO client.example\n"),
                      HasSubstr("C: MAIL FROM:<sender@example.com>"),
                      HasSubstr("S: 250 2.0.0 queued\n"), HasSubstr("C: QUIT\n")));
    // stdout stays machine-readable.
    EXPECT_EQ(nlohmann::json::parse(r.out)["delivered"], true);
    expect_done(server);
}

TEST_F(CliSend, NoExtendedSaysHelo) {
    Script s = Script::smtp();
    s.expect("MAIL FROM:").send("250 ok\r\n").expect("RCPT TO:").send("250 ok\r\n");
    s.expect("DATA").send("354 go ahead\r\n").expect_data().send("250 ok\r\n").quit();
    ScriptServer server(s);
    const CliRun r = run(send_to(server.port(), {"--to", "a@example.com", "--no-extended"}));
    EXPECT_EQ(r.status, EX_OK) << r.err;
    expect_done(server);
    EXPECT_TRUE(server.saw("HELO client.example"));
    EXPECT_FALSE(server.saw("EHLO"));
}

TEST_F(CliSend, NonAsciiSubjectAndText) {
    Script s = transaction({"250 2.1.5 ok\r\n"});
    s.expect("DATA").send("354 go ahead\r\n").expect_data().send("250 2.0.0 queued\r\n").quit();
    ScriptServer server(s);
    const CliRun r = run(send_to(
        server.port(), {"--to", "a@example.com", "--subject", "Grüße", "--text", "Schöne Grüße"}));
    EXPECT_EQ(r.status, EX_OK) << r.err;
    expect_done(server);
    ASSERT_EQ(server.messages().size(), 1u);
    const std::string m = server.messages()[0];
    EXPECT_THAT(m, HasSubstr("Subject: =?UTF-8?B?R3LDvMOfZQ==?=\r\n"));
    EXPECT_THAT(m, HasSubstr("Content-Transfer-Encoding: 8bit\r\n"));
    EXPECT_THAT(m, HasSubstr("\r\n\r\nSchöne Grüße\r\n"));
}

}  // namespace
}  // namespace smtpkit::test
