// The asynchronous API against real servers: each completion-token form
// delivers through aiosmtpd, and one thread runs 1,000 concurrent sessions
// against Postfix's smtp-sink, each delivering a message.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/use_future.hpp>
#include <optional>
#include <thread>

#include "smtpkit/client.hpp"
#include "support/aiosmtpd_server.hpp"
#include "support/server_process.hpp"

namespace smtpkit::test {
namespace {

ConnectOptions options() {
    ConnectOptions o;
    o.security = Security::plaintext;
    o.timeout = std::chrono::seconds(20);
    o.helo_name = "client.smtpkit.test";
    return o;
}

std::string letter(const std::string& tag) {
    return "From: sender@localhost\r\nTo: rcpt@example.com\r\nSubject: " + tag +
           "\r\n\r\nsent with the " + tag + " form\r\n";
}

Envelope envelope() {
    return Envelope{"sender@localhost", {"rcpt@example.com"}};
}

void expect_stored(const AiosmtpdServer& server, const std::string& tag) {
    const ReceivedMessage m = server.wait_for_message(0);
    EXPECT_EQ(m.mail_from, "sender@localhost");
    EXPECT_EQ(m.rcpt_tos, std::vector<std::string>{"rcpt@example.com"});
    EXPECT_NE(m.content.find("sent with the " + tag + " form"), std::string::npos) << m.content;
}

TEST(AsyncReal, CoroutineDeliversThroughAiosmtpd) {
    AiosmtpdServer server;
    asio::io_context io;
    Client client(io.get_executor());
    std::optional<SendResult> result;
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
            co_await client.async_connect("127.0.0.1", server.port(), options(),
                                          asio::use_awaitable);
            result = co_await client.async_send(
                envelope(), MessageSource::from_string(letter("coroutine")), asio::use_awaitable);
            co_await client.async_quit(asio::use_awaitable);
        },
        asio::detached);
    io.run();
    ASSERT_TRUE(result);
    EXPECT_TRUE(result->delivered()) << result->final_reply.summary();
    expect_stored(server, "coroutine");
}

TEST(AsyncReal, FutureDeliversThroughAiosmtpd) {
    AiosmtpdServer server;
    asio::io_context io;
    auto work = asio::make_work_guard(io);
    std::thread runner([&] { io.run(); });
    Client client(io.get_executor());
    client.async_connect("127.0.0.1", server.port(), options(), asio::use_future).get();
    const SendResult result =
        client
            .async_send(envelope(), MessageSource::from_string(letter("future")), asio::use_future)
            .get();
    client.async_quit(asio::use_future).get();
    work.reset();
    runner.join();
    EXPECT_TRUE(result.delivered()) << result.final_reply.summary();
    expect_stored(server, "future");
}

TEST(AsyncReal, CallbackDeliversThroughAiosmtpd) {
    AiosmtpdServer server;
    asio::io_context io;
    Client client(io.get_executor());
    std::optional<SendResult> result;
    std::error_code quit_ec{make_error_code(error::session_failed)};
    client.async_connect("127.0.0.1", server.port(), options(), [&](std::error_code ec) {
        ASSERT_FALSE(ec) << ec.message();
        client.async_send(envelope(), MessageSource::from_string(letter("callback")),
                          [&](std::error_code, SendResult r) {
                              result = std::move(r);
                              client.async_quit([&](std::error_code e) { quit_ec = e; });
                          });
    });
    io.run();
    ASSERT_TRUE(result);
    EXPECT_TRUE(result->delivered()) << result->final_reply.summary();
    EXPECT_FALSE(quit_ec);
    expect_stored(server, "callback");
}

// Enough descriptors for both ends of every session (smtp-sink inherits it).
bool raise_fd_limit(rlim_t wanted) {
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) {
        return false;
    }
    if (limit.rlim_cur >= wanted) {
        return true;
    }
    limit.rlim_cur = std::min(wanted, limit.rlim_max);
    return ::setrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur >= wanted;
}

// smtp-sink: Postfix's fast test sink, answering 250 to every message.
class SmtpSink {
  public:
    explicit SmtpSink(int backlog) : dir_("smtp-sink"), port_(free_loopback_port()) {
        process_ = ChildProcess({"/usr/sbin/smtp-sink", "-u", "nobody", "-c",
                                 "127.0.0.1:" + std::to_string(port_), std::to_string(backlog)},
                                dir_.path() / "out", dir_.path() / "err");
        const auto until = std::chrono::steady_clock::now() + 10s;
        for (;;) {
            try {
                SmtpLineConnection probe(port_, 1s);
                if (SmtpLineConnection::reply_code(probe.read_reply()) == 220) {
                    probe.send_line("QUIT");
                    return;
                }
            } catch (const std::exception&) {
            }
            if (std::chrono::steady_clock::now() > until) {
                throw std::runtime_error("smtp-sink did not start: " +
                                         read_file(dir_.path() / "err"));
            }
            std::this_thread::sleep_for(50ms);
        }
    }
    std::uint16_t port() const { return port_; }

  private:
    TempDir dir_;
    std::uint16_t port_;
    ChildProcess process_;
};

TEST(AsyncReal, AThousandConcurrentSessionsOnOneThread) {
    constexpr std::size_t sessions = 1000;
    ASSERT_TRUE(raise_fd_limit(2 * sessions + 200)) << "cannot raise the descriptor limit";
    SmtpSink sink(static_cast<int>(sessions));
    asio::io_context io(1);  // one thread: this one
    std::vector<std::unique_ptr<Client>> clients;
    std::vector<std::optional<SendResult>> results(sessions);
    std::vector<std::error_code> errors(sessions);
    std::size_t most_in_flight = 0;
    std::size_t in_flight = 0;
    for (std::size_t i = 0; i < sessions; ++i) {
        clients.push_back(std::make_unique<Client>(io.get_executor()));
        asio::co_spawn(
            io,
            [&, i]() -> asio::awaitable<void> {
                Client& c = *clients[i];
                try {
                    co_await c.async_connect("127.0.0.1", sink.port(), options(),
                                             asio::use_awaitable);
                    most_in_flight = std::max(most_in_flight, ++in_flight);
                    // (Built outside the co_await: g++ 12 miscompiles braced lists there.)
                    Envelope to_one;
                    to_one.from = "sender@localhost";
                    to_one.to.push_back(Recipient{"rcpt" + std::to_string(i) + "@example.com"});
                    results[i] = co_await c.async_send(
                        to_one, MessageSource::from_string(letter("session " + std::to_string(i))),
                        asio::use_awaitable);
                    --in_flight;
                    co_await c.async_quit(asio::use_awaitable);
                } catch (const std::system_error& e) {
                    errors[i] = e.code();
                }
            },
            asio::detached);
    }
    const auto start = std::chrono::steady_clock::now();
    io.run();
    const auto took = std::chrono::steady_clock::now() - start;
    std::size_t delivered = 0;
    for (std::size_t i = 0; i < sessions; ++i) {
        EXPECT_FALSE(errors[i]) << "session " << i << ": " << errors[i].message();
        if (results[i] && results[i]->delivered() && results[i]->final_reply.code == 250 &&
            results[i]->recipients.size() == 1 &&
            results[i]->recipients[0].address == "rcpt" + std::to_string(i) + "@example.com") {
            ++delivered;
        }
    }
    EXPECT_EQ(delivered, sessions);
    EXPECT_GT(most_in_flight, std::size_t{100}) << "the sessions were meant to overlap";
    EXPECT_LT(took, 30s);
    RecordProperty("seconds", std::to_string(std::chrono::duration<double>(took).count()));
}

}  // namespace
}  // namespace smtpkit::test
