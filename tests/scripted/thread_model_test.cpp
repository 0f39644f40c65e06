// The thread model and cancel(): a client answers only its owner thread
// (unless free_thread), ownership moves with attach_thread(), and cancel()
// from another thread ends the call in progress within 100 ms, closing the
// connection.
#include <future>
#include <thread>

#include <gmock/gmock.h>

#include "scripted/client_fixture.hpp"

namespace smtpkit::test {
namespace {

constexpr auto cancel_after = 200ms;
constexpr auto prompt = 100ms;

using Clock = std::chrono::steady_clock;

// Runs `call` on another thread and returns its error.
template <class Call>
std::error_code on_other_thread(Call call) {
    std::error_code ec;
    std::thread t([&] { ec = call(); });
    t.join();
    return ec;
}

// Calls client.cancel() from another thread after `delay`; get() gives when.
std::future<Clock::time_point> cancel_later(Client& client, std::chrono::milliseconds delay) {
    return std::async(std::launch::async, [&client, delay] {
        std::this_thread::sleep_for(delay);
        const auto when = Clock::now();
        client.cancel();
        return when;
    });
}

Script noop_then_quit() {
    return Script::esmtp().expect("NOOP").send("250 2.0.0 ok\r\n").quit();
}

TEST(ThreadModel, AnotherThreadIsRefusedWithNotOwnerAndChangesNothing) {
    ScriptServer server(noop_then_quit());
    Client client;
    client.connect("127.0.0.1", server.port(), esmtp_options());
    const Reply before = client.last_reply();

    EXPECT_EQ(on_other_thread([&] {
                  std::error_code ec;
                  client.noop(ec);
                  return ec;
              }),
              error::not_owner);
    EXPECT_EQ(on_other_thread([&] {
                  try {
                      client.send(envelope_to({"a@example.com"}), message());
                  } catch (const system_error& e) {
                      return e.code();
                  }
                  return std::error_code{};
              }),
              error::not_owner);
    EXPECT_FALSE(client.last_error()) << "a refused call must not touch the client";
    EXPECT_EQ(client.last_reply().lines, before.lines);
    EXPECT_TRUE(client.connected());

    // The owner goes on as if nothing happened: the server saw no command.
    EXPECT_EQ(client.noop().code, 250);
    client.quit();
    EXPECT_TRUE(server.wait_done());
    EXPECT_THAT(server.mismatches(), ::testing::IsEmpty());
}

TEST(ThreadModel, AttachThreadMovesOwnershipAndReturnsThePreviousOwner) {
    ScriptServer server(Script::esmtp()
                            .expect("NOOP")
                            .send("250 2.0.0 worker\r\n")
                            .expect("NOOP")
                            .send("250 2.0.0 owner again\r\n")
                            .quit());
    Client client;
    client.connect("127.0.0.1", server.port(), esmtp_options());
    const auto main_id = std::this_thread::get_id();
    EXPECT_EQ(client.owner_thread(), main_id);

    std::thread::id previous;
    int worker_code = 0;
    std::thread worker([&] {
        previous = client.attach_thread();  // the worker takes over
        worker_code = client.noop().code;
    });
    worker.join();
    EXPECT_EQ(previous, main_id);
    EXPECT_EQ(worker_code, 250);

    std::error_code ec;
    client.noop(ec);
    EXPECT_EQ(ec, error::not_owner) << "the old owner lost the client";
    client.attach_thread(main_id);
    EXPECT_EQ(client.noop().lines.front(), "2.0.0 owner again");
    client.quit();
    EXPECT_TRUE(server.wait_done());
    EXPECT_THAT(server.mismatches(), ::testing::IsEmpty());
}

TEST(ThreadModel, FreeThreadLetsAnyThreadCall) {
    ScriptServer server(noop_then_quit());
    Client client;
    ConnectOptions options = esmtp_options();
    options.options |= Option::free_thread;
    client.connect("127.0.0.1", server.port(), options);
    int code = 0;
    std::thread t([&] { code = client.noop().code; });
    t.join();
    EXPECT_EQ(code, 250);
    client.quit();
    EXPECT_TRUE(server.wait_done());
    EXPECT_THAT(server.mismatches(), ::testing::IsEmpty());
}

TEST(ThreadModel, ConnectFromAnotherThreadNeedsFreeThread) {
    ScriptServer server(Script::esmtp().quit());
    Client client;
    EXPECT_EQ(on_other_thread([&] {
                  std::error_code ec;
                  client.connect("127.0.0.1", server.port(), esmtp_options(), ec);
                  return ec;
              }),
              error::not_owner);
    EXPECT_FALSE(client.connected());
    ConnectOptions options = esmtp_options();
    options.options |= Option::free_thread;
    EXPECT_FALSE(on_other_thread([&] {
        std::error_code ec;
        client.connect("127.0.0.1", server.port(), options, ec);
        return ec;
    }));
    client.quit();
    EXPECT_TRUE(server.wait_done());
}

TEST(Cancel, DuringAStalledReplyEndsTheCallPromptlyAndCloses) {
    ScriptServer server(Script::esmtp().expect("NOOP").stall());
    Client client;
    client.connect("127.0.0.1", server.port(), esmtp_options(std::chrono::seconds(10)));
    auto cancelled_at = cancel_later(client, cancel_after);
    std::error_code ec;
    client.noop(ec);
    const auto returned = Clock::now();
    EXPECT_EQ(ec, error::cancelled) << ec.message();
    EXPECT_LT(returned - cancelled_at.get(), prompt);
    EXPECT_FALSE(client.connected()) << "a cancelled session must never be reused";
    EXPECT_EQ(client.last_error(), error::cancelled);
}

TEST(Cancel, DuringConnectWaitingForTheGreeting) {
    ScriptServer server(Script().stall());
    Client client;
    auto cancelled_at = cancel_later(client, cancel_after);
    std::error_code ec;
    client.connect("127.0.0.1", server.port(), esmtp_options(std::chrono::seconds(10)), ec);
    const auto returned = Clock::now();
    EXPECT_EQ(ec, error::cancelled) << ec.message();
    EXPECT_LT(returned - cancelled_at.get(), prompt);
    EXPECT_FALSE(client.connected());
}

TEST(Cancel, DuringALargeMessageNeverReportsDelivery) {
    ScriptServer server(Script::esmtp()
                            .expect("MAIL")
                            .send("250 ok\r\n")
                            .expect("RCPT")
                            .send("250 ok\r\n")
                            .expect("DATA")
                            .send("354 go\r\n")
                            .stall_silent(Millis(5000)));
    Client client;
    client.connect("127.0.0.1", server.port(), esmtp_options(std::chrono::seconds(10)));
    // Built first: under ThreadSanitizer making 24 MiB takes longer than the
    // delay, and a cancel before the send would (rightly) do nothing.
    MessageSource huge = MessageSource::from_string(huge_message());
    auto cancelled_at = cancel_later(client, std::chrono::milliseconds(500));
    std::error_code ec;
    const SendResult r = client.send(envelope_to({"a@example.com"}), std::move(huge), ec);
    const auto returned = Clock::now();
    EXPECT_EQ(ec, error::cancelled) << ec.message();
    EXPECT_EQ(r.verdict, Verdict::not_delivered) << "the end of data was never sent";
    EXPECT_LT(returned - cancelled_at.get(), prompt);
    EXPECT_FALSE(client.connected());
}

TEST(Cancel, WithoutACallInProgressDoesNothing) {
    ScriptServer server(noop_then_quit());
    Client client;
    client.connect("127.0.0.1", server.port(), esmtp_options());
    std::thread t([&] { client.cancel(); });
    t.join();
    // A cancel that found no call must not be kept for the next one.
    EXPECT_EQ(client.noop().code, 250);
    client.quit();
    EXPECT_TRUE(server.wait_done());
    EXPECT_THAT(server.mismatches(), ::testing::IsEmpty());
}

// A call made while another runs (here from an event handler, on the same
// thread) is refused, never interleaved into the running dialogue.
TEST(ThreadModel, ASecondBlockingCallWhileOneRunsIsRefused) {
    ScriptServer server(noop_then_quit());
    Client client;
    client.connect("127.0.0.1", server.port(), esmtp_options());
    std::vector<std::error_code> nested;
    client.set_event_handler([&](const Event& e) {
        if (e.kind == EventKind::command) {
            std::error_code ec;
            client.noop(ec);
            nested.push_back(ec);
        }
    });
    EXPECT_EQ(client.noop().code, 250);
    ASSERT_FALSE(nested.empty());
    for (const auto& ec : nested) {
        EXPECT_EQ(ec, error::operation_in_progress) << ec.message();
    }
    client.set_event_handler({});
    client.quit();
    EXPECT_TRUE(server.wait_done());
    EXPECT_THAT(server.mismatches(), ::testing::IsEmpty()) << "no nested NOOP reached the server";
}

}  // namespace
}  // namespace smtpkit::test
