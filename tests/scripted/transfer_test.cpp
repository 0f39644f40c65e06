// The transfer extensions end to end against scripted servers that record
// every client write: round trips with and without PIPELINING and CHUNKING,
// send_many windows, refusals mid-stream, and DATA/BDAT equivalence.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "scripted/client_fixture.hpp"
#include "smtpkit/error.hpp"

namespace smtpkit::test {
namespace {

const std::vector<std::string> pipelining_chunking = {"PIPELINING", "CHUNKING", "8BITMIME",
                                                      "BINARYMIME"};

// The client's waits for the message: the server's turns less the one
// before EHLO (the greeting) and the one that brings the first command.
std::size_t message_waits(const ScriptServer& server) {
    return server.turns() - 2;
}

ConnectOptions options_with(TransferOptions transfer) {
    ConnectOptions o = esmtp_options();
    o.transfer = transfer;
    return o;
}

// A source that hands out `total` octets of text slowly, so that replies
// arrive while it streams.
MessageSource slow_source(std::size_t total, std::chrono::milliseconds pause) {
    auto left = std::make_shared<std::size_t>(total);
    return MessageSource::from_reader(
        [left, pause](char* buf, std::size_t n, std::error_code&) -> std::size_t {
            if (*left == 0) {
                return 0;
            }
            std::this_thread::sleep_for(pause);
            const std::size_t count = std::min({n, *left, std::size_t{1000}});
            for (std::size_t i = 0; i < count; ++i) {
                buf[i] = (*left - i) % 50 == 0 ? '\n' : 'x';
            }
            *left -= count;
            return count;
        },
        total, ContentClass::seven_bit);
}

TEST(Transfer, PipeliningAndChunkingOneMessageIsOneWriteAndOneWait) {
    Script s = Script::esmtp({"PIPELINING", "CHUNKING", "SIZE 1000000"});
    s.expect("MAIL FROM:<sender@example.com> SIZE=").expect("RCPT TO:<a@example.com>");
    s.expect_bdat().send("250 2.1.0 ok\r\n250 2.1.5 ok\r\n250 2.0.0 queued\r\n").quit();
    ScriptServer server(s);
    Client client;
    client.connect("127.0.0.1", server.port(), esmtp_options());
    const SendResult r = client.send(envelope_to({"a@example.com"}), message());
    client.quit();
    expect_server_done(server);
    EXPECT_TRUE(r.delivered());
    EXPECT_TRUE(r.chunked);
    EXPECT_EQ(r.round_trips, 1u);
    EXPECT_EQ(message_waits(server), 1u);
    EXPECT_EQ(server.read_index_of("MAIL"), server.read_index_of("BDAT"))
        << "MAIL, RCPT, BDAT and the content arrive in one write";
    EXPECT_EQ(server.read_index_of("MAIL"), server.read_index_of("RCPT"));
    ASSERT_EQ(server.messages().size(), 1u);
    EXPECT_EQ(server.messages()[0], message_text);
}

TEST(Transfer, PipeliningAloneIsTwoWaits) {
    Script s = Script::esmtp({"PIPELINING", "8BITMIME"});
    transaction(s, true,
                {{"MAIL FROM:", "250 ok\r\n"}, {"RCPT TO:", "250 ok\r\n"}, {"DATA", "354 go\r\n"}});
    s.expect_data().send("250 queued\r\n").quit();
    ScriptServer server(s);
    Client client;
    client.connect("127.0.0.1", server.port(), esmtp_options());
    const SendResult r = client.send(envelope_to({"a@example.com"}), message());
    client.quit();
    expect_server_done(server);
    EXPECT_TRUE(r.delivered());
    EXPECT_FALSE(r.chunked);
    EXPECT_EQ(r.round_trips, 2u);
    EXPECT_EQ(message_waits(server), 2u);
    EXPECT_EQ(server.read_index_of("MAIL"), server.read_index_of("DATA"));
}

TEST(Transfer, WithoutPipeliningOneCommandPerWait) {
    for (const bool chunking : {false, true}) {
        Script s = Script::esmtp(chunking ? std::vector<std::string>{"CHUNKING", "8BITMIME"}
                                          : std::vector<std::string>{"8BITMIME"});
        s.expect("MAIL FROM:").send("250 ok\r\n").expect("RCPT TO:").send("250 ok\r\n");
        s.expect("RCPT TO:").send("250 ok\r\n");
        if (chunking) {
            s.expect_bdat().send("250 queued\r\n");
        } else {
            s.expect("DATA").send("354 go\r\n").expect_data().send("250 queued\r\n");
        }
        s.quit();
        ScriptServer server(s);
        Client client;
        client.connect("127.0.0.1", server.port(), esmtp_options());
        const SendResult r =
            client.send(envelope_to({"a@example.com", "b@example.com"}), message());
        client.quit();
        expect_server_done(server);
        EXPECT_TRUE(r.delivered());
        EXPECT_EQ(r.chunked, chunking);
        const std::size_t commands = chunking ? 4u : 5u;
        EXPECT_EQ(r.round_trips, commands) << (chunking ? "BDAT" : "DATA");
        EXPECT_EQ(message_waits(server), commands);
    }
}

TEST(Transfer, SwitchedOffExtensionsAreNotUsed) {
    Script s = Script::esmtp(pipelining_chunking);
    s.expect("MAIL FROM:").send("250 ok\r\n").expect("RCPT TO:").send("250 ok\r\n");
    s.expect("DATA").send("354 go\r\n").expect_data().send("250 queued\r\n").quit();
    ScriptServer server(s);
    Client client;
    client.connect("127.0.0.1", server.port(),
                   options_with(TransferOptions{.pipelining = false, .chunking = false}));
    const SendResult r = client.send(envelope_to({"a@example.com"}), message());
    client.quit();
    expect_server_done(server);
    EXPECT_TRUE(r.delivered());
    EXPECT_FALSE(r.chunked);
    EXPECT_EQ(r.round_trips, 4u);
}

TEST(Transfer, Utf8HeadersSaySmtputf8WhereOffered) {
    const std::string message =
        "From: sender@example.com\r\nSubject: Gr\xC3\xBC\xC3\x9F\xC3\xA9\r\n\r\nhi\r\n";
    for (const bool offered : {true, false}) {
        std::vector<std::string> extensions{"8BITMIME"};
        if (offered) {
            extensions.emplace_back("SMTPUTF8");
        }
        Script s = Script::esmtp(extensions);
        s.expect(offered ? "MAIL FROM:<sender@example.com> BODY=8BITMIME SMTPUTF8"
                         : "MAIL FROM:<sender@example.com> BODY=8BITMIME")
            .send("250 ok\r\n")
            .expect("RCPT TO:")
            .send("250 ok\r\n");
        s.expect("DATA").send("354 go\r\n").expect_data().send("250 queued\r\n").quit();
        ScriptServer server(s);
        Client client;
        client.connect("127.0.0.1", server.port(), esmtp_options());
        const SendResult r =
            client.send(envelope_to({"a@example.com"}), MessageSource::from_string(message));
        client.quit();
        expect_server_done(server);
        EXPECT_TRUE(r.delivered()) << "offered: " << offered;
        const auto lines = server.lines();
        const auto mail = std::find_if(lines.begin(), lines.end(),
                                       [](const std::string& l) { return l.starts_with("MAIL"); });
        ASSERT_NE(mail, lines.end());
        EXPECT_EQ(mail->ends_with(" SMTPUTF8"), offered) << *mail;
    }
}

TEST(Transfer, OverTheSizeLimitNothingIsWritten) {
    Script s = Script::esmtp({"PIPELINING", "SIZE 100"});
    s.quit();
    ScriptServer server(s);
    Client client;
    client.connect("127.0.0.1", server.port(), esmtp_options());
    std::error_code ec;
    const SendResult r = client.send(envelope_to({"a@example.com"}),
                                     MessageSource::from_string(std::string(101, 'x')), ec);
    EXPECT_EQ(ec, error::message_too_large);
    EXPECT_EQ(r.error, error::message_too_large);
    EXPECT_TRUE(client.connected()) << "a refusal before writing keeps the session";
    client.quit();
    expect_server_done(server);
    EXPECT_FALSE(server.saw("MAIL"));
}

TEST(Transfer, EightBitStreamToASevenBitServerIsNeverDelivered) {
    Script s = Script::esmtp({"PIPELINING"});
    transaction(s, true,
                {{"MAIL FROM:", "250 ok\r\n"}, {"RCPT TO:", "250 ok\r\n"}, {"DATA", "354 go\r\n"}});
    s.stall();
    ScriptServer server(s);
    Client client;
    client.connect("127.0.0.1", server.port(), esmtp_options());
    std::istringstream in("Subject: x\r\n\r\ncaf\xC3\xA9\r\n");
    std::error_code ec;
    const SendResult r =
        client.send(envelope_to({"a@example.com"}), MessageSource::from_stream(in), ec);
    EXPECT_EQ(ec, error::content_not_as_declared);
    EXPECT_EQ(r.verdict, Verdict::not_delivered);
    EXPECT_FALSE(client.connected());
    ASSERT_TRUE(server.wait_done());
    EXPECT_FALSE(server.saw(".")) << "no end of data";
    EXPECT_FALSE(server.saw("MAIL FROM:<sender@example.com> BODY"));
}

TEST(Transfer, BdatRefusedMidStreamStopsTheChunksAndResets) {
    Script s = Script::esmtp(pipelining_chunking);
    s.expect("MAIL FROM:").expect("RCPT TO:").expect_bdat();
    s.send("250 ok\r\n250 ok\r\n552 5.3.4 message too big\r\n").discard_bdat();
    s.expect("RSET").send("250 reset\r\n").expect("NOOP").send("250 ok\r\n").quit();
    ScriptServer server(s);
    Client client;
    client.connect("127.0.0.1", server.port(), options_with(TransferOptions{.chunk_size = 1000}));
    std::error_code ec;
    const SendResult r = client.send(envelope_to({"a@example.com"}), slow_source(20'000, 20ms), ec);
    EXPECT_FALSE(ec) << ec.message();  // the refusal is the answer
    EXPECT_EQ(r.error, error::message_refused);
    EXPECT_EQ(r.final_reply.code, 552);
    EXPECT_TRUE(r.chunked);
    EXPECT_EQ(client.noop().code, 250) << "the session goes on";
    client.quit();
    expect_server_done(server);
    EXPECT_LT(server.count("BDAT"), 20u) << "the chunks stop after the refusal";
    EXPECT_FALSE(server.saw("BDAT 1000 LAST"));
    EXPECT_EQ(server.count("RSET"), 1u);
}

TEST(Transfer, ServerClosingBetweenChunks) {
    Script s = Script::esmtp(pipelining_chunking);
    s.expect("MAIL FROM:").expect("RCPT TO:").expect_bdat().close();
    ScriptServer server(s);
    Client client;
    client.connect("127.0.0.1", server.port(), options_with(TransferOptions{.chunk_size = 1000}));
    std::error_code ec;
    const SendResult r = client.send(envelope_to({"a@example.com"}), slow_source(20'000, 20ms), ec);
    EXPECT_TRUE(ec);
    EXPECT_EQ(r.verdict, Verdict::not_delivered);
    EXPECT_FALSE(client.connected());
    ASSERT_TRUE(server.wait_done());
    EXPECT_TRUE(server.messages().empty());
}

// --- send_many ---------------------------------------------------------------

std::vector<OutgoingMessage> numbered_messages(std::size_t count) {
    std::vector<OutgoingMessage> out;
    for (std::size_t i = 0; i < count; ++i) {
        out.push_back({envelope_to({"r" + std::to_string(i) + "@example.com"}),
                       MessageSource::from_string("Subject: " + std::to_string(i) +
                                                  "\r\n\r\nbody " + std::to_string(i) + "\r\n")});
    }
    return out;
}

// Every reply `delay` after the one before.
Script& replies(Script& s, const std::vector<std::string>& lines, Millis delay) {
    for (const auto& l : lines) {
        s.delay(delay).send(l);
    }
    return s;
}

// By default the DATA path waits for each end of data's reply before the next
// MAIL (Haraka and Dovecot's submission server refuse otherwise): two waits a
// message, one for the MAIL/RCPT/DATA group and one for the end of data.
TEST(TransferMany, DataPathWaitsForEachEndOfDataByDefault) {
    constexpr std::size_t count = 5;
    Script s = Script::esmtp({"PIPELINING", "8BITMIME"});
    for (std::size_t i = 0; i < count; ++i) {
        s.expect("MAIL FROM:").expect("RCPT TO:<r" + std::to_string(i) + "@").expect("DATA");
        s.send("250 ok\r\n250 ok\r\n354 go\r\n");
        s.expect_data().send("250 queued " + std::to_string(i) + "\r\n");
    }
    s.quit();
    ScriptServer server(s);
    Client client;
    client.connect("127.0.0.1", server.port(), esmtp_options());
    const std::vector<SendResult> results = client.send_many(numbered_messages(count));
    client.quit();
    expect_server_done(server);
    for (std::size_t i = 0; i < count; ++i) {
        EXPECT_TRUE(results[i].delivered()) << i;
        EXPECT_EQ(results[i].round_trips, 2u) << i;
    }
    EXPECT_EQ(message_waits(server), 2 * count);
}

// Haraka refuses a MAIL pipelined after the end of data with 503 (its defence
// against SMTP smuggling). Asked to pipeline anyway, the client takes the
// hint: the refused message is sent again unpipelined, and so is the rest.
TEST(TransferMany, PipeliningAfterDataRefusedWith503IsSentAgainWithout) {
    Script s = Script::esmtp({"PIPELINING", "8BITMIME"});
    s.expect("MAIL FROM:").expect("RCPT TO:<r0@").expect("DATA");
    s.send("250 ok\r\n250 ok\r\n354 go\r\n");
    s.expect_data().expect("MAIL FROM:").expect("RCPT TO:<r1@").expect("DATA");
    s.send(
        "250 queued 0\r\n503 5.5.0 pipelined after end of DATA\r\n"
        "503 5.5.1 need MAIL\r\n503 5.5.1 need RCPT\r\n");
    for (std::size_t i = 1; i < 3; ++i) {
        s.expect("MAIL FROM:").expect("RCPT TO:<r" + std::to_string(i) + "@").expect("DATA");
        s.send("250 ok\r\n250 ok\r\n354 go\r\n");
        s.expect_data().send("250 queued " + std::to_string(i) + "\r\n");
    }
    s.quit();
    ScriptServer server(s);
    Client client;
    ConnectOptions options = esmtp_options();
    options.transfer.pipeline_after_data = true;
    client.connect("127.0.0.1", server.port(), options);
    std::error_code ec;
    const std::vector<SendResult> results = client.send_many(numbered_messages(3), ec);
    EXPECT_FALSE(ec) << ec.message();
    client.quit();
    expect_server_done(server);
    ASSERT_EQ(results.size(), 3u);
    for (std::size_t i = 0; i < 3; ++i) {
        EXPECT_TRUE(results[i].delivered()) << i << " " << results[i].error.message();
        EXPECT_EQ(results[i].final_reply.lines.at(0), "queued " + std::to_string(i));
    }
    EXPECT_EQ(server.messages().size(), 3u);  // each stored once
}

TEST(TransferMany, DataPathTwentyMessagesInAtMost21WaitsWhenAskedToPipeline) {
    constexpr std::size_t count = 20;
    Script s = Script::esmtp({"PIPELINING", "8BITMIME"});
    s.expect("MAIL FROM:").expect("RCPT TO:<r0@").expect("DATA");
    replies(s, {"250 ok\r\n", "250 ok\r\n", "354 go\r\n"}, 20ms);
    for (std::size_t i = 0; i < count; ++i) {
        s.expect_data();
        if (i + 1 < count) {
            s.expect("MAIL FROM:")
                .expect("RCPT TO:<r" + std::to_string(i + 1) + "@")
                .expect("DATA");
            replies(s,
                    {"250 queued " + std::to_string(i) + "\r\n", "250 ok\r\n", "250 ok\r\n",
                     "354 go\r\n"},
                    20ms);
        } else {
            replies(s, {"250 queued " + std::to_string(i) + "\r\n"}, 20ms);
        }
    }
    s.quit();
    ScriptServer server(s);
    Client client;
    ConnectOptions options = esmtp_options();
    options.transfer.pipeline_after_data = true;
    client.connect("127.0.0.1", server.port(), options);
    const std::vector<SendResult> results = client.send_many(numbered_messages(count));
    client.quit();
    expect_server_done(server);
    ASSERT_EQ(results.size(), count);
    for (std::size_t i = 0; i < count; ++i) {
        EXPECT_TRUE(results[i].delivered()) << i;
        EXPECT_EQ(results[i].final_reply.lines.at(0), "queued " + std::to_string(i));
        EXPECT_LE(results[i].round_trips, 2u) << "waits during its lifetime";
    }
    EXPECT_LE(message_waits(server), 21u);
    EXPECT_GE(message_waits(server), 20u) << "one wait for each 354 at least";
    ASSERT_EQ(server.messages().size(), count);
    EXPECT_EQ(server.messages()[7], "Subject: 7\r\n\r\nbody 7\r\n");
}

// A window of BDAT messages, each after the first preceded by RSET; replies
// `delay` apart. Message `refused` (if any) has its recipient refused.
Script& bdat_window(Script& s, std::size_t first, std::size_t size, std::size_t refused,
                    Millis delay) {
    for (std::size_t i = first; i < first + size; ++i) {
        if (i > first) {
            s.expect("RSET");
        }
        s.expect("MAIL FROM:").expect("RCPT TO:<r" + std::to_string(i) + "@").expect_bdat();
    }
    for (std::size_t i = first; i < first + size; ++i) {
        std::vector<std::string> lines;
        if (i > first) {
            lines.emplace_back("250 reset\r\n");
        }
        lines.emplace_back("250 ok\r\n");
        if (i == refused) {
            lines.emplace_back("550 5.1.1 no such user\r\n");
            lines.emplace_back("554 5.5.1 no valid recipients\r\n");
        } else {
            lines.emplace_back("250 ok\r\n");
            lines.emplace_back("250 queued " + std::to_string(i) + "\r\n");
        }
        replies(s, lines, delay);
    }
    return s;
}

TEST(TransferMany, ChunkingTwentyMessagesInAtMost5Waits) {
    constexpr std::size_t count = 20;
    constexpr std::size_t window = 5;
    constexpr std::size_t refused = 12;  // in the middle of the third window
    Script s = Script::esmtp(pipelining_chunking);
    for (std::size_t first = 0; first < count; first += window) {
        bdat_window(s, first, window, refused, 20ms);
    }
    s.quit();
    ScriptServer server(s);
    Client client;
    client.connect("127.0.0.1", server.port(), options_with(TransferOptions{.window = window}));
    std::error_code ec;
    const std::vector<SendResult> results = client.send_many(numbered_messages(count), ec);
    EXPECT_FALSE(ec) << "a refused message is an answer, not a failure";
    client.quit();
    expect_server_done(server);
    ASSERT_EQ(results.size(), count);
    for (std::size_t i = 0; i < count; ++i) {
        EXPECT_TRUE(results[i].chunked) << i;
        EXPECT_EQ(results[i].round_trips, 1u) << i;
        if (i == refused) {
            EXPECT_EQ(results[i].error, error::no_valid_recipients);
            EXPECT_EQ(results[i].recipients.at(0).reply.code, 550);
            continue;
        }
        EXPECT_TRUE(results[i].delivered()) << i;
        EXPECT_EQ(results[i].final_reply.lines.at(0), "queued " + std::to_string(i))
            << "replies never shift onto another message";
    }
    EXPECT_LE(message_waits(server), 5u);
    EXPECT_EQ(server.messages().size(), count);
}

TEST(TransferMany, SessionFailureLeavesTheRestUndecidedWithTheReason) {
    Script s = Script::esmtp({"PIPELINING", "8BITMIME"});
    transaction(s, true,
                {{"MAIL FROM:", "250 ok\r\n"}, {"RCPT TO:", "250 ok\r\n"}, {"DATA", "354 go\r\n"}});
    s.expect_data().expect("MAIL FROM:").expect("RCPT TO:").expect("DATA");
    s.send("250 queued 0\r\n").close();
    ScriptServer server(s);
    Client client;
    ConnectOptions options = esmtp_options();
    options.transfer.pipeline_after_data = true;
    client.connect("127.0.0.1", server.port(), options);
    std::error_code ec;
    const std::vector<SendResult> results = client.send_many(numbered_messages(4), ec);
    EXPECT_EQ(ec, error::connection_closed);
    ASSERT_EQ(results.size(), 4u);
    EXPECT_TRUE(results[0].delivered());
    for (std::size_t i = 1; i < 4; ++i) {
        EXPECT_EQ(results[i].error, error::connection_closed) << i;
        EXPECT_FALSE(results[i].delivered()) << i;
    }
    ASSERT_TRUE(server.wait_done());
}

// --- DATA and BDAT deliver the same octets -----------------------------------

std::string random_message(std::mt19937& rng) {
    static const std::string pieces[] = {"a",  "text ", ".",     "..",       "\r\n",
                                         "\n", "\r",    "\r\n.", "\xC3\xA9", "\t"};
    std::string m = "Subject: random\r\n\r\n";
    const std::size_t n = rng() % 400;
    for (std::size_t i = 0; i < n; ++i) {
        m += pieces[rng() % std::size(pieces)];
    }
    return m;
}

// What the server must receive: every CR, LF or CRLF as CRLF, and the last
// line ended.
std::string with_crlf(const std::string& text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\r' || text[i] == '\n') {
            out += "\r\n";
            if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
                ++i;
            }
        } else {
            out += text[i];
        }
    }
    if (!out.empty() && out.back() != '\n') {
        out += "\r\n";
    }
    return out;
}

TEST(TransferProperty, DataAndBdatDeliverByteIdenticalMessages) {
    std::mt19937 rng(5);
    std::vector<std::string> texts;
    for (int i = 0; i < 12; ++i) {
        texts.push_back(random_message(rng));
    }
    std::vector<std::vector<std::string>> delivered;
    for (const bool chunking : {false, true}) {
        // One message per session, so the script need not know how the
        // client cuts the content: the server reads until the message ends.
        std::vector<Script> scripts;
        for (std::size_t i = 0; i < texts.size(); ++i) {
            Script s = Script::esmtp(chunking ? pipelining_chunking
                                              : std::vector<std::string>{"PIPELINING", "8BITMIME"});
            if (chunking) {
                s.expect("MAIL FROM:").expect("RCPT TO:").expect_bdat();
                s.send("250 ok\r\n250 ok\r\n250 queued\r\n");
            } else {
                transaction(s, true,
                            {{"MAIL FROM:", "250 ok\r\n"},
                             {"RCPT TO:", "250 ok\r\n"},
                             {"DATA", "354 go\r\n"}});
                s.expect_data().send("250 queued\r\n");
            }
            scripts.push_back(s.quit());
        }
        ScriptServer server(scripts);
        for (const auto& text : texts) {
            Client client;
            client.connect("127.0.0.1", server.port(), esmtp_options());
            const SendResult r =
                client.send(envelope_to({"a@example.com"}), MessageSource::from_string(text));
            EXPECT_TRUE(r.delivered());
            EXPECT_EQ(r.chunked, chunking);
            client.quit();
        }
        expect_server_done(server);
        delivered.push_back(server.messages());
    }
    ASSERT_EQ(delivered[0].size(), texts.size());
    ASSERT_EQ(delivered[1].size(), texts.size());
    for (std::size_t i = 0; i < texts.size(); ++i) {
        EXPECT_EQ(delivered[1][i], delivered[0][i]) << "message " << i;
        EXPECT_EQ(delivered[0][i], with_crlf(texts[i])) << "message " << i;
    }
}

TEST(TransferProperty, MultiChunkBdatEqualsData) {
    std::mt19937 rng(77);
    const std::string text = random_message(rng) + random_message(rng) + random_message(rng);
    std::vector<std::string> delivered;
    for (const bool chunking : {false, true}) {
        Script s = Script::esmtp(chunking ? pipelining_chunking
                                          : std::vector<std::string>{"PIPELINING", "8BITMIME"});
        if (chunking) {
            s.expect("MAIL FROM:").expect("RCPT TO:");
            const std::size_t chunks = (text.size() + 99) / 100;
            for (std::size_t c = 0; c < chunks; ++c) {
                s.expect_bdat();
            }
            std::string all = "250 ok\r\n250 ok\r\n";
            for (std::size_t c = 0; c < chunks; ++c) {
                all += "250 chunk\r\n";
            }
            s.send(all);
        } else {
            transaction(
                s, true,
                {{"MAIL FROM:", "250 ok\r\n"}, {"RCPT TO:", "250 ok\r\n"}, {"DATA", "354 go\r\n"}});
            s.expect_data().send("250 queued\r\n");
        }
        ScriptServer server(s.quit());
        Client client;
        client.connect("127.0.0.1", server.port(),
                       options_with(TransferOptions{.chunk_size = 100}));
        EXPECT_TRUE(client.send(envelope_to({"a@example.com"}), MessageSource::from_string(text))
                        .delivered());
        client.quit();
        expect_server_done(server);
        ASSERT_EQ(server.messages().size(), 1u);
        delivered.push_back(server.messages()[0]);
    }
    EXPECT_EQ(delivered[1], delivered[0]);
}

}  // namespace
}  // namespace smtpkit::test
