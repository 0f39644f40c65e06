// Events: the order of a whole session, Command per reply, Progress rising to
// the total on DATA and BDAT, the per-kind switches, freezing, Timeout, and
// transfer_status() after a send.
#include <gmock/gmock.h>

#include <mutex>

#include "scripted/client_fixture.hpp"

namespace smtpkit::test {
namespace {

using ::testing::ElementsAre;

// Everything the handler saw, safe to read after the client is done.
struct Recorder {
    std::mutex mutex;
    std::vector<Event> events;

    EventHandler handler() {
        return [this](const Event& e) {
            std::lock_guard lock(mutex);
            events.push_back(e);
        };
    }
    // The kinds, without Read and Write (their number depends on timing).
    std::vector<std::string> story() {
        std::lock_guard lock(mutex);
        std::vector<std::string> out;
        for (const auto& e : events) {
            if (e.kind == EventKind::read || e.kind == EventKind::write) {
                continue;
            }
            std::string s = to_string(e.kind);
            if (e.kind == EventKind::command) {
                s += " " + e.command + " " + std::to_string(e.reply.code);
            }
            if (e.kind == EventKind::progress) {
                s = "progress";
                if (!out.empty() && out.back() == s) {
                    continue;  // one entry for a run of Progress events
                }
            }
            out.push_back(s);
        }
        return out;
    }
    std::vector<Event> of(EventKind kind) {
        std::lock_guard lock(mutex);
        std::vector<Event> out;
        for (const auto& e : events) {
            if (e.kind == kind) {
                out.push_back(e);
            }
        }
        return out;
    }
};

// Progress rises (never falls), starts at 0 and ends exactly at the total.
void expect_progress_to(const std::vector<Event>& progress, std::uint64_t total) {
    ASSERT_GE(progress.size(), 2U);
    EXPECT_EQ(progress.front().bytes, 0U);
    for (std::size_t i = 1; i < progress.size(); ++i) {
        EXPECT_GE(progress[i].bytes, progress[i - 1].bytes) << "at " << i;
        EXPECT_EQ(progress[i].total, total);
    }
    EXPECT_EQ(progress.back().bytes, total);
    EXPECT_EQ(progress.back().total, total);
}

// Content goes in chunks of this size, so that Progress has steps to show.
ConnectOptions chunked_options() {
    ConnectOptions options = esmtp_options();
    options.transfer.chunk_size = 16 * 1024;
    return options;
}

std::string large_message(std::size_t size) {
    std::string m = "Subject: big\r\n\r\n";
    while (m.size() + 100 < size) {
        m += std::string(98, 'x') + "\r\n";
    }
    m += std::string(size - m.size() - 2, 'y') + "\r\n";
    return m;
}

TEST(Events, AWholeSessionInOrder) {
    ScriptServer server(Script::esmtp({"8BITMIME"})
                            .expect("MAIL FROM")
                            .send("250 2.1.0 ok\r\n")
                            .expect("RCPT TO")
                            .send("250 2.1.5 ok\r\n")
                            .expect("DATA")
                            .send("354 go\r\n")
                            .expect_data()
                            .send("250 2.0.0 queued\r\n")
                            .quit());
    Recorder recorder;
    Client client;
    client.set_event_handler(recorder.handler());
    client.connect("127.0.0.1", server.port(), chunked_options());
    const std::string text = large_message(200'000);
    const auto result =
        client.send(envelope_to({"rcpt@example.com"}), MessageSource::from_string(text));
    EXPECT_TRUE(result.delivered());
    client.quit();
    EXPECT_THAT(recorder.story(),
                ElementsAre("connect", "command  220", "command EHLO 250", "command MAIL 250",
                            "command RCPT 250", "command DATA 354", "progress", "command DATA 250",
                            "command QUIT 221", "disconnect"));
    expect_progress_to(recorder.of(EventKind::progress), text.size());
    EXPECT_GT(recorder.of(EventKind::progress).size(), 3U) << "more than start and end";
    // Read and Write count every octet that crossed.
    std::uint64_t written = 0;
    for (const auto& e : recorder.of(EventKind::write)) {
        written += e.bytes;
    }
    EXPECT_GT(written, text.size());
    EXPECT_FALSE(recorder.of(EventKind::read).empty());
    expect_server_done(server);
}

TEST(Events, ProgressOnTheBdatPathEndsAtTheTotal) {
    ScriptServer server(Script::esmtp({"PIPELINING", "CHUNKING"})
                            .expect("MAIL FROM")
                            .expect("RCPT TO")
                            .expect_bdat()
                            .send("250 2.1.0 ok\r\n250 2.1.5 ok\r\n250 2.0.0 chunk\r\n")
                            .expect_bdat()
                            .send("250 2.0.0 chunk\r\n")
                            .expect_bdat()
                            .send("250 2.0.0 queued\r\n")
                            .quit());
    Recorder recorder;
    Client client;
    client.set_event_handler(recorder.handler());
    ConnectOptions options = esmtp_options();
    options.transfer.chunk_size = 40'000;
    client.connect("127.0.0.1", server.port(), options);
    const std::string text = large_message(100'000);
    EXPECT_TRUE(client.send(envelope_to({"rcpt@example.com"}), MessageSource::from_string(text))
                    .delivered());
    client.quit();
    const auto progress = recorder.of(EventKind::progress);
    expect_progress_to(progress, text.size());
    EXPECT_EQ(progress.size(), 4U) << "0, then one per chunk of three";
    expect_server_done(server);
}

TEST(Events, ProgressWithAnUnknownSizeEndsAtWhatWasSent) {
    ScriptServer server(Script::esmtp()
                            .expect("MAIL FROM")
                            .send("250 ok\r\n")
                            .expect("RCPT TO")
                            .send("250 ok\r\n")
                            .expect("DATA")
                            .send("354 go\r\n")
                            .expect_data()
                            .send("250 queued\r\n")
                            .quit());
    Recorder recorder;
    Client client;
    client.set_event_handler(recorder.handler());
    client.connect("127.0.0.1", server.port(), esmtp_options());
    const std::string text = large_message(30'000);
    std::size_t at = 0;
    MessageSource unsized = MessageSource::from_reader(
        [&](char* buf, std::size_t n, std::error_code&) {
            const std::size_t k = std::min(n, text.size() - at);
            std::copy_n(text.data() + at, k, buf);
            at += k;
            return k;
        },
        std::nullopt);
    EXPECT_TRUE(client.send(envelope_to({"rcpt@example.com"}), std::move(unsized)).delivered());
    client.quit();
    const auto progress = recorder.of(EventKind::progress);
    ASSERT_FALSE(progress.empty());
    EXPECT_EQ(progress.back().bytes, text.size());
    EXPECT_EQ(progress.back().total, text.size());
    EXPECT_EQ(client.transfer_status().total, 0U) << "not known beforehand";
    EXPECT_EQ(client.transfer_status().copied, text.size());
    expect_server_done(server);
}

TEST(Events, DisabledKindsAreNotDelivered) {
    ScriptServer server(Script::esmtp().expect("NOOP").send("250 ok\r\n").quit());
    Recorder recorder;
    Client client;
    client.set_event_handler(recorder.handler());
    client.enable_events(false);
    client.enable_event(EventKind::command, true);
    EXPECT_FALSE(client.event_enabled(EventKind::connect));
    client.connect("127.0.0.1", server.port(), esmtp_options());
    client.noop();
    client.quit();
    EXPECT_THAT(recorder.story(), ElementsAre("command  220", "command EHLO 250",
                                              "command NOOP 250", "command QUIT 221"));
    expect_server_done(server);
}

TEST(Events, FrozenEventsAreHeldAndDeliveredInOrderOnUnfreeze) {
    ScriptServer server(Script::esmtp().expect("NOOP").send("250 ok\r\n").quit());
    Recorder recorder;
    Client client;
    client.set_event_handler(recorder.handler());
    client.enable_event(EventKind::read, false);
    client.enable_event(EventKind::write, false);
    client.connect("127.0.0.1", server.port(), esmtp_options());
    client.freeze_events(true);
    client.noop();
    EXPECT_EQ(recorder.story().size(), 3U) << "nothing new while frozen";
    client.freeze_events(false);
    EXPECT_THAT(recorder.story(),
                ElementsAre("connect", "command  220", "command EHLO 250", "command NOOP 250"));
    client.quit();
    expect_server_done(server);
}

TEST(Events, ASilentServerGivesATimeoutEvent) {
    ScriptServer server(Script::esmtp().expect("NOOP").stall());
    Recorder recorder;
    Client client;
    client.set_event_handler(recorder.handler());
    client.connect("127.0.0.1", server.port(), esmtp_options(std::chrono::seconds(1)));
    std::error_code ec;
    client.noop(ec);
    EXPECT_EQ(ec, error::timeout);
    const auto timeouts = recorder.of(EventKind::timeout);
    ASSERT_EQ(timeouts.size(), 1U);
    EXPECT_EQ(timeouts[0].ec, error::timeout);
    const auto disconnects = recorder.of(EventKind::disconnect);
    ASSERT_EQ(disconnects.size(), 1U);
    EXPECT_EQ(disconnects[0].ec, error::timeout);
}

TEST(Events, AConnectionThatCannotOpenGivesAConnectEventWithTheError) {
    Recorder recorder;
    Client client;
    client.set_event_handler(recorder.handler());
    std::error_code ec;
    // A listener made and closed again: nothing listens on its port now.
    std::uint16_t port = 0;
    {
        ScriptServer gone(Script().close());
        port = gone.port();
        client.connect("127.0.0.1", port, esmtp_options(), ec);  // greeting never comes
    }
    const auto connects = recorder.of(EventKind::connect);
    ASSERT_EQ(connects.size(), 1U);
    EXPECT_FALSE(connects[0].ec) << "the connection opened";
    EXPECT_TRUE(ec);
    EXPECT_EQ(recorder.of(EventKind::disconnect).size(), 1U);
}

TEST(TransferStatus, AfterASendCountsEveryOctet) {
    ScriptServer server(Script::esmtp()
                            .expect("MAIL FROM")
                            .send("250 ok\r\n")
                            .expect("RCPT TO")
                            .send("250 ok\r\n")
                            .expect("DATA")
                            .send("354 go\r\n")
                            .expect_data()
                            .send("250 queued\r\n")
                            .quit());
    Client client;
    EXPECT_FALSE(client.transfer_status().active);
    client.connect("127.0.0.1", server.port(), chunked_options());
    const std::string text = large_message(300'000);
    TransferStatus during;
    client.set_event_handler([&](const Event& e) {
        if (e.kind == EventKind::progress && e.bytes > 0 && e.bytes < e.total) {
            during = client.transfer_status();
        }
    });
    EXPECT_TRUE(client.send(envelope_to({"rcpt@example.com"}), MessageSource::from_string(text))
                    .delivered());
    EXPECT_TRUE(during.active);
    EXPECT_EQ(during.total, text.size());
    EXPECT_GT(during.copied, 0U);
    EXPECT_LT(during.copied, text.size());

    const TransferStatus after = client.transfer_status();
    EXPECT_FALSE(after.active);
    EXPECT_EQ(after.total, text.size());
    EXPECT_EQ(after.copied, text.size());
    EXPECT_GT(after.bytes_per_second, 0U);
    EXPECT_EQ(after.estimated.count(), 0);
    client.quit();
    expect_server_done(server);
}

}  // namespace
}  // namespace smtpkit::test
