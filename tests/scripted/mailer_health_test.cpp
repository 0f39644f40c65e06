// The Mailer's health and back-pressure against scripted servers: the
// circuit breaker (trips on set-ups failing in a row, fails fast, recovers
// after its cool-down), the bounded queue (fail fast or wait), and close()
// draining or cancelling.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "scripted/mailer_fixture.hpp"

namespace smtpkit::test {
namespace {

// A loopback port nothing listens on: connections are refused.
std::uint16_t refused_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    ::close(fd);
    return ntohs(a.sin_port);
}

TEST(MailerHealth, BreakerTripsOnRepeatedConnectionRefusedAndFailsFast) {
    MailerOptions o = mailer_options(refused_port());
    o.breaker = {.failures = 3, .cooldown = 60s};
    o.retry.max_attempts = 10;
    o.retry.initial_backoff = 5ms;
    Mailer mailer(o);
    const MailResult r = mailer.send(mailer_envelope(), message());
    EXPECT_EQ(r.error, mailer_error::circuit_open);
    ASSERT_EQ(r.attempts.size(), 3u) << "tripped after three refusals, not ten";
    for (const MailAttempt& a : r.attempts) {
        EXPECT_EQ(a.error, condition::transient) << a.error.message();
    }
    EXPECT_TRUE(mailer.stats().circuit_open);
    const Stopwatch watch;
    std::error_code ec;
    const MailResult fast = mailer.send(mailer_envelope(), message(), ec);
    EXPECT_EQ(ec, mailer_error::circuit_open);
    EXPECT_TRUE(fast.attempts.empty());
    EXPECT_LT(watch.elapsed(), 5s);
    EXPECT_THROW(mailer.send(mailer_envelope(), message()), system_error);
}

TEST(MailerHealth, BreakerRecoversAfterItsCooldown) {
    Script busy = Script().send("421 4.3.2 busy\r\n").close();
    Script good = mailer_prologue();
    one_transaction(good).quit();
    ScriptServer server({busy, busy, good});
    MailerOptions o = mailer_options(server.port());
    o.breaker = {.failures = 2, .cooldown = 300ms};
    o.retry.max_attempts = 5;
    o.retry.initial_backoff = 5ms;
    Mailer mailer(o);
    const MailResult tripped = mailer.send(mailer_envelope(), message());
    EXPECT_EQ(tripped.error, mailer_error::circuit_open);
    ASSERT_EQ(tripped.attempts.size(), 2u);
    EXPECT_EQ(tripped.attempts[0].reply.code, 421);
    EXPECT_EQ(tripped.attempts[0].error, error::greeting_deferred);
    std::error_code ec;
    mailer.send(mailer_envelope(), message(), ec);
    EXPECT_EQ(ec, mailer_error::circuit_open);
    std::this_thread::sleep_for(400ms);
    const MailResult after = mailer.send(mailer_envelope(), message(), ec);
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_TRUE(after.delivered());
    EXPECT_FALSE(mailer.stats().circuit_open);
    mailer.close();
    expect_server_done(server);
}

// The first message holds the only session (its greeting is slow); the
// second fills the queue of one; the third finds it full.
Script slow_session(int messages) {
    Script s = Script().delay(Millis(1000)).greet().ehlo({"PIPELINING"});
    for (int i = 0; i < messages; ++i) {
        one_transaction(s);
    }
    return s.quit();
}

void wait_in_flight(const Mailer& mailer) {
    for (int i = 0; i < 500 && mailer.stats().in_flight == 0; ++i) {
        std::this_thread::sleep_for(2ms);
    }
}

TEST(MailerHealth, FullQueueFailsFastWhenAskedTo) {
    ScriptServer server(slow_session(2));
    MailerOptions o = mailer_options(server.port());
    o.queue_capacity = 1;
    o.batch = 1;
    o.when_full = QueueFull::fail;
    Mailer mailer(o);
    Pending first, second, third;
    mailer.async_send(mailer_envelope(), message(), first.handler());
    wait_in_flight(mailer);
    mailer.async_send(mailer_envelope(), message(), second.handler());
    mailer.async_send(mailer_envelope(), message(), third.handler());
    ASSERT_TRUE(third.ready_within(Millis(2000)));
    EXPECT_FALSE(first.ready_within(Millis(0))) << "the third failed before the first was sent";
    EXPECT_EQ(third.future.get().first, mailer_error::queue_full);
    ASSERT_TRUE(first.ready_within(Millis(5000)));
    ASSERT_TRUE(second.ready_within(Millis(5000)));
    EXPECT_TRUE(first.future.get().second.delivered());
    EXPECT_TRUE(second.future.get().second.delivered());
    mailer.close();
    expect_server_done(server);
}

TEST(MailerHealth, FullQueueWaitsForRoomByDefault) {
    ScriptServer server(slow_session(3));
    MailerOptions o = mailer_options(server.port());
    o.queue_capacity = 1;
    o.batch = 1;
    Mailer mailer(o);
    Pending first, second, third;
    mailer.async_send(mailer_envelope(), message(), first.handler());
    wait_in_flight(mailer);
    mailer.async_send(mailer_envelope(), message(), second.handler());
    mailer.async_send(mailer_envelope(), message(), third.handler());
    for (Pending* p : {&first, &second, &third}) {
        ASSERT_TRUE(p->ready_within(Millis(5000)));
        auto [ec, r] = p->future.get();
        EXPECT_FALSE(ec) << ec.message();
        EXPECT_TRUE(r.delivered());
    }
    mailer.close();
    expect_server_done(server);
    EXPECT_EQ(server.messages().size(), 3u);
}

TEST(MailerHealth, CloseDrainSendsWhatIsQueued) {
    Script s = mailer_prologue();
    for (int i = 0; i < 4; ++i) {
        one_transaction(s);
    }
    ScriptServer server(s.quit());
    MailerOptions o = mailer_options(server.port());
    o.batch = 1;
    Mailer mailer(o);
    std::vector<std::unique_ptr<Pending>> pending;
    for (int i = 0; i < 4; ++i) {
        pending.push_back(std::make_unique<Pending>());
        mailer.async_send(mailer_envelope(), message(), pending.back()->handler());
    }
    mailer.close(CloseMode::drain);
    for (auto& p : pending) {
        ASSERT_TRUE(p->ready_within(Millis(0))) << "close(drain) returns after every result";
        EXPECT_TRUE(p->future.get().second.delivered());
    }
    expect_server_done(server);
    std::error_code ec;
    mailer.send(mailer_envelope(), message(), ec);
    EXPECT_EQ(ec, mailer_error::mailer_closed);
}

TEST(MailerHealth, CloseCancelEndsQueuedMessagesAndStopsTheSession) {
    Script s = mailer_prologue();
    s.expect("MAIL FROM:").expect("RCPT TO:").expect("DATA").stall();
    ScriptServer server(s);
    MailerOptions o = mailer_options(server.port());
    o.server.options.timeout = 30s;
    o.batch = 1;
    Mailer mailer(o);
    std::vector<std::unique_ptr<Pending>> pending;
    for (int i = 0; i < 3; ++i) {
        pending.push_back(std::make_unique<Pending>());
        mailer.async_send(mailer_envelope(), message(), pending.back()->handler());
    }
    for (int i = 0; i < 500 && !server.saw("DATA"); ++i) {
        std::this_thread::sleep_for(2ms);
    }
    const Stopwatch watch;
    mailer.close(CloseMode::cancel);
    EXPECT_LT(watch.elapsed(), 10s);
    auto [ec0, stalled] = pending[0]->future.get();
    EXPECT_FALSE(stalled.delivered());
    EXPECT_EQ(stalled.error, error::cancelled);
    EXPECT_EQ(stalled.attempts.size(), 1u);
    for (std::size_t i = 1; i < 3; ++i) {
        auto [ec, r] = pending[i]->future.get();
        EXPECT_EQ(r.error, error::cancelled);
        EXPECT_TRUE(r.attempts.empty());
    }
    expect_server_done(server);
}

}  // namespace
}  // namespace smtpkit::test
