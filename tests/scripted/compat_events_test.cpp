// CSmtpClient's events: an asynchronous Connect with an event queue the test
// pumps (every SMTP_EVENT_* kind observed, lParam packed as the seed's), a
// callback target told of a failed Connect, RegisterEvent's one callback per
// kind, DisableEvents, FreezeEvents.
#include <future>
#include <mutex>

#include "scripted/compat_fixture.hpp"
#include "support/server_process.hpp"

namespace smtpkit::test {
namespace {

constexpr UINT kEventMessage = WM_USER + 1;

// Pumps the queue until SMTP_EVENT_CONNECT; returns it (and the kinds seen).
SmtpEventMessage wait_for_connect(SmtpEventQueue& queue, std::vector<UINT>& seen) {
    SmtpEventMessage m;
    while (queue.Get(m, 5000)) {
        seen.push_back(m.nEventId);
        if (m.nEventId == SMTP_EVENT_CONNECT) {
            return m;
        }
    }
    ADD_FAILURE() << "no SMTP_EVENT_CONNECT";
    return {};
}

TEST(CompatEvents, AnAsynchronousConnectWithAQueueObservesEveryKind) {
    Script first = Script().delay(300ms).greet().ehlo({"8BITMIME"});
    first.expect("MAIL FROM:").send("250 ok\r\n").expect("RCPT TO:").send("250 ok\r\n");
    first.expect("DATA").send("354 go\r\n").expect_data().send("250 ok\r\n");
    first.expect("NOOP").stall();
    ScriptServer server(
        {first, Script::esmtp().expect("NOOP").stall(), Script::esmtp().expect("NOOP").close()});
    SmtpEventQueue queue;
    CSmtpClient client;
    client.SetLocalName(helo_name);
    std::vector<UINT> seen;

    ASSERT_TRUE(
        client.Connect("127.0.0.1", server.port(), 2, SMTP_OPTION_EXTENDED, queue, kEventMessage));
    EXPECT_EQ(client.GetStatus(), SMTP_STATUS_CONNECT);
    EXPECT_EQ(client.Command("NOOP"), SMTP_ERROR);  // the greeting is 300 ms away
    EXPECT_ST_ERROR(client, ST_ERROR_OPERATION_WOULD_BLOCK);
    const SmtpEventMessage connected = wait_for_connect(queue, seen);
    EXPECT_EQ(connected.dwError, 0u);
    EXPECT_EQ(connected.uMsg, kEventMessage);
    EXPECT_EQ(connected.pClient, &client);
    EXPECT_EQ(connected.wParam, reinterpret_cast<WPARAM>(&client));
    EXPECT_EQ(LOWORD(connected.lParam), SMTP_EVENT_CONNECT);
    EXPECT_EQ(HIWORD(connected.lParam), 0);
    EXPECT_TRUE(client.IsConnected());
    EXPECT_FALSE(client.IsBlocking());
    EXPECT_EQ(client.GetStatus(), SMTP_STATUS_IDLE);

    EXPECT_EQ(
        client.SendMessage("sender@example.com", "a@example.com", "Subject: async\r\n\r\nbody\r\n"),
        0)
        << hex(client.GetLastError());
    client.SetTimeout(1);
    EXPECT_EQ(client.Command("NOOP"), SMTP_ERROR);
    EXPECT_ST_ERROR(client, ST_ERROR_TIMEOUT);
    for (UINT kind : drain(queue)) {
        seen.push_back(kind);
    }

    // Cancel from another thread ends a stalled call.
    ASSERT_TRUE(
        client.Connect("127.0.0.1", server.port(), 5, SMTP_OPTION_EXTENDED, queue, kEventMessage));
    EXPECT_EQ(wait_for_connect(queue, seen).dwError, 0u);
    std::thread canceller([&] {
        std::this_thread::sleep_for(300ms);
        client.Cancel();
    });
    EXPECT_EQ(client.Command("NOOP"), SMTP_ERROR);
    canceller.join();
    EXPECT_ST_ERROR(client, ST_ERROR_OPERATION_CANCELED);

    // The server closes: DISCONNECT, with why.
    ASSERT_TRUE(
        client.Connect("127.0.0.1", server.port(), 5, SMTP_OPTION_EXTENDED, queue, kEventMessage));
    EXPECT_EQ(wait_for_connect(queue, seen).dwError, 0u);
    EXPECT_EQ(client.Command("NOOP"), SMTP_ERROR);
    EXPECT_ST_ERROR(client, ST_ERROR_CONNECTION_CLOSED);
    SmtpEventMessage disconnect;
    bool told = false;
    for (SmtpEventMessage m; queue.Peek(m);) {
        seen.push_back(m.nEventId);
        if (m.nEventId == SMTP_EVENT_DISCONNECT) {
            disconnect = m;
            told = true;
        }
    }
    ASSERT_TRUE(told);
    EXPECT_EQ(hex(disconnect.dwError), hex(ST_ERROR_CONNECTION_CLOSED));
    EXPECT_EQ(HIWORD(disconnect.lParam), ST_ERROR_CONNECTION_CLOSED & 0xFFFF);

    for (UINT kind :
         {SMTP_EVENT_CONNECT, SMTP_EVENT_DISCONNECT, SMTP_EVENT_READ, SMTP_EVENT_WRITE,
          SMTP_EVENT_TIMEOUT, SMTP_EVENT_CANCEL, SMTP_EVENT_COMMAND, SMTP_EVENT_PROGRESS}) {
        EXPECT_TRUE(has_kind(seen, kind)) << "never saw event " << kind;
    }
    expect_server_done(server);
}

TEST(CompatEvents, ACallbackTargetIsToldOfAFailedConnect) {
    std::promise<SmtpEventMessage> told;
    CSmtpClient client;
    const std::uint16_t closed = free_loopback_port();
    ASSERT_TRUE(client.Connect(
        "127.0.0.1", closed, 2, SMTP_OPTION_NONE,
        [&](const SmtpEventMessage& m) {
            if (m.nEventId == SMTP_EVENT_CONNECT) {
                told.set_value(m);
            }
        },
        kEventMessage));
    auto future = told.get_future();
    ASSERT_EQ(future.wait_for(10s), std::future_status::ready);
    const SmtpEventMessage m = future.get();
    EXPECT_EQ(hex(m.dwError), hex(ST_ERROR_CONNECTION_REFUSED));
    EXPECT_EQ(HIWORD(m.lParam), ST_ERROR_CONNECTION_REFUSED & 0xFFFF);
    while (client.GetStatus() == SMTP_STATUS_CONNECT) {
        std::this_thread::sleep_for(1ms);
    }
    EXPECT_ST_ERROR(client, ST_ERROR_CONNECTION_REFUSED);
    EXPECT_FALSE(client.IsConnected());
}

// What RegisterEvent's callbacks saw, through dwParam.
struct Seen {
    std::mutex mutex;
    std::vector<std::pair<UINT, DWORD>> events;
    void add(UINT kind, DWORD error) {
        std::lock_guard lock(mutex);
        events.emplace_back(kind, error);
    }
    std::size_t count(UINT kind) {
        std::lock_guard lock(mutex);
        return static_cast<std::size_t>(std::count_if(
            events.begin(), events.end(), [&](const auto& e) { return e.first == kind; }));
    }
};

void record(CSmtpClient*, UINT nEventId, DWORD dwError, DWORD_PTR dwParam) {
    reinterpret_cast<Seen*>(dwParam)->add(nEventId, dwError);
}

TEST(CompatEvents, RegisterEventOneCallbackPerKind) {
    ScriptServer server(Script::esmtp()
                            .expect("NOOP")
                            .send("250 one\r\n")
                            .expect("NOOP")
                            .send("250 two\r\n")
                            .expect("NOOP")
                            .send("250 three\r\n")
                            .expect("NOOP")
                            .send("250 four\r\n")
                            .quit());
    Seen first, second;
    CSmtpClient client;
    ASSERT_TRUE(
        client.RegisterEvent(SMTP_EVENT_CONNECT, record, reinterpret_cast<DWORD_PTR>(&first)));
    ASSERT_TRUE(
        client.RegisterEvent(SMTP_EVENT_COMMAND, record, reinterpret_cast<DWORD_PTR>(&first)));
    ASSERT_TRUE(
        client.RegisterEvent(SMTP_EVENT_DISCONNECT, record, reinterpret_cast<DWORD_PTR>(&first)));
    EXPECT_FALSE(client.RegisterEvent(99, record));
    EXPECT_ST_ERROR(client, ST_ERROR_INVALID_PARAMETER);
    ASSERT_TRUE(connect_esmtp(client, server));  // blocking: no target
    EXPECT_TRUE(client.IsConnected());
    EXPECT_EQ(first.count(SMTP_EVENT_CONNECT), 1u);
    EXPECT_EQ(first.count(SMTP_EVENT_COMMAND), 2u);  // greeting, EHLO

    // A later callback replaces the kind's; nullptr removes it.
    ASSERT_TRUE(
        client.RegisterEvent(SMTP_EVENT_COMMAND, record, reinterpret_cast<DWORD_PTR>(&second)));
    EXPECT_EQ(client.Command("NOOP"), 250);
    EXPECT_EQ(first.count(SMTP_EVENT_COMMAND), 2u);
    EXPECT_EQ(second.count(SMTP_EVENT_COMMAND), 1u);

    // Frozen: held, in order, until thawed.
    ASSERT_TRUE(client.FreezeEvents(TRUE));
    EXPECT_EQ(client.Command("NOOP"), 250);
    EXPECT_EQ(second.count(SMTP_EVENT_COMMAND), 1u);
    ASSERT_TRUE(client.FreezeEvents(FALSE));
    EXPECT_EQ(second.count(SMTP_EVENT_COMMAND), 2u);

    ASSERT_TRUE(client.DisableEvents());
    EXPECT_EQ(client.Command("NOOP"), 250);
    EXPECT_EQ(second.count(SMTP_EVENT_COMMAND), 2u);
    ASSERT_TRUE(client.EnableEvents());
    ASSERT_TRUE(client.RegisterEvent(SMTP_EVENT_COMMAND, nullptr));
    EXPECT_EQ(client.Command("NOOP"), 250);
    EXPECT_EQ(second.count(SMTP_EVENT_COMMAND), 2u);

    EXPECT_TRUE(client.Disconnect());  // the application's own close: no DISCONNECT
    EXPECT_EQ(first.count(SMTP_EVENT_DISCONNECT), 0u);
    expect_server_done(server);
}

}  // namespace
}  // namespace smtpkit::test
