// CSmtpClient's thread model: the creating thread owns the instance; another
// thread's call fails with ST_ERROR_NOT_HANDLE_OWNER, reported to that
// thread only, and sends nothing; AttachThread moves ownership by the
// seed's thread numbers; FREETHREAD lets any thread call; Cancel,
// IsBlocking and GetStatus work from anywhere.
#include <atomic>

#include "scripted/compat_fixture.hpp"

namespace smtpkit::test {
namespace {

template <class F>
void on_another_thread(F f) {
    std::thread t(std::move(f));
    t.join();
}

TEST(CompatThreads, AnotherThreadIsRefusedAndTheOwnerKeepsItsError) {
    ScriptServer server(Script::esmtp().expect("NOOP").send("250 ok\r\n").quit());
    CSmtpClient client;
    ASSERT_TRUE(connect_esmtp(client, server));
    on_another_thread([&] {
        EXPECT_EQ(client.SendMessage("sender@example.com", "a@example.com", "Subject: x\r\n\r\n"),
                  SMTP_ERROR);
        EXPECT_ST_ERROR(client, ST_ERROR_NOT_HANDLE_OWNER);
        EXPECT_EQ(client.Command("NOOP"), SMTP_ERROR);
        EXPECT_FALSE(client.Disconnect());
        EXPECT_FALSE(client.IsConnected());
        EXPECT_EQ(client.GetLastErrorCode(), error::not_owner);
    });
    EXPECT_EQ(client.GetLastError(), 0u);  // the owner's is untouched
    EXPECT_TRUE(client.IsConnected());
    EXPECT_EQ(client.Command("NOOP"), 250);
    EXPECT_TRUE(client.Disconnect());
    expect_server_done(server);
    EXPECT_FALSE(server.saw("MAIL"));
}

TEST(CompatThreads, AttachThreadMovesOwnershipByThreadNumber) {
    ScriptServer server(Script::esmtp()
                            .expect("NOOP")
                            .send("250 worker\r\n")
                            .expect("NOOP")
                            .send("250 owner again\r\n")
                            .quit());
    CSmtpClient client;
    ASSERT_TRUE(connect_esmtp(client, server));
    const DWORD main_thread = GetCurrentThreadId();
    EXPECT_NE(main_thread, 0u);
    EXPECT_EQ(GetCurrentThreadId(), main_thread);  // stable
    on_another_thread([&] {
        EXPECT_NE(GetCurrentThreadId(), main_thread);
        EXPECT_EQ(client.AttachThread(), main_thread);  // 0: the calling thread
        EXPECT_EQ(client.Command("NOOP"), 250);
        EXPECT_EQ(client.AttachThread(main_thread), GetCurrentThreadId());
    });
    EXPECT_EQ(client.Command("NOOP"), 250);
    EXPECT_EQ(client.AttachThread(0x7FFFFFFF), 0u);  // no such thread number
    EXPECT_ST_ERROR(client, ST_ERROR_INVALID_PARAMETER);
    EXPECT_TRUE(client.Disconnect());
    expect_server_done(server);
}

TEST(CompatThreads, FreeThreadLetsAnyThreadCall) {
    ScriptServer server(Script::esmtp().expect("NOOP").send("250 ok\r\n").quit());
    CSmtpClient client;
    ASSERT_TRUE(connect_esmtp(client, server, 2, SMTP_OPTION_EXTENDED | SMTP_OPTION_FREETHREAD));
    on_another_thread([&] {
        EXPECT_EQ(client.Command("NOOP"), 250);
        EXPECT_TRUE(client.Disconnect());
    });
    expect_server_done(server);
}

TEST(CompatThreads, CancelIsBlockingAndGetStatusFromAnotherThread) {
    ScriptServer server(Script::esmtp().expect("NOOP").stall());
    CSmtpClient client;
    ASSERT_TRUE(connect_esmtp(client, server, 10));
    EXPECT_FALSE(client.IsBlocking());
    std::atomic<bool> saw_blocking{false};
    std::atomic<INT> status{-1};
    std::thread watcher([&] {
        for (int i = 0; i < 500 && !client.IsBlocking(); ++i) {
            std::this_thread::sleep_for(2ms);
        }
        saw_blocking = client.IsBlocking() != FALSE;
        status = client.GetStatus();
        EXPECT_TRUE(client.Cancel());
    });
    Stopwatch watch;
    EXPECT_EQ(client.Command("NOOP"), SMTP_ERROR);
    watcher.join();
    EXPECT_LT(watch.elapsed(), 5s);
    EXPECT_ST_ERROR(client, ST_ERROR_OPERATION_CANCELED);
    EXPECT_TRUE(saw_blocking);
    EXPECT_EQ(status, SMTP_STATUS_READ);
    EXPECT_FALSE(client.IsBlocking());
    EXPECT_FALSE(client.IsConnected());
    expect_server_done(server);
}

}  // namespace
}  // namespace smtpkit::test
