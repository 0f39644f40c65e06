// What the scripted client tests share: connect options, a standard
// envelope and message, the MAIL/RCPT/DATA exchange with or without
// PIPELINING, and the end-of-test check of the server's side.
#pragma once

#include <gtest/gtest.h>
#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "scripted/assertions.hpp"
#include "smtpkit/client.hpp"
#include "support/script_server.hpp"

namespace smtpkit {
// Readable values in failure messages.
inline void PrintTo(Verdict v, std::ostream* os) {
    *os << to_string(v);
}
inline void PrintTo(const EnhancedStatus& s, std::ostream* os) {
    *os << s.to_string();
}
}  // namespace smtpkit

namespace smtpkit::test {

using namespace std::chrono_literals;

inline constexpr const char* helo_name = "client.example";
inline constexpr const char* sender = "sender@example.com";

// Plaintext ESMTP: the scripted servers speak no TLS unless a test says so.
inline ConnectOptions esmtp_options(std::chrono::seconds timeout = std::chrono::seconds(2)) {
    return ConnectOptions{.security = Security::plaintext,
                          .extended = true,
                          .timeout = timeout,
                          .helo_name = helo_name};
}

// Plaintext, HELO only.
inline ConnectOptions smtp_options(std::chrono::seconds timeout = std::chrono::seconds(2)) {
    return ConnectOptions{.security = Security::plaintext,
                          .extended = false,
                          .timeout = timeout,
                          .helo_name = helo_name};
}

inline Envelope envelope_to(std::vector<Recipient> to) {
    return Envelope{sender, std::move(to)};
}

// A short message; its body line lets a test see whether content was sent.
inline constexpr const char* message_text =
    "From: sender@example.com\r\nTo: rcpt@example.com\r\nSubject: test\r\n\r\n"
    "BODY-MARKER line\r\n";

inline MessageSource message() {
    return MessageSource::from_string(message_text);
}

// Larger than what the socket buffers hold, so a server that stops reading
// blocks the client's writes mid-message.
inline std::string huge_message() {
    std::string s = "Subject: huge\r\n\r\n";
    const std::string line(998, 'x');
    while (s.size() < 24u * 1024 * 1024) {
        s += line;
        s += "\r\n";
    }
    return s;
}

// One command of the transaction and the server's reply to it.
struct Exchange {
    std::string expect;  // prefix of the command line
    std::string reply;   // full reply, CRLF included
};

// Plays MAIL/RCPT/DATA. Without PIPELINING the server answers each command
// before the client may send the next; with it the server first reads the
// whole group (so the client must have sent it at once) and then answers
// each command in order.
inline Script& transaction(Script& s, bool pipelining, const std::vector<Exchange>& group) {
    if (!pipelining) {
        for (const auto& e : group) {
            s.expect(e.expect).send(e.reply);
        }
        return s;
    }
    std::string replies;
    for (const auto& e : group) {
        s.expect(e.expect);
        replies += e.reply;
    }
    return s.send(replies);
}

// The prologue with or without PIPELINING offered.
inline Script prologue(bool pipelining) {
    return Script::esmtp(pipelining ? std::vector<std::string>{"PIPELINING", "8BITMIME"}
                                    : std::vector<std::string>{"8BITMIME"});
}

// The end of a test: the client has let go of the connection, the server
// played its whole script and nothing differed from it.
inline void expect_server_done(ScriptServer& server) {
    ASSERT_TRUE(server.wait_done()) << "the server's script did not finish";
    EXPECT_TRUE(no_mismatches(server.mismatches()));
}

// Measures how long a call takes.
class Stopwatch {
  public:
    std::chrono::milliseconds elapsed() const {
        return std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::steady_clock::now() - start_);
    }

  private:
    std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

}  // namespace smtpkit::test
