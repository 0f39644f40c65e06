// MessageSource against a scripted server: a restartable source reads from
// its start for every send; a one-shot one is sent once and refused after
// that before anything of it is written; a source that ends early, grows or
// fails to read is abandoned, never ended (BDAT: RSET and the session goes
// on; DATA: the connection is dropped).
#include <cerrno>
#include <sstream>

#include "scripted/client_fixture.hpp"

namespace smtpkit::test {
namespace {

// `total` octets of text in lines of 50, whatever `declared` says.
MessageSource text_source(std::size_t total, std::optional<std::uint64_t> declared) {
    return MessageSource::from_opener(
        [total](std::error_code&) -> MessageSource::Reader {
            return
                [total, at = std::size_t{0}](char* buf, std::size_t n, std::error_code&) mutable {
                    const std::size_t k = std::min(n, total - at);
                    for (std::size_t i = 0; i < k; ++i, ++at) {
                        buf[i] = at % 50 == 48 ? '\r' : at % 50 == 49 ? '\n' : 'x';
                    }
                    return k;
                };
        },
        declared, ContentClass::seven_bit);
}

ConnectOptions chunked(std::size_t chunk_size) {
    ConnectOptions o = esmtp_options();
    o.transfer.chunk_size = chunk_size;
    return o;
}

TEST(MessageSource, CopiesAreIndependentAndEachSendStartsAtTheBeginning) {
    const MessageSource a = MessageSource::from_string("Subject: x\r\n\r\nbody\r\n");
    const MessageSource b = a;  // NOLINT(performance-unnecessary-copy-initialization): the point
    std::error_code ec;
    for (const MessageSource* s : {&a, &b, &a}) {
        MessageSource::Reader reader = s->open(ec);
        ASSERT_FALSE(ec);
        char buf[64];
        EXPECT_EQ(reader(buf, sizeof buf, ec), 20u);
    }
    EXPECT_TRUE(a.restartable());
    EXPECT_EQ(a.size(), 20u);
}

TEST(MessageSource, AOneShotReaderIsClaimedByItsFirstReadAndReleasedIfUnread) {
    const MessageSource once =
        MessageSource::from_reader([](char* buf, std::size_t, std::error_code&) {
            buf[0] = 'x';
            return std::size_t{1};
        });
    EXPECT_FALSE(once.restartable());
    std::error_code ec;
    {
        MessageSource::Reader unread = once.open(ec);
        ASSERT_FALSE(ec);
        const MessageSource copy = once;
        copy.open(ec);  // held by the first, even through a copy
        EXPECT_EQ(ec, error::source_already_read);
    }
    MessageSource::Reader reader = once.open(ec);  // given back unread
    ASSERT_FALSE(ec);
    char c = 0;
    EXPECT_EQ(reader(&c, 1, ec), 1u);
    reader = {};
    once.open(ec);
    EXPECT_EQ(ec, error::source_already_read);
}

TEST(MessageSource, OneShotSourceInABatchIsSentOnceAndRefusedAfter) {
    std::istringstream stream(message_text);
    const MessageSource once = MessageSource::from_stream(stream);
    Script s = Script::esmtp({"PIPELINING", "8BITMIME"})
                   .expect("MAIL FROM:")
                   .expect("RCPT TO:")
                   .expect("DATA")
                   .send("250 ok\r\n250 ok\r\n354 go\r\n")
                   .expect_data()
                   .send("250 2.0.0 queued\r\n")
                   .quit();
    ScriptServer server(s);
    Client client;
    client.connect("127.0.0.1", server.port(), esmtp_options());
    const Envelope e = envelope_to({"rcpt@example.com"});
    std::error_code ec;
    const std::vector<SendResult> results = client.send_many({{e, once}, {e, once}, {e, once}}, ec);
    EXPECT_FALSE(ec) << ec.message();
    ASSERT_EQ(results.size(), 3u);
    EXPECT_TRUE(results[0].delivered());
    for (std::size_t i : {1u, 2u}) {
        EXPECT_EQ(results[i].error, error::source_already_read) << i;
        EXPECT_EQ(results[i].verdict, Verdict::not_delivered) << i;
        EXPECT_EQ(results[i].round_trips, 0u) << i;
    }
    client.quit();
    expect_server_done(server);
    EXPECT_EQ(server.count("MAIL"), 1u);  // nothing of the other two was written
    EXPECT_EQ(server.messages(), (std::vector<std::string>{message_text}));
}

TEST(MessageSource, EndingEarlyOverBdatIsDiscardedWithRsetAndTheSessionGoesOn) {
    // A full chunk of 1,000 octets, then the source ends at 2,000 of the
    // 5,000 it declared: the second chunk is never sent, nor any LAST, and
    // RSET discards the first.
    Script s = Script::esmtp({"PIPELINING", "CHUNKING", "8BITMIME"})
                   .expect("MAIL FROM:")
                   .expect("RCPT TO:")
                   .expect_bdat()
                   .send("250 ok\r\n250 ok\r\n250 1000 octets\r\n")
                   .expect("RSET")
                   .send("250 reset\r\n")
                   .expect("NOOP")
                   .send("250 ok\r\n")
                   .quit();
    ScriptServer server(s);
    Client client;
    client.connect("127.0.0.1", server.port(), chunked(1000));
    std::error_code ec;
    const SendResult r =
        client.send(envelope_to({"rcpt@example.com"}), text_source(2000, 5000), ec);
    EXPECT_EQ(ec, error::source_truncated);
    EXPECT_EQ(r.error, error::source_truncated);
    EXPECT_EQ(r.verdict, Verdict::not_delivered);
    EXPECT_NE(client.last_error_detail().find("2000 of the 5000"), std::string::npos)
        << client.last_error_detail();
    EXPECT_TRUE(client.connected());
    EXPECT_EQ(client.noop().code, 250);
    client.quit();
    expect_server_done(server);
    EXPECT_FALSE(has_substr(server.received(), "LAST"));
    EXPECT_TRUE(server.messages().empty());
}

TEST(MessageSource, GrowingPastItsSizeOverDataDropsTheConnection) {
    Script s = Script::esmtp({"PIPELINING", "8BITMIME"})
                   .expect("MAIL FROM:")
                   .expect("RCPT TO:")
                   .expect("DATA")
                   .send("250 ok\r\n250 ok\r\n354 go\r\n")
                   .stall();  // reads what comes until the client closes
    ScriptServer server(s);
    Client client;
    client.connect("127.0.0.1", server.port(), chunked(1000));
    std::error_code ec;
    const SendResult r =
        client.send(envelope_to({"rcpt@example.com"}), text_source(5000, 2500), ec);
    EXPECT_EQ(ec, error::source_grew);
    EXPECT_EQ(r.verdict, Verdict::not_delivered);
    EXPECT_FALSE(client.connected());
    expect_server_done(server);
    EXPECT_FALSE(has_substr(server.received(), "\r\n.\r\n"));  // never ended
}

TEST(MessageSource, AReadErrorOverDataDropsTheConnectionAndSaysWhy) {
    const MessageSource failing = MessageSource::from_reader(
        [calls = 0](char* buf, std::size_t n, std::error_code& ec) mutable -> std::size_t {
            if (++calls > 2) {
                ec = std::error_code(EIO, std::generic_category());
                return 0;
            }
            std::fill_n(buf, std::min<std::size_t>(n, 600), 'y');
            return std::min<std::size_t>(n, 600);
        });
    Script s = Script::esmtp({"PIPELINING", "8BITMIME"})
                   .expect("MAIL FROM:")
                   .expect("RCPT TO:")
                   .expect("DATA")
                   .send("250 ok\r\n250 ok\r\n354 go\r\n")
                   .stall();
    ScriptServer server(s);
    Client client;
    client.connect("127.0.0.1", server.port(), chunked(1000));
    std::error_code ec;
    const SendResult r = client.send(envelope_to({"rcpt@example.com"}), failing, ec);
    EXPECT_EQ(ec, error::source_read_failed);
    EXPECT_EQ(r.verdict, Verdict::not_delivered);
    EXPECT_NE(client.last_error_detail().find("Input/output error"), std::string::npos)
        << client.last_error_detail();
    EXPECT_FALSE(client.connected());
    expect_server_done(server);
    EXPECT_FALSE(has_substr(server.received(), "\r\n.\r\n"));
}

}  // namespace
}  // namespace smtpkit::test
