// One error model in every form: a refusal that is an answer is in the
// result for the throwing, error_code& and asynchronous forms alike, and a
// failed session is an error in all three; a deadline bounds a whole call
// against a server that trickles; Asio's per-operation cancellation works;
// a moved-from Client fails clearly; disconnect() from a thread that does
// not own the client says so.
#include <asio/bind_cancellation_slot.hpp>
#include <asio/cancellation_signal.hpp>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <optional>
#include <thread>

#include "scripted/client_fixture.hpp"

namespace smtpkit::test {
namespace {

// The message refused after its data, with `code`.
Script refusing_end_of_data(int code) {
    return Script::esmtp({"PIPELINING", "8BITMIME"})
        .expect("MAIL FROM:")
        .expect("RCPT TO:")
        .expect("DATA")
        .send("250 ok\r\n250 ok\r\n354 go\r\n")
        .expect_data()
        .send(std::to_string(code) + " 5.7.1 content rejected\r\n")
        .quit();
}

// Every recipient refused.
Script refusing_recipients() {
    return Script::esmtp({"PIPELINING", "8BITMIME"})
        .expect("MAIL FROM:")
        .expect("RCPT TO:")
        .expect("DATA")
        .send("250 ok\r\n452 4.5.3 too many recipients\r\n554 5.5.1 no valid recipients\r\n")
        .expect("RSET")
        .send("250 ok\r\n")
        .quit();
}

// The connection lost in the middle of the transaction.
Script losing_the_connection() {
    return Script::esmtp({"PIPELINING", "8BITMIME"}).expect("MAIL FROM:").close();
}

enum class Form { throwing, error_code, async };

struct Outcome {
    std::error_code ec;  // what the form reported as the call's error
    SendResult result;
};

Outcome send_with(Form form, const Script& script) {
    ScriptServer server(script);
    Outcome out;
    const Envelope e = envelope_to({"rcpt@example.com"});
    if (form == Form::async) {
        asio::io_context io;
        Client client(io.get_executor());
        client.async_connect("127.0.0.1", server.port(), esmtp_options(), [&](std::error_code ec) {
            EXPECT_FALSE(ec) << ec.message();
            client.async_send(e, message(), [&](std::error_code send_ec, SendResult r) {
                out = {send_ec, std::move(r)};
                client.disconnect();
            });
        });
        io.run();
    } else {
        Client client;
        client.connect("127.0.0.1", server.port(), esmtp_options());
        if (form == Form::throwing) {
            try {
                out.result = client.send(e, message());
            } catch (const smtpkit::system_error& x) {
                out.ec = x.code();
            }
        } else {
            out.result = client.send(e, message(), out.ec);
        }
        client.disconnect();
    }
    server.wait_done();
    return out;
}

class EveryForm : public ::testing::TestWithParam<Form> {};

TEST_P(EveryForm, ARefusedMessageIsTheAnswerNotAnError) {
    const Outcome out = send_with(GetParam(), refusing_end_of_data(554));
    EXPECT_FALSE(out.ec) << out.ec.message();
    EXPECT_EQ(out.result.verdict, Verdict::not_delivered);
    EXPECT_EQ(out.result.error, error::message_refused);
    EXPECT_EQ(out.result.final_reply.code, 554);
}

TEST_P(EveryForm, RefusedRecipientsAreTheAnswerNotAnError) {
    const Outcome out = send_with(GetParam(), refusing_recipients());
    EXPECT_FALSE(out.ec) << out.ec.message();
    EXPECT_EQ(out.result.verdict, Verdict::not_delivered);
    EXPECT_EQ(out.result.error, error::recipients_deferred);  // the 452 may pass later
    EXPECT_EQ(out.result.error, condition::transient);
}

TEST_P(EveryForm, AFailedSessionIsAnError) {
    const Outcome out = send_with(GetParam(), losing_the_connection());
    EXPECT_EQ(out.ec, error::connection_closed);
    EXPECT_EQ(out.ec, condition::transient);
    EXPECT_FALSE(out.result.delivered());
}

INSTANTIATE_TEST_SUITE_P(Forms, EveryForm,
                         ::testing::Values(Form::throwing, Form::error_code, Form::async),
                         [](const auto& info) {
                             switch (info.param) {
                                 case Form::throwing:
                                     return "throwing";
                                 case Form::error_code:
                                     return "error_code";
                                 case Form::async:
                                     return "async";
                             }
                             return "";
                         });

// --- the deadline ---------------------------------------------------------------------

TEST(Deadline, ATricklingServerCannotHoldConnectForever) {
    // One octet every 200 ms: each read is well within the 1 s timeout, so
    // without a deadline the greeting alone would take 8 s.
    ScriptServer server(Script().send_split("220 mx.test ESMTP at a snail's pace\r\n", 1,
                                            std::chrono::milliseconds(200)),
                        std::chrono::milliseconds(15000));
    Client client;
    ConnectOptions options = esmtp_options(std::chrono::seconds(1));
    options.deadline = std::chrono::milliseconds(1200);
    Stopwatch watch;
    std::error_code ec;
    client.connect("127.0.0.1", server.port(), options, ec);
    EXPECT_EQ(ec, error::deadline_exceeded);
    EXPECT_EQ(ec, condition::timeout);
    EXPECT_EQ(ec, condition::transient);
    EXPECT_GE(watch.elapsed(), std::chrono::milliseconds(1100));
    EXPECT_LT(watch.elapsed(), std::chrono::milliseconds(2500));
    EXPECT_FALSE(client.connected());
}

TEST(Deadline, EachCallHasItsOwn) {
    // Replies come 400 ms late: every call finishes within its own 1 s
    // deadline, though the session as a whole takes longer.
    const auto late = std::chrono::milliseconds(400);
    ScriptServer server(Script()
                            .delay(late)
                            .greet()
                            .expect("EHLO")
                            .delay(late)
                            .send("250 mx.test\r\n")
                            .expect("NOOP")
                            .delay(late)
                            .send("250 ok\r\n")
                            .expect("NOOP")
                            .delay(late)
                            .send("250 ok\r\n")
                            .quit());
    Client client;
    ConnectOptions options = esmtp_options();
    options.deadline = std::chrono::milliseconds(1000);
    client.connect("127.0.0.1", server.port(), options);
    EXPECT_EQ(client.noop().code, 250);
    EXPECT_EQ(client.noop().code, 250);
    client.quit();
    expect_server_done(server);
}

// --- per-operation cancellation ---------------------------------------------------------

Script stalling_noop() {
    return Script::esmtp().expect("NOOP").stall();
}

TEST(PerOperationCancellation, AwaitableOperatorsRacingATimer) {
    using namespace asio::experimental::awaitable_operators;
    ScriptServer server(stalling_noop());
    asio::io_context io;
    Client client(io.get_executor());
    std::optional<std::error_code> noop_ec;
    bool timer_won = false;
    Stopwatch watch;
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
            co_await client.async_connect("127.0.0.1", server.port(), esmtp_options(),
                                          asio::use_awaitable);
            asio::steady_timer timer(io, std::chrono::milliseconds(200));
            auto raced =
                co_await (client.async_noop(asio::experimental::as_tuple(asio::use_awaitable)) ||
                          timer.async_wait(asio::experimental::as_tuple(asio::use_awaitable)));
            timer_won = raced.index() == 1;
        },
        asio::detached);
    // The cancelled operation's own completion: seen through the client.
    io.run();
    EXPECT_TRUE(timer_won);
    EXPECT_LT(watch.elapsed(), std::chrono::milliseconds(1500));  // not the 2 s timeout
    EXPECT_FALSE(client.connected());  // cancelled mid-reply: closed, never reused
    noop_ec = client.last_error();
    EXPECT_EQ(*noop_ec, error::cancelled);
    expect_server_done(server);
}

TEST(PerOperationCancellation, ABoundSlotCancelsThatOperation) {
    ScriptServer server(stalling_noop());
    asio::io_context io;
    Client client(io.get_executor());
    asio::cancellation_signal signal;
    std::optional<std::error_code> noop_ec;
    client.async_connect("127.0.0.1", server.port(), esmtp_options(), [&](std::error_code ec) {
        ASSERT_FALSE(ec) << ec.message();
        client.async_noop(asio::bind_cancellation_slot(
            signal.slot(), [&](std::error_code e, const Reply&) { noop_ec = e; }));
        asio::post(io, [&] { signal.emit(asio::cancellation_type::terminal); });
    });
    Stopwatch watch;
    io.run();
    ASSERT_TRUE(noop_ec.has_value());
    EXPECT_EQ(*noop_ec, error::cancelled);
    EXPECT_LT(watch.elapsed(), std::chrono::milliseconds(1500));
    expect_server_done(server);
}

TEST(PerOperationCancellation, ASlotEmittedAfterItsOperationEndedTouchesNothing) {
    ScriptServer server(Script::esmtp()
                            .expect("NOOP")
                            .send("250 ok\r\n")
                            .expect("NOOP")
                            .send("250 still here\r\n")
                            .quit());
    asio::io_context io;
    Client client(io.get_executor());
    asio::cancellation_signal signal;
    std::error_code first;
    std::error_code second;
    Reply second_reply;
    client.async_connect("127.0.0.1", server.port(), esmtp_options(), [&](std::error_code) {
        client.async_noop(
            asio::bind_cancellation_slot(signal.slot(), [&](std::error_code e, const Reply&) {
                first = e;
                signal.emit(asio::cancellation_type::terminal);  // too late: nothing to cancel
                client.async_noop([&](std::error_code e2, Reply r) {
                    second = e2;
                    second_reply = std::move(r);
                    client.async_quit([](std::error_code) {});
                });
            }));
    });
    io.run();
    EXPECT_FALSE(first) << first.message();
    EXPECT_FALSE(second) << second.message();
    EXPECT_EQ(second_reply.code, 250);
    expect_server_done(server);
}

// --- moved-from clients and foreign threads ----------------------------------------------

TEST(MovedFrom, EveryCallFailsClearly) {
    Client original;
    Client moved = std::move(original);
    std::error_code ec;
    original.connect("127.0.0.1", 25, esmtp_options(), ec);  // NOLINT(bugprone-use-after-move)
    EXPECT_EQ(ec, error::moved_from);
    original.send(envelope_to({"a@example.com"}), message(), ec);
    EXPECT_EQ(ec, error::moved_from);
    original.noop(ec);
    EXPECT_EQ(ec, error::moved_from);
    original.quit(ec);
    EXPECT_EQ(ec, error::moved_from);
    original.disconnect(ec);
    EXPECT_EQ(ec, error::moved_from);
    EXPECT_THROW(original.noop(), smtpkit::system_error);
    EXPECT_THROW(original.set_trace({}), smtpkit::system_error);
    EXPECT_THROW(original.attach_thread(), smtpkit::system_error);
    EXPECT_FALSE(original.connected());
    EXPECT_EQ(original.last_error(), error::moved_from);
    EXPECT_TRUE(original.last_reply().empty());
    EXPECT_TRUE(original.capabilities().empty());
    original.cancel();  // noexcept, and nothing to cancel
    EXPECT_NE(std::string(make_error_code(error::moved_from).message()).find("moved from"),
              std::string::npos);
    // The Client it went to works.
    EXPECT_EQ(moved.owner_thread(), std::this_thread::get_id());
}

TEST(MovedFrom, AsynchronousCallsCompleteWithTheError) {
    asio::io_context io;
    Client original(io.get_executor());
    Client moved = std::move(original);
    std::optional<std::error_code> ec;
    original.async_noop([&](std::error_code e, const Reply&) { ec = e; });  // NOLINT
    std::thread([&] { io.run(); }).join();
    // The handler had no executor of the client's to run on: the system one.
    for (int i = 0; i < 100 && !ec; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ASSERT_TRUE(ec.has_value());
    EXPECT_EQ(*ec, error::moved_from);
}

TEST(ForeignThread, DisconnectSaysItIsNotTheOwner) {
    ScriptServer server(Script::esmtp().quit());
    Client client;
    client.connect("127.0.0.1", server.port(), esmtp_options());
    std::error_code ec;
    bool threw = false;
    std::thread([&] {
        client.disconnect(ec);
        try {
            client.disconnect();
        } catch (const smtpkit::system_error& e) {
            threw = e.code() == error::not_owner;
        }
    }).join();
    EXPECT_EQ(ec, error::not_owner);
    EXPECT_TRUE(threw);
    EXPECT_TRUE(client.connected());  // nothing was closed
    client.quit();
    expect_server_done(server);
}

// --- what connect() heard ----------------------------------------------------------------

TEST(Opening, GreetingAndCapabilitiesNeedNoTrace) {
    ScriptServer server(Script()
                            .send("220-mx.test ESMTP\r\n220 second line\r\n")
                            .ehlo({"PIPELINING", "SIZE 1000"})
                            .quit());
    Client client;
    client.connect("127.0.0.1", server.port(), esmtp_options());
    EXPECT_EQ(client.greeting().code, 220);
    EXPECT_EQ(client.greeting().lines, (std::vector<std::string>{"mx.test ESMTP", "second line"}));
    ASSERT_TRUE(client.opening().before_tls.has_value());
    EXPECT_EQ(client.opening().before_tls->command, "EHLO");
    EXPECT_EQ(client.opening().before_tls->capabilities().size_limit(), 1000u);
    EXPECT_FALSE(client.opening().after_tls.has_value());
    EXPECT_TRUE(client.capabilities_before_tls().empty());  // no STARTTLS happened
    client.quit();
    expect_server_done(server);
}

}  // namespace
}  // namespace smtpkit::test
