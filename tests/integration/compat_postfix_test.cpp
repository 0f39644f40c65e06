// CSmtpClient through a real Postfix, read back from the mailbox: a
// multipart message with an attachment composed by SubmitMessage, the two
// example programs written against SocketTools' documentation (STARTTLS and
// AUTH through Postfix with Dovecot), an asynchronous Connect with an event
// queue, and the step-by-step transaction with a refused recipient.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "common/python_mime.hpp"
#include "integration/auth_real_support.hpp"
#include "smtpkit/csmtpclient.h"
#include "smtpkit/message.hpp"
#include "support/postfix_server.hpp"
#include "support/server_process.hpp"

namespace smtpkit::test {
namespace {

using Json = nlohmann::json;
namespace fs = std::filesystem;

constexpr const char* kUser = "testuser";
constexpr const char* kPassword = "compat-Pass-42";

std::string random_bytes(std::size_t n, unsigned seed) {
    std::mt19937 random(seed);
    std::string out(n, '\0');
    for (char& c : out) {
        c = static_cast<char>(random());
    }
    return out;
}

std::string crlf(const std::string& lf) {
    std::string out;
    for (char c : lf) {
        if (c == '\n') {
            out += '\r';
        }
        out += c;
    }
    return out;
}

// The message as the sender wrote it: without Postfix's trace fields.
Json parsed(const std::string& stored) {
    return parse_mime_with_python(crlf(split_postfix_trace_headers(stored).second));
}

fs::path write_file(const fs::path& dir, const std::string& name, const std::string& content) {
    const fs::path p = dir / name;
    std::ofstream(p, std::ios::binary) << content;
    return p;
}

void expect_report_with(const Json& p, const std::string& pdf) {
    EXPECT_EQ(p["subject"], "Quarterly report");
    EXPECT_EQ(p["body"]["type"], "multipart/mixed");
    ASSERT_NE(find_mime_part(p["body"], "text/plain"), nullptr);
    ASSERT_NE(find_mime_part(p["body"], "text/html"), nullptr);
    const Json* attachment = find_mime_part(p["body"], "application/pdf");
    ASSERT_NE(attachment, nullptr);
    EXPECT_EQ((*attachment)["filename"], "report.pdf");
    EXPECT_TRUE(decode_part_bytes((*attachment)["bytes"]) == pdf) << "the attachment differs";
}

TEST(CompatPostfix, SubmitMessageWithAnAttachmentArrivesWhole) {
    PostfixServer server;
    const std::string pdf = "%PDF-1.4\n" + random_bytes(150000, 7);
    const fs::path report = write_file(server.directory(), "report.pdf", pdf);
    SMTPMESSAGEEXA message;
    message.dwSize = sizeof(message);
    message.lpszFrom = "Sender <sender@localhost>";
    message.lpszTo = "Root <root@localhost>";
    message.lpszCc = "root+cc@localhost";
    message.lpszBcc = "root+bcc@localhost";
    message.lpszSubject = "Quarterly report";
    message.lpszText = "Hello,\r\nthe report is attached.\r\n";
    message.lpszHTML = "<p>Hello,</p><p>the report is attached.</p>";
    const std::string attach = report.string();
    message.lpszAttach = attach.c_str();
    SMTPSERVERA smtp;
    smtp.lpszHostName = "127.0.0.1";
    smtp.nHostPort = server.port();
    smtp.nTimeout = 30;
    smtp.dwOptions = SMTP_OPTION_EXTENDED;  // a relay on loopback: plaintext
    CSmtpClient client;
    ASSERT_TRUE(client.SubmitMessage(&message, &smtp)) << client.GetLastError();
    EXPECT_EQ(client.GetLastSendResult().recipients.size(), 3u);

    const auto copies = split_mbox(server.wait_for_mailbox("root", std::chrono::seconds(15), 3));
    ASSERT_EQ(copies.size(), 3u);
    for (const std::string& copy : copies) {
        EXPECT_EQ(split_postfix_trace_headers(copy).second.find("root+bcc"), std::string::npos);
        const Json p = parsed(copy);
        expect_report_with(p, pdf);
        EXPECT_EQ(p["cc"][0]["address"], "root+cc@localhost");
        EXPECT_TRUE(p["bcc"].is_null());
    }
}

// The programs of examples/csmtpclient, written as SocketTools' documentation
// shows, against Postfix offering STARTTLS and AUTH (Dovecot). The test CA
// is the system's trust store for them (SSL_CERT_FILE), as a public CA is
// for a real server: the programs carry no test-only settings.
class CompatExamples : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        DovecotOptions users;
        users.users = {{kUser, kPassword}};
        servers_ = std::make_unique<SaslPostfix>(std::move(users));
    }
    static void TearDownTestSuite() { servers_.reset(); }

    static CommandOutput run(std::vector<std::string> args) {
        std::vector<std::string> argv = {"/usr/bin/env",
                                         "SSL_CERT_FILE=" + test_certificates().ca_file,
                                         std::string("SMTP_PASSWORD=") + kPassword};
        argv.insert(argv.end(), args.begin(), args.end());
        return run_capture(argv, 60s);
    }
    static const PostfixServer& postfix() { return servers_->postfix; }

    static std::unique_ptr<SaslPostfix> servers_;
};
std::unique_ptr<SaslPostfix> CompatExamples::servers_;

TEST_F(CompatExamples, SubmitMessageProgramSendsAMultipartMessageWithAnAttachment) {
    const std::string pdf = "%PDF-1.4\n" + random_bytes(80000, 11);
    const fs::path report = write_file(postfix().directory(), "report.pdf", pdf);
    const LogSince log(postfix());
    const CommandOutput r =
        run({SMTPKIT_EXAMPLE_SUBMIT_MESSAGE, "localhost", std::to_string(postfix().port()),
             "sender@localhost", "root+submit@localhost", report.string(), kUser});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_EQ(r.out, "submitted\n");
    EXPECT_NE(log.wait_for("sasl_username=testuser").find("sasl_username=testuser"),
              std::string::npos);
    const auto copies = split_mbox(postfix().wait_for_mailbox("root", std::chrono::seconds(15)));
    const auto mine = std::find_if(copies.begin(), copies.end(), [](const std::string& c) {
        return c.find("X-Original-To: root+submit@localhost") != std::string::npos;
    });
    ASSERT_NE(mine, copies.end());
    EXPECT_NE(mine->find("TLS"), std::string::npos) << "not received over TLS:\n" << *mine;
    expect_report_with(parsed(*mine), pdf);
}

TEST_F(CompatExamples, SendMessageProgramSendsAComposedMessageFile) {
    const std::string pdf = "%PDF-1.4\n" + random_bytes(60000, 13);
    const fs::path report = write_file(postfix().directory(), "report.pdf", pdf);
    Message m;
    m.from("sender@localhost").to("root+send@localhost").subject("Quarterly report");
    m.text("Hello,\nthe report is attached.\n").html("<p>Hello</p>").attach_file(report);
    const fs::path eml = write_file(postfix().directory(), "report.eml", m.to_string());
    const LogSince log(postfix());
    const CommandOutput r =
        run({SMTPKIT_EXAMPLE_SEND_MESSAGE, "localhost", std::to_string(postfix().port()),
             "sender@localhost", "root+send@localhost", eml.string(), kUser});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_EQ(r.out.rfind("250 ", 0), 0u) << r.out;
    EXPECT_NE(log.wait_for("sasl_method=LOGIN").find("sasl_method=LOGIN"), std::string::npos);
    const auto copies = split_mbox(postfix().wait_for_mailbox("root", std::chrono::seconds(15)));
    const auto mine = std::find_if(copies.begin(), copies.end(), [](const std::string& c) {
        return c.find("X-Original-To: root+send@localhost") != std::string::npos;
    });
    ASSERT_NE(mine, copies.end());
    expect_report_with(parsed(*mine), pdf);
}

TEST_F(CompatExamples, TheProgramsExitWithUsageAndWithTheirErrors) {
    EXPECT_EQ(run({SMTPKIT_EXAMPLE_SEND_MESSAGE}).exit_code, 64);
    EXPECT_EQ(run({SMTPKIT_EXAMPLE_SUBMIT_MESSAGE}).exit_code, 64);
    const CommandOutput wrong =
        run({SMTPKIT_EXAMPLE_SUBMIT_MESSAGE, "localhost", std::to_string(postfix().port()),
             "sender@localhost", "root@localhost", "/no/such/report.pdf", kUser});
    EXPECT_EQ(wrong.exit_code, 69);
    EXPECT_NE(wrong.err.find("0x8004000E"), std::string::npos) << wrong.err;
}

TEST(CompatPostfixAsync, AnAsynchronousConnectThenWideStringsAndTheStepwiseTransaction) {
    PostfixServer server;
    SmtpEventQueue queue;
    CSmtpClient client;
    client.SetLocalName("client.smtpkit.test");
    ASSERT_TRUE(
        client.Connect("127.0.0.1", server.port(), 30, SMTP_OPTION_EXTENDED, queue, WM_USER + 7));
    SmtpEventMessage m;
    bool connected = false;
    while (!connected && queue.Get(m, 20000)) {
        connected = m.nEventId == SMTP_EVENT_CONNECT;
    }
    ASSERT_TRUE(connected);
    ASSERT_EQ(m.dwError, 0u);
    EXPECT_EQ(m.uMsg, WM_USER + 7);

    EXPECT_EQ(client.SendMessage(L"sender@localhost", L"root+wide@localhost",
                                 L"Subject: wide\r\n\r\nGr\u00fc\u00dfe \u2013 \U0001F4C8\r\n"),
              0)
        << client.GetLastError();

    ASSERT_EQ(client.CreateMessage("sender@localhost"), 0);
    ASSERT_EQ(client.AddRecipient("root+step@localhost"), 0);
    EXPECT_EQ(client.AddRecipient("someone@elsewhere.example"), SMTP_ERROR);  // relay denied
    EXPECT_EQ(client.GetLastError(), ST_ERROR_RECIPIENT_REFUSED);
    EXPECT_EQ(client.GetResultCode(), 554);
    ASSERT_EQ(client.Write("Subject: step by step\n\nfirst piece\n"), 35);
    ASSERT_EQ(client.Write(".a line with a dot\n"), 19);
    EXPECT_EQ(client.CloseMessage(), 0) << client.GetLastError();
    EXPECT_TRUE(client.Disconnect());
    bool saw_command = false;
    while (queue.Peek(m)) {
        saw_command = saw_command || m.nEventId == SMTP_EVENT_COMMAND;
    }
    EXPECT_TRUE(saw_command);

    const auto copies = split_mbox(server.wait_for_mailbox("root", std::chrono::seconds(15), 2));
    ASSERT_EQ(copies.size(), 2u);
    const std::string all = copies[0] + copies[1];
    EXPECT_NE(all.find("Gr\xc3\xbc\xc3\x9f"
                       "e \xe2\x80\x93 \xf0\x9f\x93\x88"),
              std::string::npos);
    EXPECT_NE(all.find("first piece\n.a line with a dot\n"), std::string::npos);
}

}  // namespace
}  // namespace smtpkit::test
