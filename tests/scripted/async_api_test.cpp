// The asynchronous forms against a scripted server: coroutine, future and
// callback tokens, the mode rules (wrong_mode), one operation at a time, the
// thread check at the start of an operation (not_owner), and cancel() from
// another thread.
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/use_future.hpp>
#include <future>
#include <optional>
#include <thread>

#include "scripted/client_fixture.hpp"

namespace smtpkit::test {
namespace {

using Clock = std::chrono::steady_clock;

// A handler's error handed to another thread. (Not asio::use_future with a
// failing operation: the exception_ptr it carries across threads is counted
// inside libstdc++, which ThreadSanitizer cannot see, so it reports a race.)
std::pair<std::promise<std::error_code>, std::future<std::error_code>> completion() {
    std::promise<std::error_code> p;
    auto f = p.get_future();
    return {std::move(p), std::move(f)};
}

Script one_message() {
    return Script::esmtp({"PIPELINING", "8BITMIME"})
        .expect("MAIL FROM:<sender@example.com>")
        .expect("RCPT TO:<rcpt@example.com>")
        .expect("DATA")
        .send("250 2.1.0 ok\r\n250 2.1.5 ok\r\n354 go ahead\r\n")
        .expect_data()
        .send("250 2.0.0 queued as A1\r\n")
        .quit();
}

TEST(AsyncApi, CoroutineConnectsSendsAndQuits) {
    ScriptServer server(one_message());
    asio::io_context io;
    Client client(io.get_executor());
    std::optional<SendResult> result;
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
            co_await client.async_connect("127.0.0.1", server.port(), esmtp_options(),
                                          asio::use_awaitable);
            // (Built outside the co_await: g++ 12 miscompiles braced lists there.)
            const Envelope to_one = envelope_to({"rcpt@example.com"});
            result = co_await client.async_send(to_one, message(), asio::use_awaitable);
            co_await client.async_quit(asio::use_awaitable);
        },
        asio::detached);
    io.run();
    ASSERT_TRUE(result);
    EXPECT_TRUE(result->delivered());
    EXPECT_EQ(result->final_reply.code, 250);
    EXPECT_FALSE(client.connected());
    expect_server_done(server);
    ASSERT_EQ(server.messages().size(), 1U);
    EXPECT_EQ(server.messages()[0], message_text);
}

// The owner thread starts each operation and waits on its future while
// another thread runs the executor.
TEST(AsyncApi, FuturesWhileAnotherThreadRunsTheExecutor) {
    ScriptServer server(Script::esmtp().expect("NOOP").send("250 2.0.0 fine\r\n").quit());
    asio::io_context io;
    auto work = asio::make_work_guard(io);
    std::thread runner([&] { io.run(); });
    Client client(io.get_executor());
    client.async_connect("127.0.0.1", server.port(), esmtp_options(), asio::use_future).get();
    const Reply reply = client.async_noop(asio::use_future).get();
    EXPECT_EQ(reply.code, 250);
    EXPECT_EQ(reply.lines.front(), "2.0.0 fine");
    client.async_quit(asio::use_future).get();
    work.reset();
    runner.join();
    expect_server_done(server);
}

TEST(AsyncApi, CallbacksChainAndSeeTheServersReplies) {
    ScriptServer server(Script::esmtp()
                            .expect("VRFY someone")
                            .send("252 2.1.5 cannot verify\r\n")
                            .expect("EXPN list")
                            .send("550 5.7.1 no\r\n")
                            .quit());
    asio::io_context io;
    Client client(io.get_executor());
    std::vector<int> codes;
    std::error_code last{make_error_code(error::session_failed)};
    client.async_connect("127.0.0.1", server.port(), esmtp_options(), [&](std::error_code ec) {
        ASSERT_FALSE(ec) << ec.message();
        client.async_verify("someone", [&](std::error_code ec1, Reply r1) {
            EXPECT_FALSE(ec1);
            codes.push_back(r1.code);
            client.async_expand("list", [&](std::error_code ec2, Reply r2) {
                EXPECT_FALSE(ec2) << "a refusal is an answer";
                codes.push_back(r2.code);
                client.async_quit([&](std::error_code ec3) { last = ec3; });
            });
        });
    });
    io.run();
    EXPECT_EQ(codes, (std::vector<int>{252, 550}));
    EXPECT_FALSE(last);
    expect_server_done(server);
}

TEST(AsyncApi, BlockingCallOnAnAsynchronousClientIsWrongMode) {
    asio::io_context io;
    Client client(io.get_executor());
    std::error_code ec;
    client.connect("127.0.0.1", 1, esmtp_options(), ec);
    EXPECT_EQ(ec, error::wrong_mode);
    EXPECT_THROW(client.noop(), system_error);
}

TEST(AsyncApi, AsynchronousCallOnABlockingClientIsWrongMode) {
    Client client;
    auto done = completion();
    client.async_noop([&](std::error_code ec, Reply) { done.first.set_value(ec); });
    ASSERT_EQ(done.second.wait_for(std::chrono::seconds(2)), std::future_status::ready);
    EXPECT_EQ(done.second.get(), error::wrong_mode);
}

TEST(AsyncApi, ASecondOperationWhileOneRunsIsRefused) {
    ScriptServer server(
        Script::esmtp().expect("NOOP").delay(Millis(100)).send("250 2.0.0 ok\r\n").quit());
    asio::io_context io;
    Client client(io.get_executor());
    std::error_code first, second;
    client.async_connect("127.0.0.1", server.port(), esmtp_options(), [&](std::error_code ec) {
        ASSERT_FALSE(ec);
        client.async_noop([&](std::error_code e, Reply) {
            first = e;
            client.async_quit([](std::error_code) {});
        });
        client.async_reset([&](std::error_code e, Reply) { second = e; });
    });
    io.run();
    EXPECT_FALSE(first);
    EXPECT_EQ(second, error::operation_in_progress);
    expect_server_done(server);
}

TEST(AsyncApi, AnotherThreadsCallFailsWithNotOwnerAndChangesNothing) {
    ScriptServer server(Script::esmtp().expect("NOOP").send("250 2.0.0 ok\r\n").quit());
    asio::io_context io;
    Client client(io.get_executor());
    client.async_connect("127.0.0.1", server.port(), esmtp_options(), [](std::error_code) {});
    io.run();
    ASSERT_TRUE(client.connected());

    std::error_code from_other;
    std::thread([&] {
        client.async_noop([&](std::error_code ec, Reply) { from_other = ec; });
    }).join();
    io.restart();
    io.run();
    EXPECT_EQ(from_other, error::not_owner);
    EXPECT_FALSE(server.saw("NOOP")) << "nothing may reach the server";

    // After attach_thread the other thread may start operations.
    std::error_code noop_ec{make_error_code(error::session_failed)};
    std::thread([&] {
        client.attach_thread();
        client.async_noop([&](std::error_code ec, Reply) { noop_ec = ec; });
    }).join();
    io.restart();
    io.run();
    EXPECT_FALSE(noop_ec);
    client.attach_thread();
    client.async_quit([](std::error_code) {});
    io.restart();
    io.run();
    expect_server_done(server);
}

// The executor runs on a worker thread; the owner starts a NOOP the server
// never answers and cancels it from a third thread.
TEST(AsyncApi, CancelFromAnotherThreadEndsAStalledOperationPromptly) {
    ScriptServer server(Script::esmtp().expect("NOOP").stall());
    asio::io_context io;
    auto work = asio::make_work_guard(io);
    std::thread runner([&] { io.run(); });
    Client client(io.get_executor());
    client
        .async_connect("127.0.0.1", server.port(), esmtp_options(std::chrono::seconds(10)),
                       asio::use_future)
        .get();
    std::vector<EventKind> kinds;
    std::mutex kinds_mutex;
    client.set_event_handler([&](const Event& e) {
        std::lock_guard lock(kinds_mutex);
        kinds.push_back(e.kind);
    });
    auto noop = completion();
    client.async_noop([&](std::error_code ec, Reply) { noop.first.set_value(ec); });
    std::this_thread::sleep_for(Millis(200));
    const auto cancelled_at = Clock::now();
    std::thread([&] { client.cancel(); }).join();
    ASSERT_EQ(noop.second.wait_for(std::chrono::seconds(2)), std::future_status::ready);
    const auto ended_at = Clock::now();
    EXPECT_LT(ended_at - cancelled_at, Millis(100));
    EXPECT_EQ(noop.second.get(), error::cancelled);
    EXPECT_FALSE(client.connected()) << "never reused mid-reply";
    work.reset();
    runner.join();
    std::lock_guard lock(kinds_mutex);
    EXPECT_NE(std::find(kinds.begin(), kinds.end(), EventKind::cancel), kinds.end());
    EXPECT_NE(std::find(kinds.begin(), kinds.end(), EventKind::disconnect), kinds.end());
}

TEST(AsyncApi, DestroyingTheClientCancelsItsOperationAndTheHandlerStillRuns) {
    ScriptServer server(Script::esmtp().expect("NOOP").stall());
    asio::io_context io;
    std::optional<Client> client(std::in_place, io.get_executor());
    std::error_code noop_ec;
    bool ran = false;
    client->async_connect("127.0.0.1", server.port(), esmtp_options(), [&](std::error_code ec) {
        ASSERT_FALSE(ec);
        client->async_noop([&](std::error_code e, Reply) {
            ran = true;
            noop_ec = e;
        });
        client.reset();
    });
    const auto start = Clock::now();
    io.run();
    EXPECT_TRUE(ran);
    EXPECT_EQ(noop_ec, error::cancelled);
    EXPECT_LT(Clock::now() - start, std::chrono::seconds(1)) << "not the 2 s timeout";
}

}  // namespace
}  // namespace smtpkit::test
