// The Mailer's sessions against scripted servers: the per-session quota
// (QUIT, then a new session), the idle timeout, several messages on one
// session, and the asynchronous form on the caller's executor.
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/use_awaitable.hpp>
#include <map>
#include <optional>

#include "scripted/mailer_fixture.hpp"

namespace smtpkit::test {
namespace {

std::vector<OutgoingMessage> messages(std::size_t n) {
    std::vector<OutgoingMessage> out;
    for (std::size_t i = 0; i < n; ++i) {
        out.push_back({mailer_envelope(), message()});
    }
    return out;
}

TEST(MailerSessions, MaxMessagesPerSessionQuitsAndReconnects) {
    std::vector<Script> scripts;
    for (std::size_t sent = 0; sent < 5; sent += 2) {
        Script s = mailer_prologue();
        for (std::size_t i = sent; i < std::min<std::size_t>(5, sent + 2); ++i) {
            one_transaction(s);
        }
        scripts.push_back(s.quit());
    }
    ScriptServer server(scripts);
    MailerOptions o = mailer_options(server.port());
    o.max_messages_per_session = 2;
    Mailer mailer(o);
    const std::vector<MailResult> results = mailer.send_all(messages(5));
    mailer.close();
    expect_server_done(server);
    EXPECT_EQ(server.connections(), 3u);
    EXPECT_EQ(server.messages().size(), 5u);
    std::map<std::size_t, std::size_t> per_session;
    for (const MailResult& r : results) {
        ASSERT_TRUE(r.delivered());
        ASSERT_EQ(r.attempts.size(), 1u);
        ++per_session[r.attempts[0].session];
    }
    EXPECT_EQ(per_session.size(), 3u);
    for (const auto& [session, count] : per_session) {
        EXPECT_LE(count, 2u) << "session " << session;
    }
}

TEST(MailerSessions, AnIdleSessionQuitsAfterTheIdleTimeout) {
    Script s = mailer_prologue();
    one_transaction(s).quit();
    ScriptServer server(s);
    MailerOptions o = mailer_options(server.port());
    o.idle_timeout = 200ms;
    Mailer mailer(o);
    const Stopwatch watch;
    EXPECT_TRUE(mailer.send(mailer_envelope(), message()).delivered());
    // No close(): the QUIT comes from the idle timeout.
    ASSERT_TRUE(server.wait_done(Millis(10000)));
    EXPECT_GE(watch.elapsed(), 200ms);
    EXPECT_TRUE(no_mismatches(server.mismatches()));
    for (int i = 0; i < 200 && mailer.stats().sessions != 0; ++i) {
        std::this_thread::sleep_for(10ms);
    }
    EXPECT_EQ(mailer.stats().sessions, 0u);
    EXPECT_EQ(mailer.stats().sessions_opened, 1u);
}

TEST(MailerSessions, ConnectsOnceForManyMessages) {
    Script s = mailer_prologue();
    for (int i = 0; i < 6; ++i) {
        one_transaction(s);
    }
    s.quit();
    ScriptServer server(s);
    MailerOptions o = mailer_options(server.port());
    o.max_messages_per_session = 0;
    Mailer mailer(o);
    for (const MailResult& r : mailer.send_all(messages(6))) {
        EXPECT_TRUE(r.delivered());
    }
    mailer.close();
    expect_server_done(server);
    EXPECT_EQ(server.connections(), 1u);
    EXPECT_EQ(server.count("EHLO"), 1u);
}

TEST(MailerSessions, CoroutineOnTheCallersExecutor) {
    Script s = mailer_prologue();
    one_transaction(s).quit();
    ScriptServer server(s);
    asio::io_context io;
    Mailer mailer(io.get_executor(), mailer_options(server.port()));
    std::optional<MailResult> result;
    bool closed = false;
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
            const Envelope e = mailer_envelope();
            result = co_await mailer.async_send(e, message(), asio::use_awaitable);
            co_await mailer.async_close(CloseMode::drain, asio::use_awaitable);
            closed = true;
        },
        asio::detached);
    io.run();
    ASSERT_TRUE(result);
    EXPECT_TRUE(result->delivered());
    EXPECT_TRUE(closed);
    expect_server_done(server);
}

}  // namespace
}  // namespace smtpkit::test
