// The smtpkit command-line tool against a real Postfix: exit codes
// (sysexits), --json output and what arrives in the mailbox.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/postfix_server.hpp"
#include "support/server_process.hpp"

namespace smtpkit::test {
namespace {

constexpr int ex_ok = 0;
constexpr int ex_unavailable = 69;
constexpr int ex_tempfail = 75;

std::vector<std::string> send_args(std::uint16_t port, const std::string& to) {
    return {SMTPKIT_CLI_PATH, "send",
            "--server",       "127.0.0.1",
            "--port",         std::to_string(port),
            "--from",         "a@localhost",
            "--to",           to,
            "--subject",      "CLI integration test",
            "--text",         "Sent by the smtpkit CLI."};
}

CommandOutput run_cli(const std::vector<std::string>& args) {
    return run_capture(args, 60s);
}

std::string describe(const CommandOutput& r) {
    return "exit " + std::to_string(r.exit_code) + "\n--- stdout ---\n" + r.out +
           "\n--- stderr ---\n" + r.err;
}

// Every JSON object anywhere in `j` that has a string member equal to `value`.
void objects_naming(const nlohmann::json& j, const std::string& value,
                    std::vector<nlohmann::json>& found) {
    if (j.is_object()) {
        for (const auto& [key, member] : j.items()) {
            if (member.is_string() && member.get<std::string>() == value) {
                found.push_back(j);
                break;
            }
        }
    }
    if (j.is_structured()) {
        for (const auto& child : j) {
            objects_naming(child, value, found);
        }
    }
}

TEST(Cli, SendDeliversAndExitsZero) {
    PostfixServer server;
    const CommandOutput r = run_cli(send_args(server.port(), "root@localhost"));
    ASSERT_EQ(r.exit_code, ex_ok) << describe(r);
    const auto messages = split_mbox(server.wait_for_mailbox("root"));
    ASSERT_EQ(messages.size(), 1u);
    const std::string& stored = messages[0];
    EXPECT_NE(stored.find("Return-Path: <a@localhost>\n"), std::string::npos) << stored;
    EXPECT_NE(stored.find("\nSubject: CLI integration test\n"), std::string::npos) << stored;
    EXPECT_NE(stored.find("\n\nSent by the smtpkit CLI.\n"), std::string::npos) << stored;
}

TEST(Cli, TraceShowsTheDialogue) {
    PostfixServer server;
    auto args = send_args(server.port(), "root@localhost");
    args.push_back("--trace");
    const CommandOutput r = run_cli(args);
    ASSERT_EQ(r.exit_code, ex_ok) << describe(r);
    EXPECT_NE(r.err.find("MAIL FROM:<a@localhost>"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("RCPT TO:<root@localhost>"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(PostfixServer::host_name), std::string::npos) << r.err;
}

TEST(Cli, JsonNamesTheAcceptedRecipient) {
    PostfixServer server;
    auto args = send_args(server.port(), "root@localhost");
    args.push_back("--json");
    const CommandOutput r = run_cli(args);
    ASSERT_EQ(r.exit_code, ex_ok) << describe(r);
    nlohmann::json doc;
    ASSERT_NO_THROW(doc = nlohmann::json::parse(r.out)) << describe(r);
    std::vector<nlohmann::json> named;
    objects_naming(doc, "root@localhost", named);
    ASSERT_FALSE(named.empty()) << doc.dump(2);
    for (const auto& recipient : named) {
        if (recipient.contains("accepted")) {
            EXPECT_EQ(recipient["accepted"], true) << recipient.dump();
        }
    }
    server.wait_for_mailbox("root");
}

TEST(Cli, AllRecipientsRefusedExitsUnavailable) {
    PostfixServer server;
    auto args = send_args(server.port(), "nobody@example.com");
    args.push_back("--json");
    const CommandOutput r = run_cli(args);
    EXPECT_EQ(r.exit_code, ex_unavailable) << describe(r);
    // The refusal is in the report, for scripts.
    nlohmann::json doc;
    ASSERT_NO_THROW(doc = nlohmann::json::parse(r.out)) << describe(r);
    EXPECT_NE(doc.dump().find("554"), std::string::npos) << doc.dump(2);
}

TEST(Cli, RefusedConnectionExitsTempfail) {
    const std::uint16_t closed = free_loopback_port();  // nothing listens there
    const CommandOutput r = run_cli(send_args(closed, "root@localhost"));
    EXPECT_EQ(r.exit_code, ex_tempfail) << describe(r);
    EXPECT_FALSE(r.err.empty()) << "no message for the user";
}

}  // namespace
}  // namespace smtpkit::test
