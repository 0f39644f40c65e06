// The Mailer against real servers started here: many messages through
// Postfix's smtp-sink with a per-session quota (each counted once at the
// sink: none lost, none twice), the rate limit held over a few seconds, and
// a faulty server (451 to one message in 20, one session in 50 dropped)
// where every message ends delivered after its retries.
//
// SMTPKIT_MAILER_MESSAGES sets the first test's count (default 2,000;
// `make mailer-soak` runs 10,000).
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <string>
#include <thread>

#include "smtpkit/mailer.hpp"
#include "support/server_process.hpp"

namespace smtpkit::test {
namespace {

using Clock = std::chrono::steady_clock;

// A server process on a free loopback port, up once it greets.
class ServerOnPort {
  public:
    ServerOnPort(const std::string& name,
                 const std::function<std::vector<std::string>(std::uint16_t,
                                                              const std::filesystem::path&)>& argv)
        : dir_(name), port_(free_loopback_port()) {
        ::chmod(dir_.path().c_str(), 0777);  // smtp-sink writes its dump as nobody
        process_ = ChildProcess(argv(port_, dir_.path()), dir_.path() / "out", dir_.path() / "err");
        const auto until = Clock::now() + 15s;
        for (;;) {
            try {
                SmtpLineConnection probe(port_, 1s);
                if (SmtpLineConnection::reply_code(probe.read_reply()) == 220) {
                    probe.send_line("QUIT");
                    return;
                }
            } catch (const std::exception&) {
            }
            if (Clock::now() > until) {
                throw std::runtime_error(name +
                                         " did not start: " + read_file(dir_.path() / "err"));
            }
            std::this_thread::sleep_for(50ms);
        }
    }
    std::uint16_t port() const { return port_; }
    const std::filesystem::path& dir() const { return dir_.path(); }

  private:
    TempDir dir_;
    std::uint16_t port_;
    ChildProcess process_;
};

// One file per message (-d), in a directory per second so that the random
// part of the names cannot collide across thousands of messages.
ServerOnPort smtp_sink() {
    return ServerOnPort("mailer-sink", [](std::uint16_t port, const std::filesystem::path& dir) {
        return std::vector<std::string>{"/usr/sbin/smtp-sink",
                                        "-u",
                                        "nobody",
                                        "-d",
                                        (dir / "dump" / "%H%M%S" / "m.").string(),
                                        "127.0.0.1:" + std::to_string(port),
                                        "256"};
    });
}

MailerOptions options_for(std::uint16_t port) {
    MailerOptions o;
    o.server.port = port;
    o.server.options.security = Security::plaintext;
    o.server.options.timeout = 30s;
    o.server.options.helo_name = "client.smtpkit.test";
    o.breaker.failures = 0;
    return o;
}

std::vector<OutgoingMessage> numbered(std::size_t n) {
    std::vector<OutgoingMessage> out;
    out.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        const std::string tag = "mailer-" + std::to_string(i);
        out.push_back({Envelope{"sender@localhost", {Recipient{"rcpt@example.com"}}},
                       MessageSource::from_string("From: sender@localhost\r\nTo: rcpt@example.com"
                                                  "\r\nSubject: " +
                                                  tag + "\r\n\r\nmessage " + tag + "\r\n")});
    }
    return out;
}

// How many times each "Subject: mailer-N" appears in `text`.
std::map<std::string, std::size_t> subjects_in(const std::string& text) {
    std::map<std::string, std::size_t> seen;
    std::size_t at = 0;
    const std::string key = "Subject: ";
    while ((at = text.find(key, at)) != std::string::npos) {
        at += key.size();
        const std::size_t end = text.find_first_of("\r\n", at);
        ++seen[text.substr(at, end - at)];
    }
    return seen;
}

std::size_t message_count() {
    const char* v = std::getenv("SMTPKIT_MAILER_MESSAGES");
    return v != nullptr ? std::stoul(v) : 2000;
}

TEST(MailerReal, ManyMessagesThroughTenSessionsWithAQuotaNoneLostOrDuplicated) {
    const std::size_t count = message_count();
    ServerOnPort sink = smtp_sink();
    MailerOptions o = options_for(sink.port());
    o.max_sessions = 10;
    o.max_messages_per_session = 100;
    o.batch = 20;
    Mailer mailer(o);
    const auto start = Clock::now();
    const std::vector<MailResult> results = mailer.send_all(numbered(count));
    mailer.close();
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    std::size_t delivered = 0;
    for (const MailResult& r : results) {
        delivered += r.delivered() ? 1 : 0;
    }
    EXPECT_EQ(delivered, count);
    const Mailer::Stats s = mailer.stats();
    EXPECT_GE(s.sessions_opened, count / 100) << "a new session after each 100 messages";
    std::map<std::string, std::size_t> seen;
    for (const auto& f : std::filesystem::recursive_directory_iterator(sink.dir() / "dump")) {
        if (f.is_regular_file()) {
            for (const auto& [subject, n] : subjects_in(read_file(f.path()))) {
                seen[subject] += n;
            }
        }
    }
    EXPECT_EQ(seen.size(), count) << "each message at the sink";
    for (const auto& [subject, n] : seen) {
        ASSERT_EQ(n, 1u) << subject << " stored " << n << " times";
    }
    std::cout << "[ mailer ] " << count << " messages, 10 sessions, quota 100: " << seconds
              << " s, " << static_cast<double>(count) / seconds << " messages/s\n";
}

TEST(MailerReal, RateLimitHoldsWithinFivePercent) {
    ServerOnPort sink = smtp_sink();
    MailerOptions o = options_for(sink.port());
    o.max_sessions = 4;
    o.rate.per_second = 100;
    o.rate.burst = 10;
    constexpr std::size_t count = 1000;  // about 10 s at 100/s, as the issue measures it
    Mailer mailer(o);
    const auto start = Clock::now();
    const std::vector<MailResult> results = mailer.send_all(numbered(count));
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    mailer.close();
    for (const MailResult& r : results) {
        ASSERT_TRUE(r.delivered());
    }
    // The burst goes at once; the rest at the rate at most.
    const double rate = static_cast<double>(count - o.rate.burst) / seconds;
    std::cout << "[ mailer ] limit 100/s: " << rate << " messages/s over " << seconds << " s\n";
    EXPECT_LE(rate, 105.0);
    EXPECT_GE(rate, 50.0) << "far below the limit (a very loaded machine?)";
}

TEST(MailerReal, FaultyServerEveryMessageEndsDeliveredAfterRetries) {
    ServerOnPort server("mailer-faulty", [](std::uint16_t port, const std::filesystem::path& dir) {
        return std::vector<std::string>{
            "/usr/bin/python3",
            std::string(SMTPKIT_TEST_DATA_DIR) + "/integration/faulty_smtp_server.py",
            std::to_string(port), (dir / "stored").string()};
    });
    MailerOptions o = options_for(server.port());
    o.max_sessions = 4;
    o.retry.max_attempts = 6;
    o.retry.initial_backoff = 10ms;
    o.retry.max_backoff = 100ms;
    constexpr std::size_t count = 500;
    Mailer mailer(o);
    const std::vector<MailResult> results = mailer.send_all(numbered(count));
    mailer.close();
    std::size_t refused_then_delivered = 0, dropped_then_delivered = 0;
    for (std::size_t i = 0; i < count; ++i) {
        const MailResult& r = results[i];
        ASSERT_TRUE(r.delivered()) << i << ": " << r.error.message();
        for (std::size_t a = 0; a + 1 < r.attempts.size(); ++a) {
            const MailAttempt& failed = r.attempts[a];
            EXPECT_NE(failed.result.verdict, Verdict::delivered);
            EXPECT_EQ(failed.error, condition::transient) << failed.error.message();
            if (failed.reply.code == 451) {
                ++refused_then_delivered;
            } else {
                ++dropped_then_delivered;
            }
        }
    }
    // 500 messages: about 25 refusals and 10 dropped sessions.
    EXPECT_GE(refused_then_delivered, 20u);
    EXPECT_GE(dropped_then_delivered, 5u);
    const auto seen = subjects_in(read_file(server.dir() / "stored"));
    EXPECT_EQ(seen.size(), count);
    for (const auto& [subject, n] : seen) {
        ASSERT_EQ(n, 1u) << subject;
    }
}

}  // namespace
}  // namespace smtpkit::test
