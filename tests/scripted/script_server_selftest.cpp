// The scripted server checked with a raw socket client, independent of
// smtpkit's own client: if these fail, the client tests mean nothing.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <cerrno>
#include <chrono>
#include <memory>
#include <string>

#include "scripted/assertions.hpp"
#include "support/script_server.hpp"

namespace smtpkit::test {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

// A blocking client socket with a receive timeout: nothing here can hang.
class RawClient {
  public:
    explicit RawClient(std::uint16_t port, milliseconds recv_timeout = milliseconds(2000)) {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        timeval tv{};
        tv.tv_sec = static_cast<time_t>(recv_timeout.count() / 1000);
        tv.tv_usec = static_cast<suseconds_t>((recv_timeout.count() % 1000) * 1000);
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = htons(port);
        connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    }
    ~RawClient() { close(); }
    RawClient(const RawClient&) = delete;
    RawClient& operator=(const RawClient&) = delete;

    bool connected() const { return connected_; }
    void write(std::string_view bytes) {
        ASSERT_EQ(::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL),
                  static_cast<ssize_t>(bytes.size()));
    }
    // Reads until `text` has arrived, the connection ends or the timeout.
    std::string read_until(std::string_view text) {
        while (buffer_.find(text) == std::string::npos && read_once() > 0) {
        }
        return take();
    }
    // Reads until the end of stream (or an error / timeout); returns what came.
    std::string read_to_end() {
        while (read_once() > 0) {
        }
        return take();
    }
    // One recv(): >0 octets, 0 end of stream, -1 error (last_errno()).
    ssize_t read_once() {
        char buf[4096];
        const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
        if (n > 0) {
            buffer_.append(buf, static_cast<std::size_t>(n));
            ++reads_;
        } else if (n < 0) {
            errno_ = errno;
        } else {
            eof_ = true;
        }
        return n;
    }
    bool eof() const { return eof_; }
    int last_errno() const { return errno_; }
    std::size_t reads() const { return reads_; }
    void close() {
        if (fd_ >= 0) {
            ::close(fd_);
            fd_ = -1;
        }
    }

  private:
    std::string take() { return std::exchange(buffer_, {}); }

    int fd_ = -1;
    bool connected_ = false;
    bool eof_ = false;
    int errno_ = 0;
    std::size_t reads_ = 0;
    std::string buffer_;
};

TEST(ScriptServer, PlaysGreetingAndEhlo) {
    ScriptServer server(Script::esmtp({"PIPELINING", "8BITMIME"}).quit());
    ASSERT_NE(server.port(), 0);
    RawClient c(server.port());
    ASSERT_TRUE(c.connected());
    EXPECT_EQ(c.read_until("\r\n"), "220 test.invalid ESMTP ready\r\n");
    c.write("EHLO client.example\r\n");
    EXPECT_EQ(c.read_until("250 8BITMIME\r\n"),
              "250-test.invalid greets you\r\n250-PIPELINING\r\n250 8BITMIME\r\n");
    c.write("QUIT\r\n");
    EXPECT_EQ(c.read_until("\r\n"), "221 2.0.0 bye\r\n");
    c.close();
    ASSERT_TRUE(server.wait_done());
    EXPECT_TRUE(no_mismatches(server.mismatches()));
    EXPECT_EQ(server.lines(), (std::vector<std::string>{"EHLO client.example", "QUIT"}));
    EXPECT_EQ(server.connections(), 1u);
    EXPECT_TRUE(server.saw("ehlo"));  // case-insensitive
    EXPECT_FALSE(server.saw("HELO"));
}

TEST(ScriptServer, RecordsAMismatch) {
    ScriptServer server(Script::esmtp());
    RawClient c(server.port());
    c.read_until("\r\n");
    c.write("HELO client.example\r\n");
    c.read_until("\r\n");
    c.close();
    ASSERT_TRUE(server.wait_done());
    ASSERT_EQ(server.mismatches().size(), 1u) << ::testing::PrintToString(server.mismatches());
    EXPECT_TRUE(has_substr(server.mismatches()[0], "expected 'EHLO '"));
    EXPECT_TRUE(has_substr(server.mismatches()[0], "HELO client.example"));
}

TEST(ScriptServer, ReportsALineWithoutCrlf) {
    ScriptServer server(Script().send("220 hi\r\n").expect("NOOP"));
    RawClient c(server.port());
    c.read_until("\r\n");
    c.write("NOOP\n");
    c.close();
    ASSERT_TRUE(server.wait_done());
    ASSERT_EQ(server.mismatches().size(), 1u) << ::testing::PrintToString(server.mismatches());
    EXPECT_TRUE(has_substr(server.mismatches()[0], "CRLF"));
}

TEST(ScriptServer, ReportsAScriptStepTheClientNeverReached) {
    ScriptServer server(Script().send("220 hi\r\n").expect("EHLO"));
    RawClient c(server.port());
    c.read_until("\r\n");
    c.close();
    ASSERT_TRUE(server.wait_done());
    ASSERT_EQ(server.mismatches().size(), 1u) << ::testing::PrintToString(server.mismatches());
    EXPECT_TRUE(has_substr(server.mismatches()[0], "end of connection"));
}

TEST(ScriptServer, ExpectTimesOut) {
    ScriptServer server(Script().send("220 hi\r\n").expect("EHLO"), milliseconds(200));
    RawClient c(server.port());
    c.read_until("\r\n");
    const auto start = steady_clock::now();
    // The server gives up and closes: the client sees the end of stream.
    c.read_to_end();
    EXPECT_TRUE(c.eof());
    EXPECT_LT(steady_clock::now() - start, milliseconds(1500));
    ASSERT_TRUE(server.wait_done());
    ASSERT_EQ(server.mismatches().size(), 1u) << ::testing::PrintToString(server.mismatches());
    EXPECT_TRUE(has_substr(server.mismatches()[0], "timed out"));
}

TEST(ScriptServer, DecodesDataBodies) {
    ScriptServer server(Script::smtp()
                            .expect("DATA")
                            .send("354 go\r\n")
                            .expect_data()
                            .send("250 ok\r\n")
                            .expect("DATA")
                            .send("354 go\r\n")
                            .expect_data()
                            .send("250 ok\r\n"));
    RawClient c(server.port());
    c.read_until("\r\n");
    c.write("HELO me\r\n");
    c.read_until("\r\n");
    c.write("DATA\r\n");
    c.read_until("354 go\r\n");
    const std::string wire = "Subject: x\r\n\r\n..starts with a dot\r\n.\r\n";
    c.write(wire);
    EXPECT_EQ(c.read_until("\r\n"), "250 ok\r\n");
    c.write("DATA\r\n");  // then an empty message
    c.read_until("354 go\r\n");
    c.write(".\r\n");
    EXPECT_EQ(c.read_until("\r\n"), "250 ok\r\n");
    c.close();
    ASSERT_TRUE(server.wait_done());
    EXPECT_TRUE(no_mismatches(server.mismatches()));
    EXPECT_EQ(server.messages(),
              (std::vector<std::string>{"Subject: x\r\n\r\n.starts with a dot\r\n", ""}));
    EXPECT_EQ(server.raw_messages(), (std::vector<std::string>{wire, ".\r\n"}));
    // Content lines are not command lines.
    EXPECT_EQ(server.lines(), (std::vector<std::string>{"HELO me", "DATA", "DATA"}));
}

TEST(ScriptServer, ReportsBareLfInData) {
    ScriptServer server(Script().send("354 go\r\n").expect_data().send("250 ok\r\n"));
    RawClient c(server.port());
    c.read_until("\r\n");
    c.write("line one\nline two\r\n.\r\n");
    c.read_until("\r\n");
    c.close();
    ASSERT_TRUE(server.wait_done());
    ASSERT_EQ(server.mismatches().size(), 1u) << ::testing::PrintToString(server.mismatches());
    EXPECT_TRUE(has_substr(server.mismatches()[0], "bare CR or LF"));
}

TEST(ScriptServer, DataSplitAcrossWritesIsReassembled) {
    ScriptServer server(Script().send("354 go\r\n").expect_data().send("250 ok\r\n"));
    RawClient c(server.port());
    c.read_until("\r\n");
    // The terminator arrives in pieces.
    for (std::string_view piece : {"body\r", "\n", ".", "\r", "\n"}) {
        c.write(piece);
        std::this_thread::sleep_for(milliseconds(5));
    }
    EXPECT_EQ(c.read_until("\r\n"), "250 ok\r\n");
    c.close();
    ASSERT_TRUE(server.wait_done());
    EXPECT_TRUE(no_mismatches(server.mismatches()));
    EXPECT_EQ(server.messages(), (std::vector<std::string>{"body\r\n"}));
}

TEST(ScriptServer, SendSplitWritesOneOctetAtATime) {
    const std::string reply = "250-first\r\n250 last\r\n";
    ScriptServer server(Script().send_split(reply, 1, milliseconds(5)));
    RawClient c(server.port());
    EXPECT_EQ(c.read_until("250 last\r\n"), reply);
    // Each octet left in its own write, 5 ms apart: the client needed many
    // reads (at least half as many as octets, allowing for scheduling).
    EXPECT_GE(c.reads(), reply.size() / 2);
}

TEST(ScriptServer, CountsClientWritesByRead) {
    ScriptServer server(Script()
                            .send("220 hi\r\n")
                            .expect("MAIL")
                            .expect("RCPT")
                            .expect("DATA")
                            .send("250 a\r\n250 b\r\n354 c\r\n")
                            .expect("NOOP")
                            .send("250 d\r\n")
                            .expect("RSET")
                            .send("250 e\r\n"));
    RawClient c(server.port());
    c.read_until("\r\n");
    c.write("MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n");
    EXPECT_EQ(c.read_until("354 c\r\n"), "250 a\r\n250 b\r\n354 c\r\n");
    c.write("NOOP\r\n");
    c.read_until("\r\n");
    c.write("RSET\r\n");
    c.read_until("\r\n");
    c.close();
    ASSERT_TRUE(server.wait_done());
    EXPECT_TRUE(no_mismatches(server.mismatches()));
    EXPECT_EQ(server.read_index_of("MAIL"), server.read_index_of("RCPT"));
    EXPECT_EQ(server.read_index_of("MAIL"), server.read_index_of("DATA"));
    EXPECT_LT(server.read_index_of("DATA"), server.read_index_of("NOOP"));
    EXPECT_LT(server.read_index_of("NOOP"), server.read_index_of("RSET"));
    EXPECT_EQ(server.read_index_of("QUIT"), std::string::npos);
    EXPECT_EQ(server.reads(), 3u);
}

TEST(ScriptServer, CloseEndsTheStreamCleanly) {
    ScriptServer server(Script().send("220 hi\r\n").close());
    RawClient c(server.port());
    EXPECT_EQ(c.read_to_end(), "220 hi\r\n");
    EXPECT_TRUE(c.eof());
    // The server still reads what the client says after the close (no RST).
    c.write("EHLO late\r\n");
    std::this_thread::sleep_for(milliseconds(50));
    c.close();
    ASSERT_TRUE(server.wait_done());
    EXPECT_TRUE(no_mismatches(server.mismatches()));
    EXPECT_EQ(server.lines(), (std::vector<std::string>{"EHLO late"}));
}

TEST(ScriptServer, CloseMidReply) {
    ScriptServer server(Script().send("220 hi\r\n").expect("EHLO").close_mid_reply());
    RawClient c(server.port());
    c.read_until("\r\n");
    c.write("EHLO me\r\n");
    EXPECT_EQ(c.read_to_end(), "250-first line\r\n");
    EXPECT_TRUE(c.eof());
}

TEST(ScriptServer, AbortResetsTheConnection) {
    ScriptServer server(Script().send("220 hi\r\n").expect("EHLO").abort());
    RawClient c(server.port());
    c.read_until("\r\n");
    c.write("EHLO me\r\n");
    EXPECT_EQ(c.read_to_end(), "");
    EXPECT_FALSE(c.eof());
    EXPECT_EQ(c.last_errno(), ECONNRESET);
}

TEST(ScriptServer, StallAnswersNothingButRecords) {
    auto server = std::make_unique<ScriptServer>(Script().send("220 hi\r\n").stall());
    RawClient c(server->port(), milliseconds(300));
    c.read_until("\r\n");
    c.write("EHLO me\r\n");
    EXPECT_EQ(c.read_once(), -1);  // the receive timeout: no answer
    EXPECT_EQ(c.last_errno(), EAGAIN);
    EXPECT_EQ(server->lines(), (std::vector<std::string>{"EHLO me"}));
    EXPECT_FALSE(server->wait_done(milliseconds(50)));
    // Destroying the server while it stalls and the client is still there
    // must not wait for anything.
    const auto start = steady_clock::now();
    server.reset();
    EXPECT_LT(steady_clock::now() - start, milliseconds(500));
}

TEST(ScriptServer, StallEndsWhenTheClientCloses) {
    ScriptServer server(Script().send("220 hi\r\n").stall());
    RawClient c(server.port());
    c.read_until("\r\n");
    c.close();
    EXPECT_TRUE(server.wait_done(milliseconds(1000)));
}

TEST(ScriptServer, SilentStallReadsNothingAndEndsOnClose) {
    ScriptServer server(Script().send("220 hi\r\n").stall_silent());
    RawClient c(server.port());
    c.read_until("\r\n");
    c.write("EHLO me\r\n");
    std::this_thread::sleep_for(milliseconds(50));
    EXPECT_TRUE(server.lines().empty()) << ::testing::PrintToString(server.lines());
    EXPECT_EQ(server.reads(), 0u);
    c.close();
    EXPECT_TRUE(server.wait_done(milliseconds(1000)));
}

TEST(ScriptServer, SilentStallReadsAfterItsLimit) {
    ScriptServer server(Script().send("220 hi\r\n").stall_silent(milliseconds(200)));
    RawClient c(server.port(), milliseconds(600));
    c.read_until("\r\n");
    c.write("EHLO me\r\n");
    std::this_thread::sleep_for(milliseconds(100));
    EXPECT_EQ(server.reads(), 0u);
    std::this_thread::sleep_for(milliseconds(300));
    EXPECT_EQ(server.lines(), (std::vector<std::string>{"EHLO me"}));
    EXPECT_EQ(c.read_once(), -1);  // still no answer
    c.close();
    EXPECT_TRUE(server.wait_done(milliseconds(1000)));
}

TEST(ScriptServer, DestructorIsPromptWithoutAClient) {
    const auto start = steady_clock::now();
    {
        ScriptServer server(Script().send("220 hi\r\n"));
        EXPECT_FALSE(server.wait_done(milliseconds(20)));
        EXPECT_EQ(server.connections(), 0u);
    }
    EXPECT_LT(steady_clock::now() - start, milliseconds(500));
}

TEST(ScriptServer, DestructorIsPromptDuringADelay) {
    const auto start = steady_clock::now();
    {
        ScriptServer server(Script().delay(milliseconds(10000)).send("220 late\r\n"));
        RawClient c(server.port());
        ASSERT_TRUE(c.connected());
        std::this_thread::sleep_for(milliseconds(20));
    }
    EXPECT_LT(steady_clock::now() - start, milliseconds(1000));
}

TEST(ScriptServer, DelayHoldsTheReply) {
    ScriptServer server(Script().delay(milliseconds(200)).send("220 late\r\n"));
    const auto start = steady_clock::now();
    RawClient c(server.port());
    EXPECT_EQ(c.read_until("\r\n"), "220 late\r\n");
    EXPECT_GE(steady_clock::now() - start, milliseconds(190));
}

TEST(ScriptServer, ServesConnectionsInOrderThenRefuses) {
    ScriptServer server(
        std::vector<Script>{Script().send("220 first\r\n"), Script().send("220 second\r\n")});
    {
        RawClient c(server.port());
        EXPECT_EQ(c.read_until("\r\n"), "220 first\r\n");
    }
    {
        RawClient c(server.port());
        EXPECT_EQ(c.read_until("\r\n"), "220 second\r\n");
    }
    ASSERT_TRUE(server.wait_done());
    EXPECT_EQ(server.connections(), 2u);
    RawClient third(server.port());
    EXPECT_FALSE(third.connected());
}

TEST(ScriptServer, RecordsLinesAfterTheScriptEnds) {
    ScriptServer server(Script().send("220 hi\r\n"));
    RawClient c(server.port());
    c.read_until("\r\n");
    c.write("NOOP\r\nRSET\r\npartial");
    std::this_thread::sleep_for(milliseconds(20));
    c.close();
    ASSERT_TRUE(server.wait_done());
    EXPECT_EQ(server.lines(), (std::vector<std::string>{"NOOP", "RSET", "partial"}));
    EXPECT_EQ(server.received(), "NOOP\r\nRSET\r\npartial");
}

}  // namespace
}  // namespace smtpkit::test
