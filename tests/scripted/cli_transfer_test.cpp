// `smtpkit send` and `probe` with the ESMTP extension flags (issue 5), end to
// end: the built tool runs against the scripted server, and the tests check
// the parameters that reached the server, what was left out when the server
// did not offer an extension, the JSON a script reads and the exit status.
// Also the pure parsing of --dsn-notify and --deliver-by.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <sysexits.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "cli/transfer_flags.hpp"
#include "support/script_server.hpp"
#include "support/server_process.hpp"
#include "support/test_certs.hpp"

namespace smtpkit::test {
namespace {

using ::testing::AllOf;
using ::testing::AnyOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

// A message of a known size, 7-bit.
const std::string kMessage = "Subject: chunks\r\n\r\nline one\r\nline two\r\n";  // 40 octets

struct CliRun {
    int status = -1;
    std::string out;
    std::string err;
    nlohmann::json json() const { return nlohmann::json::parse(out); }
};

class CliTransfer : public ::testing::Test {
  protected:
    void SetUp() override {
        ASSERT_TRUE(std::filesystem::exists(SMTPKIT_CLI_PATH))
            << "build the smtpkit_cli target first: " << SMTPKIT_CLI_PATH;
        message_file_ = (dir_.path() / "message.eml").string();
        write_file(message_file_, kMessage);
    }

    CliRun run(const std::vector<std::string>& args) {
        std::vector<std::string> argv{SMTPKIT_CLI_PATH};
        argv.insert(argv.end(), args.begin(), args.end());
        const CommandOutput output = run_capture(argv, std::chrono::seconds(30));
        CliRun result{output.exit_code, output.out, output.err};
        return result;
    }

    // send to a@example.com (unless `more` names recipients) on `port`.
    std::vector<std::string> send_to(std::uint16_t port, std::vector<std::string> more) const {
        std::vector<std::string> args{
            "send", "--server", "127.0.0.1",      "--port", std::to_string(port), "--timeout",
            "5",    "--helo",   "client.example", "--from", "sender@example.com"};
        if (std::find(more.begin(), more.end(), "--to") == more.end()) {
            args.insert(args.end(), {"--to", "a@example.com"});
        }
        args.insert(args.end(), more.begin(), more.end());
        return args;
    }

    std::vector<std::string> send_file(std::uint16_t port, std::vector<std::string> more) const {
        more.insert(more.begin(), {"--message", message_file_});
        return send_to(port, std::move(more));
    }

    TempDir dir_{"smtpkit-cli-transfer-"};
    std::string message_file_;
};

void expect_done(ScriptServer& server) {
    ASSERT_TRUE(server.wait_done()) << "the server's script did not finish";
    EXPECT_TRUE(server.mismatches().empty()) << ::testing::PrintToString(server.mismatches());
}

// The first received line starting with `prefix` ("" when none).
std::string line_starting(const ScriptServer& server, const std::string& prefix) {
    for (const std::string& line : server.lines()) {
        if (line.rfind(prefix, 0) == 0) {
            return line;
        }
    }
    return {};
}

// The words of a command line after the address: "SIZE=" + std::to_string(kMessage.size()),
// "BODY=8BITMIME".
std::vector<std::string> parameters(const std::string& line) {
    std::vector<std::string> words;
    const std::size_t close = line.find('>');
    std::size_t at = close == std::string::npos ? line.size() : close + 1;
    while (at < line.size()) {
        const std::size_t space = line.find(' ', at);
        const std::size_t end = space == std::string::npos ? line.size() : space;
        if (end > at) {
            words.push_back(line.substr(at, end - at));
        }
        at = end + 1;
    }
    return words;
}

bool has_parameter(const std::string& line, const std::string& parameter) {
    const auto words = parameters(line);
    return std::find(words.begin(), words.end(), parameter) != words.end();
}

// The value of NAME=value among a line's parameters ("" when absent).
std::string parameter_value(const std::string& line, const std::string& name) {
    for (const std::string& word : parameters(line)) {
        if (word.rfind(name + "=", 0) == 0) {
            return word.substr(name.size() + 1);
        }
    }
    return {};
}

std::set<std::string> comma_set(const std::string& text) {
    std::set<std::string> out;
    std::size_t at = 0;
    while (at <= text.size()) {
        const std::size_t comma = text.find(',', at);
        const std::size_t end = comma == std::string::npos ? text.size() : comma;
        out.insert(text.substr(at, end - at));
        at = end + 1;
    }
    return out;
}

// MAIL, one RCPT per reply in `rcpt_replies`, DATA and the message.
Script data_transaction(Script s,
                        const std::vector<std::string>& rcpt_replies = {"250 2.1.5 ok\r\n"}) {
    s.expect("MAIL FROM:<sender@example.com>").send("250 2.1.0 ok\r\n");
    for (const std::string& reply : rcpt_replies) {
        s.expect("RCPT TO:").send(reply);
    }
    s.expect("DATA").send("354 go ahead\r\n").expect_data().send("250 2.0.0 queued\r\n");
    return s;
}

// --- DSN -----------------------------------------------------------------------

TEST_F(CliTransfer, DsnParametersGoOnMailAndEveryRcpt) {
    ScriptServer server(data_transaction(Script::esmtp({"DSN", "ENHANCEDSTATUSCODES"}),
                                         {"250 2.1.5 ok\r\n", "250 2.1.5 ok\r\n"})
                            .quit());
    const CliRun r = run(send_file(
        server.port(), {"--to", "a@example.com", "--to", "b@example.com", "--dsn-notify",
                        "success,failure", "--dsn-ret", "hdrs", "--envid", "id+1=x", "--json"}));
    EXPECT_EQ(r.status, EX_OK) << r.err;
    expect_done(server);
    const std::string mail = line_starting(server, "MAIL FROM:");
    EXPECT_TRUE(has_parameter(mail, "RET=HDRS")) << mail;
    EXPECT_TRUE(has_parameter(mail, "ENVID=id+2B1+3Dx")) << mail;  // xtext: '+' and '=' encoded
    std::size_t rcpts = 0;
    for (const std::string& line : server.lines()) {
        if (line.rfind("RCPT TO:", 0) == 0) {
            ++rcpts;
            EXPECT_EQ(comma_set(parameter_value(line, "NOTIFY")),
                      (std::set<std::string>{"SUCCESS", "FAILURE"}))
                << line;
        }
    }
    EXPECT_EQ(rcpts, 2u);
    const auto j = r.json();
    EXPECT_EQ(j["dropped"], nlohmann::json::array());
}

TEST_F(CliTransfer, NotifyNeverStandsAlone) {
    ScriptServer server(data_transaction(Script::esmtp({"DSN"})).quit());
    const CliRun r = run(send_file(server.port(), {"--dsn-notify", "never"}));
    EXPECT_EQ(r.status, EX_OK) << r.err;
    expect_done(server);
    EXPECT_EQ(parameter_value(line_starting(server, "RCPT TO:"), "NOTIFY"), "NEVER");
}

TEST_F(CliTransfer, DsnIsDroppedAndListedWhenNotOffered) {
    ScriptServer server(data_transaction(Script::esmtp({"8BITMIME"})).quit());
    const CliRun r = run(send_file(server.port(), {"--dsn-notify", "failure", "--dsn-ret", "full",
                                                   "--envid", "e1", "--json"}));
    EXPECT_EQ(r.status, EX_OK) << r.err;
    expect_done(server);
    const std::string mail = line_starting(server, "MAIL FROM:");
    EXPECT_THAT(mail, AllOf(Not(HasSubstr("RET=")), Not(HasSubstr("ENVID="))));
    EXPECT_THAT(line_starting(server, "RCPT TO:"), Not(HasSubstr("NOTIFY=")));
    const auto j = r.json();
    EXPECT_EQ(j["delivered"], true);
    EXPECT_EQ(j["dropped"], nlohmann::json::array({"DSN"}));

    // The human summary says so too.
    ScriptServer again(data_transaction(Script::esmtp({"8BITMIME"})).quit());
    const CliRun human = run(send_file(again.port(), {"--dsn-notify", "failure"}));
    EXPECT_EQ(human.status, EX_OK) << human.err;
    EXPECT_THAT(human.out, HasSubstr("dropped   DSN: not offered by the server"));
}

TEST_F(CliTransfer, DsnRequiredButNotOfferedSendsNothing) {
    ScriptServer server(Script::esmtp({"8BITMIME"}).quit());
    const CliRun r = run(
        send_file(server.port(), {"--dsn-notify", "failure,delay", "--dsn-required", "--json"}));
    EXPECT_EQ(r.status, EX_UNAVAILABLE) << r.err;
    EXPECT_EQ(r.json()["error"]["code"], "dsn_not_offered");
    EXPECT_EQ(r.json()["delivered"], false);
    EXPECT_THAT(r.err, HasSubstr("DSN"));
    server.wait_done();
    EXPECT_FALSE(server.saw("MAIL"));
}

// --- MT-PRIORITY, DELIVERBY, REQUIRETLS --------------------------------------

TEST_F(CliTransfer, MtPriorityAndDeliverByGoOnMailWhenOffered) {
    ScriptServer server(data_transaction(Script::esmtp({"MT-PRIORITY", "DELIVERBY 60"})).quit());
    const CliRun r =
        run(send_file(server.port(), {"--mt-priority", "-3", "--deliver-by", "600;NT", "--json"}));
    EXPECT_EQ(r.status, EX_OK) << r.err;
    expect_done(server);
    const std::string mail = line_starting(server, "MAIL FROM:");
    EXPECT_TRUE(has_parameter(mail, "MT-PRIORITY=-3")) << mail;
    EXPECT_TRUE(has_parameter(mail, "BY=600;NT")) << mail;
    EXPECT_EQ(r.json()["dropped"], nlohmann::json::array());
}

TEST_F(CliTransfer, DeliverByDefaultsToReturn) {
    ScriptServer server(data_transaction(Script::esmtp({"DELIVERBY"})).quit());
    const CliRun r = run(send_file(server.port(), {"--deliver-by", "3600"}));
    EXPECT_EQ(r.status, EX_OK) << r.err;
    expect_done(server);
    EXPECT_TRUE(has_parameter(line_starting(server, "MAIL FROM:"), "BY=3600;R"));
}

TEST_F(CliTransfer, MtPriorityAndDeliverByDroppedWhenNotOffered) {
    ScriptServer server(data_transaction(Script::esmtp({"8BITMIME"})).quit());
    const CliRun r =
        run(send_file(server.port(), {"--mt-priority", "5", "--deliver-by", "60N", "--json"}));
    EXPECT_EQ(r.status, EX_OK) << r.err;
    expect_done(server);
    const std::string mail = line_starting(server, "MAIL FROM:");
    EXPECT_THAT(mail, AllOf(Not(HasSubstr("MT-PRIORITY")), Not(HasSubstr("BY="))));
    const auto dropped = r.json()["dropped"].get<std::vector<std::string>>();
    EXPECT_THAT(dropped, ::testing::UnorderedElementsAre("MT-PRIORITY", "DELIVERBY"));
}

Script over_tls(const std::vector<std::string>& extensions) {
    Script s = Script::esmtp({"STARTTLS"});
    s.accept_starttls(server_tls(test_certificates().good)).ehlo(extensions);
    return s;
}

TEST_F(CliTransfer, RequireTlsGoesOnMailOverTls) {
    ScriptServer server(data_transaction(over_tls({"REQUIRETLS", "8BITMIME"})).quit());
    const CliRun r =
        run(send_file(server.port(), {"--tls", "starttls", "--cafile", test_certificates().ca_file,
                                      "--requiretls", "--json"}));
    EXPECT_EQ(r.status, EX_OK) << r.err;
    expect_done(server);
    EXPECT_TRUE(has_parameter(line_starting(server, "MAIL FROM:"), "REQUIRETLS"));
}

TEST_F(CliTransfer, RequireTlsNotOfferedFailsBeforeMail) {
    ScriptServer server(over_tls({"8BITMIME"}).quit());
    const CliRun r =
        run(send_file(server.port(), {"--tls", "starttls", "--cafile", test_certificates().ca_file,
                                      "--requiretls", "--json"}));
    EXPECT_EQ(r.status, EX_UNAVAILABLE) << r.err;
    EXPECT_EQ(r.json()["error"]["code"], "requiretls_not_possible");
    server.wait_done();
    EXPECT_FALSE(server.saw("MAIL"));
}

// --- BODY and SIZE -----------------------------------------------------------

TEST_F(CliTransfer, EightBitTextDeclaresBody8bitmime) {
    ScriptServer server(data_transaction(Script::esmtp({"8BITMIME"})).quit());
    const CliRun r = run(send_to(server.port(), {"--text", "Schöne Grüße", "--json"}));
    EXPECT_EQ(r.status, EX_OK) << r.err;
    expect_done(server);
    EXPECT_TRUE(has_parameter(line_starting(server, "MAIL FROM:"), "BODY=8BITMIME"));
    EXPECT_EQ(r.json()["body"], "8BITMIME");
}

TEST_F(CliTransfer, SevenBitMessageDeclaresNoBody) {
    ScriptServer server(data_transaction(Script::esmtp({"8BITMIME"})).quit());
    const CliRun r = run(send_file(server.port(), {"--json"}));
    EXPECT_EQ(r.status, EX_OK) << r.err;
    expect_done(server);
    EXPECT_THAT(line_starting(server, "MAIL FROM:"), Not(HasSubstr("BODY=")));
    EXPECT_EQ(r.json()["body"], "");
}

TEST_F(CliTransfer, ExplicitBody8bitmime) {
    ScriptServer server(data_transaction(Script::esmtp({"8BITMIME"})).quit());
    const CliRun r = run(send_file(server.port(), {"--body", "8bitmime", "--json"}));
    EXPECT_EQ(r.status, EX_OK) << r.err;
    expect_done(server);
    EXPECT_TRUE(has_parameter(line_starting(server, "MAIL FROM:"), "BODY=8BITMIME"));
}

TEST_F(CliTransfer, EightBitFileWithout8bitmimeIsRefusedBeforeMail) {
    write_file(message_file_,
               "Subject: x\r\n\r\nGr\xc3\xbc\xc3\x9f"
               "e\r\n");
    ScriptServer server(Script::esmtp({"PIPELINING"}).quit());
    const CliRun r = run(send_file(server.port(), {"--json"}));
    EXPECT_EQ(r.status, EX_UNAVAILABLE) << r.err;
    EXPECT_EQ(r.json()["error"]["code"], "eight_bit_not_offered");
    server.wait_done();
    EXPECT_FALSE(server.saw("MAIL"));
}

// A composed message is the message layer's: without 8BITMIME its UTF-8
// text goes quoted-printable or base64, 7-bit on the wire, and arrives.
TEST_F(CliTransfer, ComposedUtf8TextIsEncodedForAServerWithout8bitmime) {
    ScriptServer server(data_transaction(Script::esmtp({"PIPELINING"})).quit());
    const CliRun r = run(send_to(server.port(), {"--text", "Grüße aus Köln", "--json"}));
    EXPECT_EQ(r.status, EX_OK) << r.err;
    expect_done(server);
    EXPECT_THAT(line_starting(server, "MAIL FROM:"), Not(HasSubstr("BODY=")));
    ASSERT_EQ(server.messages().size(), 1u);
    const std::string stored = server.messages()[0];
    EXPECT_THAT(stored, AnyOf(HasSubstr("Content-Transfer-Encoding: quoted-printable"),
                              HasSubstr("Content-Transfer-Encoding: base64")));
    for (char c : stored) {
        EXPECT_LT(static_cast<unsigned char>(c), 0x80);
    }
}

TEST_F(CliTransfer, SizeIsDeclaredOnMail) {
    ScriptServer server(data_transaction(Script::esmtp({"SIZE 1000"})).quit());
    const CliRun r = run(send_file(server.port(), {}));
    EXPECT_EQ(r.status, EX_OK) << r.err;
    expect_done(server);
    EXPECT_TRUE(has_parameter(line_starting(server, "MAIL FROM:"),
                              "SIZE=" + std::to_string(kMessage.size())));
}

TEST_F(CliTransfer, MessageOverTheSizeLimitIsRefusedBeforeMail) {
    ScriptServer server(Script::esmtp({"SIZE 30"}).quit());
    const CliRun r = run(send_file(server.port(), {"--json"}));
    EXPECT_EQ(r.status, EX_UNAVAILABLE) << r.err;
    EXPECT_EQ(r.json()["error"]["code"], "message_too_large");
    EXPECT_THAT(r.err, HasSubstr("SIZE"));
    server.wait_done();
    EXPECT_FALSE(server.saw("MAIL"));
}

// --- CHUNKING and PIPELINING ---------------------------------------------------

Script bdat_transaction(Script s, std::size_t chunk) {
    s.expect("MAIL FROM:").send("250 2.1.0 ok\r\n").expect("RCPT TO:").send("250 2.1.5 ok\r\n");
    for (std::size_t at = 0; at < kMessage.size(); at += chunk) {
        const std::size_t n = std::min(chunk, kMessage.size() - at);
        const bool last = at + n == kMessage.size();
        s.expect("BDAT " + std::to_string(n) + (last ? " LAST" : "")).read_bytes(n);
        s.send(last ? "250 2.0.0 queued\r\n" : "250 2.0.0 chunk ok\r\n");
    }
    return s;
}

TEST_F(CliTransfer, ChunkingSendsBdatAndJsonSaysSo) {
    ScriptServer server(
        bdat_transaction(Script::esmtp({"PIPELINING", "CHUNKING", "8BITMIME"}), 1 << 20).quit());
    const CliRun r = run(send_file(server.port(), {"--json"}));
    EXPECT_EQ(r.status, EX_OK) << r.err;
    expect_done(server);
    EXPECT_FALSE(server.saw("DATA"));
    EXPECT_NE(
        server.received().find("BDAT " + std::to_string(kMessage.size()) + " LAST\r\n" + kMessage),
        std::string::npos);
    const auto j = r.json();
    EXPECT_EQ(j["chunked"], true);
    EXPECT_EQ(j["delivered"], true);
    // MAIL, RCPT and BDAT LAST with the message in one write: one wait.
    EXPECT_EQ(server.read_index_of("MAIL"), server.read_index_of("BDAT"));
}

TEST_F(CliTransfer, NoChunkingUsesData) {
    ScriptServer server(data_transaction(Script::esmtp({"PIPELINING", "CHUNKING"})).quit());
    const CliRun r = run(send_file(server.port(), {"--no-chunking", "--json"}));
    EXPECT_EQ(r.status, EX_OK) << r.err;
    expect_done(server);
    EXPECT_FALSE(server.saw("BDAT"));
    ASSERT_EQ(server.messages().size(), 1u);
    EXPECT_EQ(server.messages()[0], kMessage);
    EXPECT_EQ(r.json()["chunked"], false);
}

TEST_F(CliTransfer, ChunkSizeSplitsTheMessage) {
    // 10-octet chunks: 10 + 10 + 10 + 9 (no chunk ends between CR and LF,
    // where the encoder may move the LF into the earlier chunk).
    ScriptServer server(bdat_transaction(Script::esmtp({"PIPELINING", "CHUNKING"}), 10).quit());
    const CliRun r = run(send_file(server.port(), {"--chunk-size", "10", "--json"}));
    EXPECT_EQ(r.status, EX_OK) << r.err;
    expect_done(server);
    EXPECT_EQ(server.count("BDAT"), 4u);
    EXPECT_EQ(r.json()["chunked"], true);
}

TEST_F(CliTransfer, PipeliningSendsMailRcptAndDataInOneWrite) {
    ScriptServer server(
        data_transaction(Script::esmtp({"PIPELINING"}), {"250 ok\r\n", "250 ok\r\n"}).quit());
    const CliRun r =
        run(send_file(server.port(), {"--to", "a@example.com", "--to", "b@example.com", "--json"}));
    EXPECT_EQ(r.status, EX_OK) << r.err;
    expect_done(server);
    EXPECT_EQ(server.read_index_of("MAIL"), server.read_index_of("RCPT"));
    EXPECT_EQ(server.read_index_of("MAIL"), server.read_index_of("DATA"));
}

TEST_F(CliTransfer, NoPipeliningWaitsForEachReply) {
    ScriptServer server(
        data_transaction(Script::esmtp({"PIPELINING"}), {"250 ok\r\n", "250 ok\r\n"}).quit());
    const CliRun r = run(send_file(server.port(), {"--to", "a@example.com", "--to", "b@example.com",
                                                   "--no-pipelining", "--json"}));
    EXPECT_EQ(r.status, EX_OK) << r.err;
    expect_done(server);
    EXPECT_LT(server.read_index_of("MAIL"), server.read_index_of("RCPT"));
    EXPECT_LT(server.read_index_of("RCPT"), server.read_index_of("DATA"));
    // MAIL, two RCPTs, DATA and the end of data each waited for.
    EXPECT_GE(r.json()["round_trips"].get<int>(), 5);
}

TEST_F(CliTransfer, EveryRecipientHasItsOwnReplyInJson) {
    ScriptServer server(data_transaction(Script::esmtp({"PIPELINING", "ENHANCEDSTATUSCODES"}),
                                         {"250 2.1.5 first ok\r\n", "550 5.1.1 no such user\r\n",
                                          "251 2.1.5 will forward\r\n"})
                            .quit());
    const CliRun r = run(send_file(server.port(), {"--to", "a@example.com", "--to", "b@example.com",
                                                   "--to", "c@example.com", "--json"}));
    EXPECT_EQ(r.status, EX_UNAVAILABLE);  // delivered, but one recipient refused for good
    expect_done(server);
    const auto j = r.json();
    ASSERT_EQ(j["recipients"].size(), 3u);
    EXPECT_EQ(j["recipients"][0]["address"], "a@example.com");
    EXPECT_EQ(j["recipients"][0]["text"], "first ok");
    EXPECT_EQ(j["recipients"][1]["address"], "b@example.com");
    EXPECT_EQ(j["recipients"][1]["code"], 550);
    EXPECT_EQ(j["recipients"][1]["accepted"], false);
    EXPECT_EQ(j["recipients"][2]["address"], "c@example.com");
    EXPECT_EQ(j["recipients"][2]["code"], 251);
    EXPECT_EQ(j["recipients"][2]["accepted"], true);
    EXPECT_EQ(j["delivered"], true);
}

// --- several messages on one session --------------------------------------------

TEST_F(CliTransfer, RepeatSendsEveryCopyOnOneSession) {
    Script s = Script::esmtp({"PIPELINING", "8BITMIME"});
    for (int i = 0; i < 3; ++i) {
        s = data_transaction(std::move(s));
    }
    ScriptServer server(s.quit());
    const CliRun r = run(send_file(server.port(), {"--repeat", "3", "--json"}));
    EXPECT_EQ(r.status, EX_OK) << r.err;
    expect_done(server);
    EXPECT_EQ(server.connections(), 1u);
    EXPECT_THAT(server.messages(), ElementsAre(kMessage, kMessage, kMessage));
    const auto batch = r.json()["batch"];
    EXPECT_EQ(batch["count"], 3);
    EXPECT_EQ(batch["delivered"], 3);
    ASSERT_EQ(batch["messages"].size(), 3u);
    for (const auto& m : batch["messages"]) {
        EXPECT_EQ(m["delivered"], true);
        EXPECT_EQ(m["final"]["code"], 250);
    }
    EXPECT_GT(batch["messages_per_second"].get<double>(), 0.0);

    ScriptServer again([] {
        Script t = Script::esmtp({"PIPELINING"});
        for (int i = 0; i < 2; ++i) {
            t = data_transaction(std::move(t));
        }
        return t.quit();
    }());
    const CliRun human = run(send_file(again.port(), {"--repeat", "2"}));
    EXPECT_EQ(human.status, EX_OK) << human.err;
    EXPECT_THAT(human.out, HasSubstr("messages  2 of 2 delivered in "));
}

TEST_F(CliTransfer, RepeatReportsTheMessageThatFailed) {
    Script s = data_transaction(Script::esmtp({"ENHANCEDSTATUSCODES"}));
    s.expect("MAIL FROM:").send("250 2.1.0 ok\r\n").expect("RCPT TO:").send("250 2.1.5 ok\r\n");
    s.expect("DATA").send("354 go ahead\r\n").expect_data().send("554 5.6.0 rejected content\r\n");
    ScriptServer server(s.quit());
    const CliRun r = run(send_file(server.port(), {"--repeat", "2", "--json"}));
    EXPECT_EQ(r.status, EX_UNAVAILABLE) << r.err;
    expect_done(server);
    const auto j = r.json();
    EXPECT_EQ(j["delivered"], false);
    EXPECT_EQ(j["final"]["code"], 554);
    EXPECT_EQ(j["batch"]["delivered"], 1);
    EXPECT_EQ(j["batch"]["messages"][0]["delivered"], true);
    EXPECT_EQ(j["batch"]["messages"][1]["delivered"], false);
}

// --- probe ---------------------------------------------------------------------

TEST_F(CliTransfer, ProbeListsTheExtendedOptions) {
    const std::vector<std::string> offer = {
        "PIPELINING", "SIZE 1000", "8BITMIME", "CHUNKING", "DSN", "SMTPUTF8", "AUTH PLAIN LOGIN"};
    ScriptServer server(
        std::vector<Script>{Script::esmtp(offer).quit(), Script::esmtp(offer).quit()});
    const std::vector<std::string> probe = {
        "probe",     "--server", "127.0.0.1", "--port", std::to_string(server.port()),
        "--timeout", "5"};
    std::vector<std::string> json_args = probe;
    json_args.push_back("--json");
    const CliRun r = run(json_args);
    EXPECT_EQ(r.status, EX_OK) << r.err;
    EXPECT_EQ(r.json()["extended_options"],
              nlohmann::json::array({"pipelining", "size", "8bitmime", "chunking", "smtputf8",
                                     "dsn", "auth", "auth_plain", "auth_login"}));
    const CliRun human = run(probe);
    EXPECT_EQ(human.status, EX_OK) << human.err;
    EXPECT_THAT(human.out, HasSubstr("options       pipelining size 8bitmime chunking smtputf8 dsn "
                                     "auth auth_plain auth_login\n"));
    expect_done(server);
}

// --- the command line itself ------------------------------------------------------

TEST_F(CliTransfer, BadFlagValuesAreUsageErrorsAndConnectNowhere) {
    ScriptServer server(Script::esmtp());
    const std::vector<std::vector<std::string>> bad = {
        {"--dsn-notify", "never,failure"},
        {"--dsn-notify", "sometimes"},
        {"--dsn-notify", "success,,delay"},
        {"--dsn-ret", "body"},
        {"--dsn-required"},
        {"--envid", "has space"},
        {"--envid", std::string(101, 'e')},
        {"--requiretls"},  // no TLS
        {"--mt-priority", "10"},
        {"--deliver-by", "0"},
        {"--deliver-by", "60;X"},
        {"--deliver-by", "-60"},
        {"--body", "binary"},
        {"--body", "binarymime", "--no-chunking"},
        {"--chunk-size", "0"},
        {"--window", "0"},
        {"--repeat", "0"},
    };
    for (const auto& flags : bad) {
        const CliRun r = run(send_file(server.port(), flags));
        EXPECT_EQ(r.status, EX_USAGE) << ::testing::PrintToString(flags);
        EXPECT_THAT(r.err, StartsWith("smtpkit: ")) << ::testing::PrintToString(flags);
        EXPECT_TRUE(r.out.empty()) << r.out;
    }
    EXPECT_EQ(server.connections(), 0u);
}

TEST_F(CliTransfer, HelpNamesTheFlagsAndTheirBehaviour) {
    const CliRun r = run({"send", "--help"});
    EXPECT_EQ(r.status, EX_OK);
    for (const char* flag :
         {"--dsn-notify", "--dsn-ret", "--envid", "--dsn-required", "--requiretls", "--mt-priority",
          "--deliver-by", "--body", "--chunk-size", "--window", "--no-pipelining", "--no-chunking",
          "--repeat"}) {
        EXPECT_THAT(r.out, HasSubstr(flag));
    }
    EXPECT_THAT(r.out, HasSubstr("dropped"));
}

// --- parsing, without a server ----------------------------------------------------

TEST(TransferFlags, DsnNotifyLists) {
    using cli::parse_dsn_notify;
    EXPECT_EQ(parse_dsn_notify("never"), DsnNotify::never);
    EXPECT_EQ(parse_dsn_notify("NEVER"), DsnNotify::never);
    EXPECT_EQ(parse_dsn_notify("success,failure,delay"),
              DsnNotify::success | DsnNotify::failure | DsnNotify::delay);
    EXPECT_EQ(parse_dsn_notify("delay,Success"), DsnNotify::success | DsnNotify::delay);
    for (const char* bad : {"", ",", "never,success", "success,", "fail", "success failure"}) {
        EXPECT_FALSE(parse_dsn_notify(bad).has_value()) << bad;
    }
}

TEST(TransferFlags, DeliverBySyntax) {
    using cli::parse_deliver_by;
    const auto plain = parse_deliver_by("3600");
    ASSERT_TRUE(plain);
    EXPECT_EQ(plain->within, std::chrono::seconds(3600));
    EXPECT_TRUE(plain->return_if_late);
    EXPECT_FALSE(plain->trace);
    const auto notify = parse_deliver_by("600;NT");
    ASSERT_TRUE(notify);
    EXPECT_EQ(notify->within, std::chrono::seconds(600));
    EXPECT_FALSE(notify->return_if_late);
    EXPECT_TRUE(notify->trace);
    const auto bare = parse_deliver_by("60r");
    ASSERT_TRUE(bare);
    EXPECT_TRUE(bare->return_if_late);
    EXPECT_TRUE(parse_deliver_by("999999999;R"));
    for (const char* bad :
         {"", "0", "-5", "+5", "1000000000", "60;", "60;X", "60;RX", "60;T", "sixty", "60 R"}) {
        EXPECT_FALSE(parse_deliver_by(bad).has_value()) << bad;
    }
}

TEST(TransferFlags, EnvelopeAndOptionsFromTheFlags) {
    cli::TransferFlags f;
    f.dsn_notify = "failure";
    f.dsn_ret = "full";
    f.envid = "abc";
    f.dsn_required = true;
    f.mt_priority = 4;
    f.body = "8bitmime";
    f.no_chunking = true;
    f.chunk_size = 4096;
    f.window = 3;
    Envelope e;
    e.to = {"a@x.org", "b@x.org"};
    cli::apply_envelope_flags(f, e);
    EXPECT_EQ(e.to[0].notify, DsnNotify::failure);
    EXPECT_EQ(e.to[1].notify, DsnNotify::failure);
    EXPECT_EQ(e.dsn.ret, DsnReturn::full);
    EXPECT_EQ(e.dsn.envelope_id, "abc");
    EXPECT_TRUE(e.dsn.required);
    EXPECT_EQ(e.mt_priority, 4);
    EXPECT_EQ(e.body, BodyType::eight_bit_mime);
    EXPECT_FALSE(e.deliver_by.has_value());
    ConnectOptions c;
    cli::apply_transfer_flags(f, c);
    EXPECT_TRUE(c.transfer.pipelining);
    EXPECT_FALSE(c.transfer.chunking);
    EXPECT_EQ(c.transfer.chunk_size, 4096u);
    EXPECT_EQ(c.transfer.window, 3u);
}

}  // namespace
}  // namespace smtpkit::test
