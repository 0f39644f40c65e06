// The ESMTP extensions (issue 5) against real servers, each on and off, judged
// by what the server saw and what arrived:
//   - Postfix logs every command of a client on its debug_peer_list ("< host:
//     MAIL FROM:<...> SIZE=... BODY=8BITMIME ..."), and counts a session's
//     commands when it ends ("ehlo=1 mail=1 rcpt=1 bdat=1 quit=1"): BDAT or
//     DATA, how many, and that nothing was sent when the client refused;
//   - DSN parameters travel end to end: Postfix's own delivery reports carry
//     the ENVID, the ORCPT and the RET choice back to the sender's mailbox;
//   - contents are compared byte for byte with what local delivery stored.
// aiosmtpd offers none of PIPELINING, CHUNKING and DSN: the fallbacks.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cstring>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "smtpkit/client.hpp"
#include "smtpkit/error.hpp"
#include "support/aiosmtpd_server.hpp"
#include "support/postfix_server.hpp"
#include "support/server_process.hpp"

namespace smtpkit::test {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

ConnectOptions options(bool pipelining = true, bool chunking = true) {
    ConnectOptions o;
    o.security = Security::plaintext;
    o.timeout = std::chrono::seconds(60);
    o.helo_name = "client.smtpkit.test";
    o.transfer.pipelining = pipelining;
    o.transfer.chunking = chunking;
    return o;
}

// Every client command in the log (debug_peer_list), as "< peer: COMMAND".
PostfixOptions logging_postfix(std::vector<std::pair<std::string, std::string>> more = {}) {
    PostfixOptions o;
    o.main_cf = {{"debug_peer_list", "127.0.0.1"}};
    o.main_cf.insert(o.main_cf.end(), more.begin(), more.end());
    return o;
}

std::string headers(const std::string& subject, const std::string& extra = "") {
    return "From: Sender <root@localhost>\r\n"
           "To: root@localhost\r\n"
           "Subject: " +
           subject +
           "\r\n"
           "Date: Thu, 01 Jan 2026 00:00:00 +0000\r\n"
           "Message-ID: <" +
           subject + "@smtpkit.test>\r\n" + extra + "\r\n";
}

// The lines of the log containing `text`.
std::vector<std::string> log_lines(const std::string& log, const std::string& text) {
    std::vector<std::string> lines;
    std::size_t at = 0;
    while ((at = log.find(text, at)) != std::string::npos) {
        const std::size_t begin = log.rfind('\n', at);
        const std::size_t end = log.find('\n', at);
        lines.push_back(log.substr(begin == std::string::npos ? 0 : begin + 1,
                                   end == std::string::npos ? std::string::npos : end - begin - 1));
        at = end == std::string::npos ? log.size() : end;
    }
    return lines;
}

// The command counts of the client's session: the fixture's readiness probe
// ends first, so the client's "disconnect from" line is the second (or the
// `session`th after it).
std::string session_counts(const PostfixServer& server, std::size_t session = 1) {
    const std::string log = server.wait_for_log("disconnect from", 30s, session + 1);
    return log_lines(log, "disconnect from").at(session);
}

// The MAIL FROM / RCPT TO lines Postfix logged for the client.
std::string logged_command(const PostfixServer& server, const std::string& command,
                           std::size_t index = 0) {
    const std::string log = server.wait_for_log(": " + command, 10s, index + 1);
    return log_lines(log, ": " + command).at(index);
}

void deliver(Client& client, const Envelope& envelope, const std::string& message) {
    std::error_code ec;
    const SendResult r = client.send(envelope, MessageSource::from_string(message), ec);
    ASSERT_FALSE(ec) << ec.message() << " " << client.last_reply().summary();
    ASSERT_TRUE(r.delivered()) << r.final_reply.summary();
}

// --- CHUNKING and PIPELINING ---------------------------------------------------

TEST(PostfixExtensions, ChunkingSendsBdatInOneRoundTrip) {
    PostfixServer server;
    Client client;
    client.connect("127.0.0.1", server.port(), options());
    ASSERT_TRUE(client.capabilities().chunking());
    const std::string message = headers("bdat") + "sent with BDAT\r\n";
    const SendResult r =
        client.send({"root@localhost", {"root@localhost"}}, MessageSource::from_string(message));
    ASSERT_TRUE(r.delivered()) << r.final_reply.summary();
    EXPECT_TRUE(r.chunked);
    // PIPELINING + CHUNKING: MAIL, RCPT and BDAT LAST with the message in
    // one write, one wait for the three replies.
    EXPECT_EQ(r.round_trips, 1u);
    client.quit();
    EXPECT_THAT(session_counts(server), HasSubstr(" mail=1 rcpt=1 bdat=1 quit=1"));
    const auto [trace, rest] =
        split_postfix_trace_headers(split_mbox(server.wait_for_mailbox("root")).at(0));
    EXPECT_EQ(rest, as_stored_in_mbox(message));
}

TEST(PostfixExtensions, NoChunkingUsesData) {
    PostfixServer server;
    Client client;
    client.connect("127.0.0.1", server.port(), options(true, false));
    const std::string message = headers("data") + "sent with DATA\r\n";
    const SendResult r =
        client.send({"root@localhost", {"root@localhost"}}, MessageSource::from_string(message));
    ASSERT_TRUE(r.delivered()) << r.final_reply.summary();
    EXPECT_FALSE(r.chunked);
    // PIPELINING alone: MAIL/RCPT/DATA in one write, then the content.
    EXPECT_EQ(r.round_trips, 2u);
    client.quit();
    const std::string counts = session_counts(server);
    EXPECT_THAT(counts, AllOf(HasSubstr(" mail=1 rcpt=1 data=1 quit=1"), Not(HasSubstr("bdat"))));
    const auto [trace, rest] =
        split_postfix_trace_headers(split_mbox(server.wait_for_mailbox("root")).at(0));
    EXPECT_EQ(rest, as_stored_in_mbox(message));
}

// Text lines of `width` octets (CRLF included), `count` of them.
std::string text_lines(std::size_t count, std::size_t width, char fill) {
    std::string out;
    for (std::size_t i = 0; i < count; ++i) {
        out += std::string(width - 2, fill) + "\r\n";
    }
    return out;
}

TEST(PostfixExtensions, BdatInChunksOfTheSizeAsked) {
    PostfixServer server(logging_postfix());
    Client client;
    ConnectOptions o = options();
    o.transfer.chunk_size = 1000;
    client.connect("127.0.0.1", server.port(), o);
    const std::string message = headers("chunks") + text_lines(30, 100, 'c');
    deliver(client, {"root@localhost", {"root@localhost"}}, message);
    client.quit();
    const std::string counts = session_counts(server);
    // Every chunk within the size asked (one more octet when a chunk ends
    // between CR and LF), all of them adding up to the message.
    const std::vector<std::string> bdats = log_lines(server.log(), ": BDAT ");
    ASSERT_GE(bdats.size(), (message.size() + 999) / 1000);
    EXPECT_THAT(counts, HasSubstr(" bdat=" + std::to_string(bdats.size()) + " "));
    std::size_t total = 0;
    for (const std::string& line : bdats) {
        const std::size_t n = std::stoul(line.substr(line.find(": BDAT ") + 7));
        EXPECT_LE(n, 1001u) << line;
        total += n;
    }
    EXPECT_EQ(total, message.size());
    EXPECT_THAT(bdats.back(), HasSubstr(" LAST"));
    const auto [trace, rest] =
        split_postfix_trace_headers(split_mbox(server.wait_for_mailbox("root")).at(0));
    EXPECT_EQ(rest, as_stored_in_mbox(message));
}

TEST(PostfixExtensions, WithoutPipeliningOfferedTheClientWaitsForEachReply) {
    // Postfix logs "improper command pipelining" when a client sends ahead
    // without PIPELINING on offer.
    PostfixServer server(logging_postfix({{"smtpd_discard_ehlo_keywords", "pipelining"}}));
    Client client;
    client.connect("127.0.0.1", server.port(), options());
    ASSERT_FALSE(client.capabilities().pipelining());
    const SendResult r =
        client.send({"root@localhost", {"root@localhost", "root+2@localhost"}},
                    MessageSource::from_string(headers("lockstep") + "one by one\r\n"));
    ASSERT_TRUE(r.delivered()) << r.final_reply.summary();
    EXPECT_GE(r.round_trips, 4u);  // MAIL, RCPT, RCPT, BDAT LAST (or DATA and its end)
    client.quit();
    session_counts(server);
    EXPECT_THAT(server.log(), Not(HasSubstr("improper command pipelining")));
}

// --- several messages on one session -------------------------------------------------

TEST(PostfixExtensions, SendManyDeliversEveryMessagePipelined) {
    PostfixServer server;
    Client client;
    client.connect("127.0.0.1", server.port(), options());
    constexpr std::size_t count = 12;
    std::vector<OutgoingMessage> messages;
    std::vector<std::string> contents;
    for (std::size_t i = 0; i < count; ++i) {
        contents.push_back(headers("many-" + std::to_string(i)) + "message " + std::to_string(i) +
                           "\r\n");
        messages.push_back(
            {{"root@localhost", {"root@localhost"}}, MessageSource::from_string(contents.back())});
    }
    std::error_code ec;
    const std::vector<SendResult> results = client.send_many(std::move(messages), ec);
    ASSERT_FALSE(ec) << ec.message();
    ASSERT_EQ(results.size(), count);
    for (const SendResult& r : results) {
        EXPECT_TRUE(r.delivered()) << r.final_reply.summary();
        EXPECT_TRUE(r.chunked);
        EXPECT_NE(r.final_reply.text().find("queued as"), std::string::npos);
        // Each message's replies came in one wait (shared with the others
        // of its window).
        EXPECT_EQ(r.round_trips, 1u);
    }
    client.quit();
    // Messages written before the previous one's replies are preceded by
    // RSET (a refused BDAT may leave a transaction open): RSETs prove the
    // window was used.
    EXPECT_THAT(session_counts(server),
                AllOf(HasSubstr(" mail=12 rcpt=12 bdat=12 "), HasSubstr(" rset=")));
    const auto stored = split_mbox(server.wait_for_mailbox("root", 30s, count));
    ASSERT_EQ(stored.size(), count);
    // Local delivery may reorder; every message arrived exactly once, intact.
    std::vector<std::string> bodies;
    for (const std::string& m : stored) {
        bodies.push_back(split_postfix_trace_headers(m).second);
    }
    for (const std::string& sent : contents) {
        EXPECT_EQ(std::count(bodies.begin(), bodies.end(), as_stored_in_mbox(sent)), 1);
    }
}

TEST(PostfixExtensions, SendManyOnTheDataPathDeliversEveryMessage) {
    PostfixServer server;
    Client client;
    client.connect("127.0.0.1", server.port(), options(true, false));
    constexpr std::size_t count = 6;
    std::vector<OutgoingMessage> messages;
    for (std::size_t i = 0; i < count; ++i) {
        messages.push_back(
            {{"root@localhost", {"root@localhost"}},
             MessageSource::from_string(headers("d" + std::to_string(i)) + "x\r\n")});
    }
    const std::vector<SendResult> results = client.send_many(std::move(messages));
    for (const SendResult& r : results) {
        EXPECT_TRUE(r.delivered()) << r.final_reply.summary();
        EXPECT_FALSE(r.chunked);
        // By default each message waits for its end of data's reply before
        // the next MAIL (TransferOptions::pipeline_after_data): the wait for
        // 354 and the one for the end of data.
        EXPECT_EQ(r.round_trips, 2u);
    }
    client.quit();
    EXPECT_THAT(session_counts(server), HasSubstr(" mail=6 rcpt=6 data=6 "));
    EXPECT_EQ(split_mbox(server.wait_for_mailbox("root", 30s, count)).size(), count);
}

// --- SIZE, 8BITMIME, SMTPUTF8 ------------------------------------------------

TEST(PostfixExtensions, MessageOverTheSizeLimitIsRefusedBeforeMail) {
    PostfixServer server(logging_postfix({{"message_size_limit", "2000"}}));
    Client client;
    client.connect("127.0.0.1", server.port(), options());
    ASSERT_EQ(client.capabilities().size_limit(), std::optional<std::uint64_t>(2000));
    std::error_code ec;
    const SendResult r =
        client.send({"root@localhost", {"root@localhost"}},
                    MessageSource::from_string(headers("big") + text_lines(50, 100, 'b')), ec);
    EXPECT_EQ(ec, make_error_code(error::message_too_large));
    EXPECT_FALSE(r.delivered());
    // The session is still usable: a small message goes through.
    const std::string small = headers("small") + "fits\r\n";
    deliver(client, {"root@localhost", {"root@localhost"}}, small);
    client.quit();
    const std::string counts = session_counts(server);
    EXPECT_THAT(counts, HasSubstr(" mail=1 rcpt=1 ")) << "only the small message's MAIL";
    EXPECT_THAT(logged_command(server, "MAIL FROM:"),
                HasSubstr(" SIZE=" + std::to_string(small.size())));
}

TEST(PostfixExtensions, EightBitBodyIsDeclared8bitmime) {
    PostfixServer server(logging_postfix());
    Client client;
    client.connect("127.0.0.1", server.port(), options());
    const std::string message =
        headers("8bit",
                "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
                "Content-Transfer-Encoding: 8bit\r\n") +
        "Gr\xc3\xbc\xc3\x9f"
        "e aus K\xc3\xb6ln\r\n";
    const SendResult r =
        client.send({"root@localhost", {"root@localhost"}}, MessageSource::from_string(message));
    ASSERT_TRUE(r.delivered()) << r.final_reply.summary();
    EXPECT_EQ(r.body, "8BITMIME");
    client.quit();
    EXPECT_THAT(logged_command(server, "MAIL FROM:"), HasSubstr(" BODY=8BITMIME"));
    const auto [trace, rest] =
        split_postfix_trace_headers(split_mbox(server.wait_for_mailbox("root")).at(0));
    EXPECT_EQ(rest, as_stored_in_mbox(message));
}

TEST(PostfixExtensions, SevenBitBodyDeclaresNoBody) {
    PostfixServer server(logging_postfix());
    Client client;
    client.connect("127.0.0.1", server.port(), options());
    deliver(client, {"root@localhost", {"root@localhost"}}, headers("7bit") + "plain\r\n");
    client.quit();
    EXPECT_THAT(logged_command(server, "MAIL FROM:"), Not(HasSubstr("BODY=")));
}

TEST(PostfixExtensions, Utf8AddressesAreDelivered) {
    PostfixServer server(logging_postfix());
    Client client;
    client.connect("127.0.0.1", server.port(), options());
    ASSERT_TRUE(client.capabilities().smtputf8());
    const std::string sender = "s\xc3\xa9nder@localhost";  // sénder
    const std::string rcpt =
        "root+gr\xc3\xbc\xc3\x9f"
        "e@localhost";  // root+grüße
    const std::string message = headers("utf8") + "an international envelope\r\n";
    deliver(client, {sender, {rcpt}}, message);
    client.quit();
    EXPECT_THAT(logged_command(server, "MAIL FROM:"), HasSubstr(" SMTPUTF8"));
    const auto [trace, rest] =
        split_postfix_trace_headers(split_mbox(server.wait_for_mailbox("root")).at(0));
    EXPECT_THAT(trace, AllOf(HasSubstr("Return-Path: <" + sender + ">\n"),
                             HasSubstr("X-Original-To: " + rcpt + "\n")));
    EXPECT_EQ(rest, as_stored_in_mbox(message));
}

// --- a large binary attachment -----------------------------------------------------

std::string base64_lines(const std::string& bytes) {
    constexpr std::size_t line_octets = 57;  // 76 characters of base64 per line
    std::string out;
    out.reserve(bytes.size() / 57 * 78 + 80);
    unsigned char line[80];
    for (std::size_t at = 0; at < bytes.size(); at += line_octets) {
        const std::size_t n = std::min(line_octets, bytes.size() - at);
        const int len = EVP_EncodeBlock(line, reinterpret_cast<const unsigned char*>(&bytes[at]),
                                        static_cast<int>(n));
        out.append(reinterpret_cast<const char*>(line), static_cast<std::size_t>(len));
        out += "\r\n";
    }
    return out;
}

std::string decode_base64_lines(const std::string& text) {
    std::string out;
    std::size_t at = 0;
    unsigned char buf[80];
    while (at < text.size()) {
        std::size_t end = text.find('\n', at);
        end = end == std::string::npos ? text.size() : end;
        std::string line = text.substr(at, end - at);
        if (!line.empty() && line.back() == '\r') {
            line.pop_back();
        }
        const int n = EVP_DecodeBlock(buf, reinterpret_cast<const unsigned char*>(line.data()),
                                      static_cast<int>(line.size()));
        if (n < 0) {
            return {};
        }
        std::size_t got = static_cast<std::size_t>(n);
        got -= static_cast<std::size_t>(std::count(
            line.end() - std::min<std::ptrdiff_t>(2, std::ssize(line)), line.end(), '='));
        out.append(reinterpret_cast<const char*>(buf), got);
        at = end + 1;
    }
    return out;
}

class PostfixLargeAttachment : public ::testing::TestWithParam<bool> {};

TEST_P(PostfixLargeAttachment, ArrivesByteIdentical) {
    const bool chunking = GetParam();
    PostfixServer server(
        logging_postfix({{"message_size_limit", "60000000"}, {"mailbox_size_limit", "0"}}));
    // 18.75 MB of random octets: 25 MB of base64.
    std::string binary(18'750'000, '\0');
    std::mt19937_64 random(20260101);
    for (std::size_t i = 0; i + 8 <= binary.size(); i += 8) {
        const std::uint64_t v = random();
        std::memcpy(&binary[i], &v, 8);
    }
    const std::string boundary = "smtpkit-boundary-7f3a";
    const std::string encoded = base64_lines(binary);
    const std::string message =
        headers("large", "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"" +
                             boundary + "\"\r\n") +
        "--" + boundary + "\r\nContent-Type: text/plain\r\n\r\nA large attachment.\r\n--" +
        boundary +
        "\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n"
        "Content-Disposition: attachment; filename=\"random.bin\"\r\n\r\n" +
        encoded + "--" + boundary + "--\r\n";
    ASSERT_GT(message.size(), 25'000'000u);

    Client client;
    client.connect("127.0.0.1", server.port(), options(true, chunking));
    const SendResult r =
        client.send({"root@localhost", {"root@localhost"}}, MessageSource::from_string(message));
    ASSERT_TRUE(r.delivered()) << r.final_reply.summary();
    EXPECT_EQ(r.chunked, chunking);
    client.quit();

    const std::string counts = session_counts(server);
    if (chunking) {
        // 1 MiB chunks by default: the message never sat in one buffer.
        EXPECT_THAT(counts,
                    HasSubstr(" bdat=" + std::to_string((message.size() + (1 << 20) - 1) >> 20)));
    } else {
        EXPECT_THAT(counts, HasSubstr(" data=1 "));
    }
    const auto stored = split_mbox(server.wait_for_mailbox("root", 120s));
    ASSERT_EQ(stored.size(), 1u);
    const std::string rest = split_postfix_trace_headers(stored[0]).second;
    const std::string expected = as_stored_in_mbox(message);
    EXPECT_EQ(rest.size(), expected.size());
    EXPECT_TRUE(rest == expected) << "the stored message differs from the one sent";
    // And what a user would do: take the attachment out and compare.
    const std::string marker = "filename=\"random.bin\"\n\n";
    const std::size_t begin = rest.find(marker);
    const std::size_t end = rest.find("--" + boundary + "--");
    ASSERT_NE(begin, std::string::npos);
    ASSERT_NE(end, std::string::npos);
    const std::string attachment =
        decode_base64_lines(rest.substr(begin + marker.size(), end - begin - marker.size()));
    EXPECT_EQ(attachment.size(), binary.size());
    EXPECT_TRUE(attachment == binary) << "the attachment differs";
}

INSTANTIATE_TEST_SUITE_P(BdatAndData, PostfixLargeAttachment, ::testing::Values(true, false),
                         [](const auto& info) { return info.param ? "Bdat" : "Data"; });

// --- DSN ------------------------------------------------------------------------------

// The delivery report Postfix mailed back (multipart/report), from `mbox`.
std::string delivery_report(const std::string& mbox) {
    for (const std::string& m : split_mbox(mbox)) {
        if (m.find("report-type=delivery-status") != std::string::npos) {
            return m;
        }
    }
    return {};
}

TEST(PostfixDsn, ParametersAreOnTheWire) {
    PostfixServer server(logging_postfix());
    Client client;
    client.connect("127.0.0.1", server.port(), options());
    ASSERT_TRUE(client.capabilities().dsn());
    Envelope e{"root+sender@localhost", {"root@localhost"}};
    e.to[0].notify = DsnNotify::success | DsnNotify::failure;
    e.to[0].original_recipient = "list+orig@example.com";
    e.dsn.ret = DsnReturn::headers;
    e.dsn.envelope_id = "env=1+2";
    deliver(client, e, headers("dsn-wire") + "x\r\n");
    client.quit();
    EXPECT_THAT(logged_command(server, "MAIL FROM:"),
                AllOf(HasSubstr(" RET=HDRS"), HasSubstr(" ENVID=env+3D1+2B2")));
    EXPECT_THAT(logged_command(server, "RCPT TO:"),
                AllOf(HasSubstr(" NOTIFY=SUCCESS,FAILURE"),
                      HasSubstr(" ORCPT=rfc822;list+2Borig@example.com")));
}

TEST(PostfixDsn, SuccessReportCarriesEnvidOrcptAndHeadersOnly) {
    PostfixServer server;
    Client client;
    client.connect("127.0.0.1", server.port(), options());
    // Sender and recipient both land in root's mailbox ("+" extensions).
    Envelope e{"root+sender@localhost", {"root+rcpt@localhost"}};
    e.to[0].notify = DsnNotify::success;
    e.to[0].original_recipient = "orig@example.com";
    e.dsn.ret = DsnReturn::headers;
    e.dsn.envelope_id = "ENV-4711";
    deliver(client, e, headers("dsn-success") + "the body stays home\r\n");
    client.quit();
    const std::string report = delivery_report(server.wait_for_mailbox("root", 30s, 2));
    ASSERT_FALSE(report.empty()) << server.log();
    EXPECT_THAT(report, AllOf(HasSubstr("Original-Envelope-Id: ENV-4711"),
                              HasSubstr("Original-Recipient: rfc822;orig@example.com"),
                              HasSubstr("Action: delivered"), HasSubstr("text/rfc822-headers")));
    EXPECT_THAT(report, Not(HasSubstr("the body stays home")));  // RET=HDRS
}

TEST(PostfixDsn, NotifyNeverSuppressesTheBounce) {
    PostfixServer server;
    Client client;
    client.connect("127.0.0.1", server.port(), options());
    // No such local user: local delivery bounces. NEVER: no report to the sender.
    Envelope never{"root+never@localhost", {"nosuchuser@localhost"}};
    never.to[0].notify = DsnNotify::never;
    never.dsn.envelope_id = "NEVER-1";
    deliver(client, never, headers("dsn-never") + "x\r\n");
    // FAILURE: a report comes back, with the ENVID and the whole message.
    Envelope failure{"root+failure@localhost", {"nosuchuser@localhost"}};
    failure.to[0].notify = DsnNotify::failure;
    failure.dsn.envelope_id = "FAIL-2";
    failure.dsn.ret = DsnReturn::full;
    deliver(client, failure, headers("dsn-failure") + "returned in full\r\n");
    client.quit();
    server.wait_for_log("status=bounced", 30s, 2);
    server.wait_for_mailbox("root", 30s, 1);
    std::this_thread::sleep_for(1s);  // a report for NEVER-1 would have come with it
    const std::string mbox = server.wait_for_mailbox("root", 30s, 1);
    const std::vector<std::string> stored = split_mbox(mbox);
    ASSERT_EQ(stored.size(), 1u) << "only the FAILURE report";
    EXPECT_THAT(stored[0], AllOf(HasSubstr("Original-Envelope-Id: FAIL-2"),
                                 HasSubstr("Action: failed"), HasSubstr("returned in full")));
    EXPECT_THAT(mbox, Not(HasSubstr("NEVER-1")));
}

TEST(PostfixDsn, CliAsksForAReport) {
    PostfixServer server;
    const CommandOutput r = run_capture({SMTPKIT_CLI_PATH, "send",
                                         "--server",       "127.0.0.1",
                                         "--port",         std::to_string(server.port()),
                                         "--from",         "root+cli@localhost",
                                         "--to",           "root@localhost",
                                         "--subject",      "cli dsn",
                                         "--text",         "hello",
                                         "--dsn-notify",   "success",
                                         "--dsn-ret",      "hdrs",
                                         "--envid",        "CLI-42",
                                         "--json"},
                                        60s);
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    const auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["dropped"], nlohmann::json::array());
    EXPECT_EQ(j["chunked"], true);
    const std::string report = delivery_report(server.wait_for_mailbox("root", 30s, 2));
    EXPECT_THAT(report, HasSubstr("Original-Envelope-Id: CLI-42"));
}

TEST(PostfixExtensionsCli, NoChunkingAndRepeat) {
    PostfixServer server;
    const std::vector<std::string> base = {
        SMTPKIT_CLI_PATH, "send",           "--server",
        "127.0.0.1",      "--port",         std::to_string(server.port()),
        "--from",         "root@localhost", "--to",
        "root@localhost", "--text",         "again"};
    std::vector<std::string> args = base;
    args.insert(args.end(), {"--repeat", "5", "--json"});
    const CommandOutput many = run_capture(args, 60s);
    ASSERT_EQ(many.exit_code, 0) << many.out << many.err;
    const auto j = nlohmann::json::parse(many.out);
    EXPECT_EQ(j["batch"]["count"], 5);
    EXPECT_EQ(j["batch"]["delivered"], 5);
    EXPECT_THAT(session_counts(server), HasSubstr(" mail=5 rcpt=5 bdat=5 "));

    args = base;
    args.insert(args.end(), {"--no-chunking", "--json"});
    const CommandOutput data = run_capture(args, 60s);
    ASSERT_EQ(data.exit_code, 0) << data.out << data.err;
    EXPECT_EQ(nlohmann::json::parse(data.out)["chunked"], false);
    EXPECT_THAT(session_counts(server, 2), HasSubstr(" mail=1 rcpt=1 data=1 "));
    EXPECT_EQ(split_mbox(server.wait_for_mailbox("root", 30s, 6)).size(), 6u);
}

// --- aiosmtpd: no PIPELINING, CHUNKING or DSN ----------------------------------------------

class AiosmtpdFallbacks : public ::testing::Test {
  protected:
    void SetUp() override { client_.connect("127.0.0.1", server_.port(), options()); }

    AiosmtpdServer server_;
    Client client_;
};

TEST_F(AiosmtpdFallbacks, RequiredDsnIsRefusedBeforeMail) {
    Envelope e{"sender@localhost", {"rcpt@example.com"}};
    e.to[0].notify = DsnNotify::failure;
    e.dsn.required = true;
    std::error_code ec;
    const SendResult r =
        client_.send(e, MessageSource::from_string(headers("dsn-required") + "x\r\n"), ec);
    EXPECT_EQ(ec, make_error_code(error::dsn_not_offered));
    EXPECT_EQ(r.error, ec);
    EXPECT_FALSE(r.delivered());
    EXPECT_TRUE(r.mail_reply.empty()) << "MAIL was sent: " << r.mail_reply.summary();
    // Nothing stored, and the session is still good.
    const std::string next = headers("after") + "y\r\n";
    deliver(client_, {"sender@localhost", {"rcpt@example.com"}}, next);
    EXPECT_EQ(server_.wait_for_message(0).content, next);
    EXPECT_EQ(server_.messages().size(), 1u);
}

TEST_F(AiosmtpdFallbacks, OptionalDsnIsDroppedAndListed) {
    Envelope e{"sender@localhost", {"rcpt@example.com"}};
    e.to[0].notify = DsnNotify::success;
    e.dsn.envelope_id = "E1";
    e.dsn.ret = DsnReturn::full;
    e.mt_priority = 2;
    const std::string message = headers("dsn-optional") + "x\r\n";
    const SendResult r = client_.send(e, MessageSource::from_string(message));
    ASSERT_TRUE(r.delivered()) << r.final_reply.summary();
    EXPECT_THAT(r.dropped, ::testing::UnorderedElementsAre("DSN", "MT-PRIORITY"));
    const ReceivedMessage got = server_.wait_for_message(0);
    for (const std::string& option : got.mail_options) {
        EXPECT_THAT(option, AllOf(Not(HasSubstr("RET=")), Not(HasSubstr("ENVID=")),
                                  Not(HasSubstr("MT-PRIORITY"))));
    }
    EXPECT_EQ(got.content, message);
}

TEST_F(AiosmtpdFallbacks, ChunkingFallsBackToData) {
    ASSERT_FALSE(client_.capabilities().chunking());
    const std::string message = headers("fallback") + ".dot-stuffed on the way\r\n";
    const SendResult r = client_.send({"sender@localhost", {"rcpt@example.com"}},
                                      MessageSource::from_string(message));
    ASSERT_TRUE(r.delivered()) << r.final_reply.summary();
    EXPECT_FALSE(r.chunked);
    // Without PIPELINING: MAIL, RCPT, DATA, end of data, each waited for.
    EXPECT_EQ(r.round_trips, 4u);
    EXPECT_EQ(server_.wait_for_message(0).content, message);
}

TEST_F(AiosmtpdFallbacks, EightBitBodyIsDeclared) {
    const std::string message = headers("8bit") + "na\xc3\xafve caf\xc3\xa9\r\n";
    const SendResult r = client_.send({"sender@localhost", {"rcpt@example.com"}},
                                      MessageSource::from_string(message));
    ASSERT_TRUE(r.delivered()) << r.final_reply.summary();
    const ReceivedMessage got = server_.wait_for_message(0);
    EXPECT_THAT(got.mail_options, ::testing::Contains("BODY=8BITMIME"));
    EXPECT_EQ(got.content, message);
}

}  // namespace
}  // namespace smtpkit::test
