// The real-server fixtures on their own, without smtpkit's client: each
// server is driven over a raw socket, so a failure here is the fixture's
// (or the environment's), never the library's.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "support/aiosmtpd_server.hpp"
#include "support/postfix_server.hpp"

namespace smtpkit::test {
namespace {

namespace fs = std::filesystem;

const std::string kMessage =
    "From: Sender <sender@localhost>\r\n"
    "To: root@localhost\r\n"
    "Subject: fixture self-test\r\n"
    "Date: Thu, 01 Jan 2026 00:00:00 +0000\r\n"
    "Message-ID: <selftest-1@smtpkit.test>\r\n"
    "\r\n"
    "First line.\r\n"
    "From the start of a line: mbox quotes it.\r\n"
    ".\r\n"
    ".leading dot\r\n"
    "Last line.\r\n";

// The message on the wire: every line that starts with '.' gets one more.
std::string dot_stuffed(const std::string& content) {
    std::string out;
    bool line_start = true;
    for (char c : content) {
        if (line_start && c == '.') {
            out += '.';
        }
        out += c;
        line_start = c == '\n';
    }
    return out;
}

// Expects `code` and returns the reply.
std::string expect(SmtpLineConnection& conn, int code) {
    std::string reply = conn.read_reply();
    EXPECT_EQ(SmtpLineConnection::reply_code(reply), code) << reply;
    return reply;
}

// greeting, EHLO, MAIL, RCPT..., DATA, content, '.', QUIT; returns the EHLO
// reply.
std::string send_raw_message(std::uint16_t port, const std::string& from,
                             const std::vector<std::string>& to, const std::string& content) {
    SmtpLineConnection conn(port);
    expect(conn, 220);
    conn.send_line("EHLO selftest.localdomain");
    std::string ehlo = expect(conn, 250);
    conn.send_line("MAIL FROM:<" + from + ">");
    expect(conn, 250);
    for (const auto& rcpt : to) {
        conn.send_line("RCPT TO:<" + rcpt + ">");
        expect(conn, 250);
    }
    conn.send_line("DATA");
    expect(conn, 354);
    conn.send_raw(dot_stuffed(content) + ".\r\n");
    expect(conn, 250);
    conn.send_line("QUIT");
    expect(conn, 221);
    return ehlo;
}

bool port_accepts(std::uint16_t port) {
    try {
        SmtpLineConnection conn(port, 1s);
        return true;
    } catch (const std::exception&) {
        return false;
    }
}

// ---- Postfix -------------------------------------------------------------------

TEST(PostfixFixture, DeliversARawDialogueToTheMbox) {
    PostfixServer server;
    const std::string ehlo =
        send_raw_message(server.port(), "sender@localhost", {"root@localhost"}, kMessage);
    for (const char* ext : {"PIPELINING", "SIZE", "8BITMIME", "ENHANCEDSTATUSCODES", "SMTPUTF8",
                            "CHUNKING", "DSN", "VRFY"}) {
        EXPECT_NE(ehlo.find(ext), std::string::npos) << ext << " missing from\n" << ehlo;
    }

    const auto messages = split_mbox(server.wait_for_mailbox("root"));
    ASSERT_EQ(messages.size(), 1u);
    const auto [trace, rest] = split_postfix_trace_headers(messages[0]);
    EXPECT_NE(trace.find("Return-Path: <sender@localhost>\n"), std::string::npos) << trace;
    EXPECT_NE(trace.find("Received: from selftest.localdomain (localhost [127.0.0.1])"),
              std::string::npos)
        << trace;
    EXPECT_NE(trace.find(std::string("by ") + PostfixServer::host_name + " (Postfix)"),
              std::string::npos)
        << trace;
    // Everything after Postfix's trace headers is the message byte for byte,
    // as mbox stores it: LF line endings, dots unstuffed, "From " quoted.
    EXPECT_EQ(rest, as_stored_in_mbox(kMessage));
    EXPECT_NE(rest.find("\n>From the start"), std::string::npos);
    EXPECT_NE(rest.find("\n.\n.leading dot\n"), std::string::npos);
}

TEST(PostfixFixture, RefusesToRelayAndLogsTheSession) {
    PostfixServer server;
    SmtpLineConnection conn(server.port());
    expect(conn, 220);
    conn.send_line("EHLO selftest.localdomain");
    expect(conn, 250);
    conn.send_line("MAIL FROM:<sender@localhost>");
    expect(conn, 250);
    conn.send_line("RCPT TO:<someone@example.com>");
    const std::string reply = expect(conn, 554);
    EXPECT_NE(reply.find("5.7.1"), std::string::npos) << reply;
    EXPECT_NE(reply.find("Relay access denied"), std::string::npos) << reply;
    conn.send_line("RCPT TO:<root+tag@localhost>");
    expect(conn, 250);
    conn.send_line("QUIT");
    expect(conn, 221);
    // Postfix writes its log asynchronously (postlogd): wait for the line.
    const std::string log = server.wait_for_log("connect from localhost[127.0.0.1]");
    EXPECT_NE(log.find("connect from localhost[127.0.0.1]"), std::string::npos) << log;
}

TEST(PostfixFixture, AppliesExtraMainCfSettings) {
    PostfixServer::Options options;
    options.main_cf = {{"message_size_limit", "4096"}, {"disable_vrfy_command", "yes"}};
    PostfixServer server(options);
    SmtpLineConnection conn(server.port());
    expect(conn, 220);
    conn.send_line("EHLO selftest.localdomain");
    const std::string ehlo = expect(conn, 250);
    EXPECT_NE(ehlo.find("250-SIZE 4096\r\n"), std::string::npos) << ehlo;
    EXPECT_EQ(ehlo.find("VRFY"), std::string::npos) << ehlo;
}

TEST(PostfixFixture, StopsAndRemovesItsDirectory) {
    fs::path dir;
    std::uint16_t port = 0;
    {
        PostfixServer server;
        dir = server.directory();
        port = server.port();
        EXPECT_TRUE(fs::exists(dir / "etc" / "main.cf"));
        EXPECT_EQ(fs::status(dir).permissions() & fs::perms::all,
                  fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                      fs::perms::others_read | fs::perms::others_exec);
        EXPECT_TRUE(port_accepts(port));
    }
    EXPECT_FALSE(fs::exists(dir));
    EXPECT_FALSE(port_accepts(port));
}

TEST(PostfixFixture, TwoInstancesRunSideBySide) {
    PostfixServer a;
    PostfixServer b;
    EXPECT_NE(a.port(), b.port());
    EXPECT_NE(a.directory(), b.directory());
    send_raw_message(b.port(), "sender@localhost", {"root@localhost"}, kMessage);
    EXPECT_EQ(split_mbox(b.wait_for_mailbox("root")).size(), 1u);
    EXPECT_FALSE(fs::exists(a.mailbox_path("root")));
}

TEST(PostfixFixture, MovesToAnotherPortWhenItsPortIsTaken) {
    // Somebody else listens on the port the fixture meant to use.
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    ASSERT_GE(fd, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    ASSERT_EQ(listen(fd, 1), 0);
    ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
    const std::uint16_t taken = ntohs(addr.sin_port);

    PostfixServer::Options options;
    options.preferred_port = taken;
    PostfixServer server(options);
    close(fd);
    EXPECT_NE(server.port(), taken);
    SmtpLineConnection conn(server.port());
    expect(conn, 220);
}

TEST(PostfixFixture, WaitForMailboxTimesOutWithTheLog) {
    PostfixServer server;
    try {
        server.wait_for_mailbox("root", 100ms);
        FAIL() << "an empty mailbox was reported as delivered";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("daemon started"), std::string::npos) << e.what();
    }
}

TEST(MboxHelpers, SplitAndQuoteLikeLocalDelivery) {
    const std::string mbox =
        "From a@localhost  Thu Jan  1 00:00:00 2026\n"
        "Subject: one\n\n>From here\nbody\n\n"
        "From b@localhost  Thu Jan  1 00:00:01 2026\n"
        "Subject: two\n\nbody two\n\n";
    const auto messages = split_mbox(mbox);
    ASSERT_EQ(messages.size(), 2u);
    EXPECT_EQ(messages[0], "Subject: one\n\n>From here\nbody\n");
    EXPECT_EQ(messages[1], "Subject: two\n\nbody two\n");
    EXPECT_EQ(as_stored_in_mbox("A: b\r\n\r\nFrom x\r\n>From y\r\nno From z\r\n"),
              "A: b\n\n>From x\n>From y\nno From z\n");
    const auto [trace, rest] = split_postfix_trace_headers(
        "Return-Path: <a@b>\nReceived: from x\n\tby y;\n\tdate\nSubject: s\n\nbody\n");
    EXPECT_EQ(trace, "Return-Path: <a@b>\nReceived: from x\n\tby y;\n\tdate\n");
    EXPECT_EQ(rest, "Subject: s\n\nbody\n");
}

// ---- aiosmtpd ------------------------------------------------------------------

TEST(AiosmtpdFixture, StoresARawDialogueExactlyAsReceived) {
    AiosmtpdServer server;
    // A bare LF inside is kept as sent: the fixture itself normalises nothing.
    const std::string content = kMessage + "bare\nLF\r\n";
    const std::string ehlo = send_raw_message(server.port(), "sender@localhost",
                                              {"one@example.com", "two@example.com"}, content);
    EXPECT_NE(ehlo.find("8BITMIME"), std::string::npos) << ehlo;
    EXPECT_NE(ehlo.find("SMTPUTF8"), std::string::npos) << ehlo;
    EXPECT_EQ(ehlo.find("PIPELINING"), std::string::npos) << ehlo;

    const ReceivedMessage m = server.wait_for_message(0);
    EXPECT_EQ(m.mail_from, "sender@localhost");
    EXPECT_EQ(m.rcpt_tos, (std::vector<std::string>{"one@example.com", "two@example.com"}));
    EXPECT_EQ(m.helo, "selftest.localdomain");
    EXPECT_EQ(m.content, content);
    EXPECT_EQ(server.messages().size(), 1u);
}

TEST(AiosmtpdFixture, RefusesRecipientsNamedReject) {
    AiosmtpdServer server;
    SmtpLineConnection conn(server.port());
    expect(conn, 220);
    conn.send_line("EHLO selftest.localdomain");
    expect(conn, 250);
    conn.send_line("MAIL FROM:<sender@localhost>");
    expect(conn, 250);
    conn.send_line("RCPT TO:<reject-me@example.com>");
    const std::string reply = expect(conn, 550);
    EXPECT_NE(reply.find("5.1.1"), std::string::npos) << reply;
    conn.send_line("RCPT TO:<fine@example.com>");
    expect(conn, 250);
}

TEST(AiosmtpdFixture, StopsAndRemovesItsDirectory) {
    fs::path dir;
    std::uint16_t port = 0;
    {
        AiosmtpdServer server;
        dir = server.directory();
        port = server.port();
        EXPECT_TRUE(port_accepts(port));
        EXPECT_TRUE(server.messages().empty());
    }
    EXPECT_FALSE(fs::exists(dir));
    EXPECT_FALSE(port_accepts(port));
}

}  // namespace
}  // namespace smtpkit::test
