// The session engine with ESMTP transfer extensions: parameters on the
// wire, BDAT (RFC 3030), transactions overlapping under PIPELINING (RFC
// 2920), and replies routed to the transaction they belong to.
#include <gtest/gtest.h>

#include <algorithm>

#include <optional>
#include <random>
#include <string>
#include <vector>

#include "common/data_decoder.hpp"
#include "smtpkit/error.hpp"
#include "smtpkit/protocol/session.hpp"

namespace smtpkit::protocol {
namespace {

using Strings = std::vector<std::string>;

std::string ehlo(const Strings& extensions) {
    std::string r = "250-mx.example.org\r\n";
    for (std::size_t i = 0; i < extensions.size(); ++i) {
        r += (i + 1 == extensions.size() ? "250 " : "250-") + extensions[i] + "\r\n";
    }
    return r;
}

const Strings pipelining_chunking = {"PIPELINING", "CHUNKING", "8BITMIME", "BINARYMIME",
                                     "SIZE 100000"};

// Drives a Session like a transport, keeping every completion.
class Harness {
  public:
    explicit Harness(const Strings& extensions, std::size_t window = 8,
                     bool pipeline_after_data = false) {
        SessionConfig c;
        c.helo_name = "client.example.com";
        c.window = window;
        c.pipeline_after_data = pipeline_after_data;
        session.emplace(c);
        feed("220 mx ESMTP\r\n");
        session->hello();
        written();
        feed(ehlo(extensions));
        drain();
        writes.clear();
        ready.clear();
        done.clear();
    }

    std::size_t begin(const Envelope& e, const MessageInfo& info) {
        const std::size_t id = session->begin_transaction(e, info);
        drain();
        return id;
    }

    // Everything the session wants written, as one client write.
    std::string written() {
        std::string out(session->pending_output());
        session->consume_output(out.size());
        if (!out.empty()) {
            writes.push_back(out);
        }
        return out;
    }

    void feed(std::string_view bytes) {
        EXPECT_EQ(session->feed(bytes), bytes.size());
        drain();
    }

    void drain() {
        while (auto e = session->next_event()) {
            if (const auto* r = std::get_if<ReadyForData>(&*e)) {
                ready.push_back(r->transaction);
            } else if (auto* t = std::get_if<TransactionDone>(&*e)) {
                done.push_back(std::move(*t));
            } else if (const auto* sent = std::get_if<CommandSent>(&*e)) {
                commands.push_back(sent->line);
            }
        }
    }

    const TransactionDone* result(std::size_t id) const {
        for (const auto& t : done) {
            if (t.transaction == id) {
                return &t;
            }
        }
        return nullptr;
    }

    std::optional<Session> session;
    Strings writes;
    Strings commands;
    std::vector<std::size_t> ready;
    std::vector<TransactionDone> done;
};

Envelope envelope(std::vector<Recipient> to) {
    return Envelope{"sender@example.com", std::move(to)};
}

MessageInfo text(std::uint64_t size) {
    return MessageInfo{size, ContentClass::seven_bit};
}

// --- parameters on the wire -------------------------------------------------

TEST(SessionParameters, SizeBodyAndDsnOnTheCommands) {
    Harness h({"PIPELINING", "SIZE 5000", "8BITMIME", "DSN"});
    Envelope e = envelope({"a@example.net"});
    e.to[0].notify = DsnNotify::success;
    e.dsn.envelope_id = "Q1";
    h.begin(e, MessageInfo{1200, ContentClass::eight_bit});
    EXPECT_EQ(h.written(),
              "MAIL FROM:<sender@example.com> SIZE=1200 BODY=8BITMIME ENVID=Q1\r\n"
              "RCPT TO:<a@example.net> NOTIFY=SUCCESS\r\nDATA\r\n");
}

TEST(SessionParameters, OverSizeIsRefusedWithNothingWritten) {
    Harness h({"PIPELINING", "SIZE 5000"});
    const std::size_t id = h.begin(envelope({"a@example.net"}), text(5001));
    EXPECT_TRUE(h.written().empty());
    h.drain();
    ASSERT_NE(h.result(id), nullptr);
    EXPECT_EQ(h.result(id)->ec, error::message_too_large);
    EXPECT_EQ(h.result(id)->result.verdict, Verdict::not_delivered);
    EXPECT_EQ(h.session->state(), Session::State::ready);
    EXPECT_TRUE(h.session->usable());
}

TEST(SessionParameters, RequiretlsNeedsTheSessionOverTls) {
    Harness h({"PIPELINING", "REQUIRETLS"});
    Envelope e = envelope({"a@example.net"});
    e.require_tls = true;
    const std::size_t id = h.begin(e, text(10));
    EXPECT_TRUE(h.written().empty());
    h.drain();
    ASSERT_NE(h.result(id), nullptr);
    EXPECT_EQ(h.result(id)->ec, error::requiretls_not_possible);
}

TEST(SessionParameters, DroppedParametersAreListed) {
    Harness h({"PIPELINING"});
    Envelope e = envelope({"a@example.net"});
    e.mt_priority = 2;
    e.dsn.ret = DsnReturn::full;
    const std::size_t id = h.begin(e, text(10));
    EXPECT_EQ(h.written(), "MAIL FROM:<sender@example.com>\r\nRCPT TO:<a@example.net>\r\nDATA\r\n");
    h.feed("250 ok\r\n250 ok\r\n354 go\r\n");
    h.session->send_chunk("hi", true);
    h.written();
    h.feed("250 queued\r\n");
    ASSERT_NE(h.result(id), nullptr);
    EXPECT_EQ(h.result(id)->result.dropped, (Strings{"DSN", "MT-PRIORITY"}));
    EXPECT_TRUE(h.result(id)->result.delivered());
}

// --- BDAT, one message --------------------------------------------------------

TEST(SessionBdat, PipelinedMessageIsOneWriteAndOneWait) {
    Harness h(pipelining_chunking);
    const std::size_t id = h.begin(envelope({"a@example.net"}), text(7));
    ASSERT_EQ(h.ready, std::vector<std::size_t>{id}) << "content is wanted before any reply";
    EXPECT_TRUE(h.session->content_wanted());
    h.session->send_chunk("Hi\n.x", true);
    EXPECT_EQ(h.written(),
              "MAIL FROM:<sender@example.com> SIZE=7\r\nRCPT TO:<a@example.net>\r\n"
              "BDAT 8 LAST\r\nHi\r\n.x\r\n");
    h.feed("250 ok\r\n250 ok\r\n250 2.0.0 queued\r\n");
    ASSERT_EQ(h.done.size(), 1u);
    const SendResult& r = h.done[0].result;
    EXPECT_TRUE(r.delivered());
    EXPECT_TRUE(r.chunked);
    EXPECT_EQ(r.round_trips, 1u);
    EXPECT_EQ(r.final_reply.code, 250);
    EXPECT_EQ(r.bytes_sent, 8u);
    EXPECT_EQ(h.writes.size(), 1u);
    EXPECT_EQ(h.session->round_trips(), 2u) << "EHLO and the message";
}

TEST(SessionBdat, LargeMessageInChunksWithOnlyTheLastMarked) {
    Harness h(pipelining_chunking);
    h.begin(envelope({"a@example.net"}), text(12));
    h.session->send_chunk("aaaa", false);
    h.session->send_chunk("bbbb", false);
    h.session->send_chunk("cccc", true);
    EXPECT_EQ(h.written(),
              "MAIL FROM:<sender@example.com> SIZE=12\r\nRCPT TO:<a@example.net>\r\n"
              "BDAT 4\r\naaaaBDAT 4\r\nbbbbBDAT 6 LAST\r\ncccc\r\n");
    h.feed("250 ok\r\n250 ok\r\n250 4 octets\r\n250 4 octets\r\n250 queued\r\n");
    ASSERT_EQ(h.done.size(), 1u);
    EXPECT_TRUE(h.done[0].result.delivered());
    EXPECT_EQ(h.done[0].result.bytes_sent, 14u);
}

TEST(SessionBdat, BinaryMimeGoesRaw) {
    Harness h(pipelining_chunking);
    const std::string raw("a\nb\0c\r", 6);
    h.begin(envelope({"a@example.net"}), MessageInfo{raw.size(), ContentClass::binary});
    h.session->send_chunk(raw, true);
    EXPECT_EQ(h.written(),
              "MAIL FROM:<sender@example.com> SIZE=6 BODY=BINARYMIME\r\n"
              "RCPT TO:<a@example.net>\r\nBDAT 6 LAST\r\n" +
                  raw);
}

TEST(SessionBdat, UnpipelinedIsOneCommandPerWait) {
    Harness h({"CHUNKING"});
    h.begin(envelope({"a@example.net", "b@example.net"}), text(8));
    EXPECT_EQ(h.written(), "MAIL FROM:<sender@example.com>\r\n");
    h.feed("250 ok\r\n");
    EXPECT_EQ(h.written(), "RCPT TO:<a@example.net>\r\n");
    h.feed("250 ok\r\n");
    EXPECT_EQ(h.written(), "RCPT TO:<b@example.net>\r\n");
    EXPECT_TRUE(h.ready.empty());
    h.feed("550 no\r\n");
    ASSERT_EQ(h.ready.size(), 1u);
    h.session->send_chunk("1234", false);
    EXPECT_FALSE(h.session->content_wanted()) << "the chunk waits for its reply";
    EXPECT_EQ(h.written(), "BDAT 4\r\n1234");
    h.session->send_chunk("ignored", false);
    EXPECT_TRUE(h.written().empty());
    h.feed("250 ok\r\n");
    ASSERT_EQ(h.ready.size(), 2u);
    h.session->send_chunk("5678", true);
    EXPECT_EQ(h.written(), "BDAT 6 LAST\r\n5678\r\n");
    h.feed("250 queued\r\n");
    ASSERT_EQ(h.done.size(), 1u);
    EXPECT_TRUE(h.done[0].result.delivered());
    EXPECT_EQ(h.done[0].result.rejected_count(), 1u);
    EXPECT_EQ(h.done[0].result.round_trips, 5u);
}

TEST(SessionBdat, RefusedMidStreamStopsTheChunksThenResets) {
    Harness h(pipelining_chunking);
    const std::size_t id = h.begin(envelope({"a@example.net"}), text(12));
    h.session->send_chunk("aaaa", false);
    h.written();
    h.session->send_chunk("bbbb", false);
    h.written();
    h.feed("250 ok\r\n250 ok\r\n552 5.3.4 too much\r\n");
    EXPECT_FALSE(h.session->content_wanted());
    h.session->send_chunk("cccc", true);
    EXPECT_TRUE(h.written().empty()) << "no chunk after a refusal";
    EXPECT_TRUE(h.done.empty()) << "the second chunk's reply is still due";
    h.feed("503 5.5.1 discarded\r\n");
    EXPECT_EQ(h.written(), "RSET\r\n");
    h.feed("250 ok\r\n");
    ASSERT_NE(h.result(id), nullptr);
    EXPECT_EQ(h.result(id)->ec, error::message_refused);
    EXPECT_EQ(h.result(id)->result.final_reply.code, 552);
    EXPECT_EQ(h.result(id)->result.verdict, Verdict::not_delivered);
    EXPECT_EQ(h.session->state(), Session::State::ready);
}

TEST(SessionBdat, RepliesReadWhileStreamingAreNoWait) {
    Harness h(pipelining_chunking);
    h.begin(envelope({"a@example.net"}), text(8));
    h.session->send_chunk("aaaa", false);
    h.written();
    h.feed("250 ok\r\n250 ok\r\n250 4 octets\r\n");
    EXPECT_TRUE(h.session->content_wanted());
    h.session->send_chunk("bbbb", true);
    h.written();
    h.feed("250 queued\r\n");
    ASSERT_EQ(h.done.size(), 1u);
    EXPECT_EQ(h.done[0].result.round_trips, 1u);
}

TEST(SessionBdat, ServerClosingBetweenChunks) {
    Harness h(pipelining_chunking);
    h.begin(envelope({"a@example.net"}), text(8));
    h.session->send_chunk("aaaa", false);
    h.written();
    h.session->feed_eof();
    h.drain();
    ASSERT_EQ(h.done.size(), 1u);
    EXPECT_EQ(h.done[0].ec, error::connection_closed);
    EXPECT_EQ(h.done[0].result.verdict, Verdict::not_delivered);
    EXPECT_FALSE(h.session->content_wanted());
    h.session->send_chunk("bbbb", true);
    EXPECT_TRUE(h.written().empty());
}

TEST(SessionBdat, LostAfterTheLastChunkIsUnknown) {
    Harness h(pipelining_chunking);
    h.begin(envelope({"a@example.net"}), text(4));
    h.session->send_chunk("aaaa", true);
    h.written();
    h.feed("250 ok\r\n250 ok\r\n");
    h.session->feed_eof();
    h.drain();
    ASSERT_EQ(h.done.size(), 1u);
    EXPECT_EQ(h.done[0].result.verdict, Verdict::unknown);
}

TEST(SessionBdat, LastChunkNeverWrittenIsNotDelivered) {
    Harness h(pipelining_chunking);
    h.begin(envelope({"a@example.net"}), text(4));
    h.session->send_chunk("aaaa", true);
    h.session->consume_output(10);  // the transport wrote only part of it
    h.session->feed_error(make_error_code(error::timeout));
    h.drain();
    ASSERT_EQ(h.done.size(), 1u);
    EXPECT_EQ(h.done[0].result.verdict, Verdict::not_delivered);
    EXPECT_EQ(h.done[0].ec, error::timeout);
}

// --- content beyond what was declared ----------------------------------------

TEST(SessionContent, EightBitInAStreamDeclaredSevenBitDropsTheSession) {
    Harness h({"PIPELINING"});
    const std::size_t id =
        h.begin(envelope({"a@example.net"}), MessageInfo{std::nullopt, std::nullopt});
    EXPECT_EQ(h.written(), "MAIL FROM:<sender@example.com>\r\nRCPT TO:<a@example.net>\r\nDATA\r\n");
    h.feed("250 ok\r\n250 ok\r\n354 go\r\n");
    h.session->send_chunk("plain\r\n", false);
    EXPECT_EQ(h.written(), "plain\r\n");
    h.session->send_chunk("caf\xC3\xA9\r\n", true);
    EXPECT_TRUE(h.written().empty()) << "neither the 8-bit line nor the end of data goes out";
    h.drain();
    ASSERT_NE(h.result(id), nullptr);
    EXPECT_EQ(h.result(id)->ec, error::content_not_as_declared);
    EXPECT_EQ(h.result(id)->result.verdict, Verdict::not_delivered);
    EXPECT_FALSE(h.session->usable());
}

TEST(SessionContent, BinaryInAStreamDeclaredEightBitOverBdat) {
    Harness h(pipelining_chunking);
    const std::size_t id =
        h.begin(envelope({"a@example.net"}), MessageInfo{std::nullopt, std::nullopt});
    h.session->send_chunk("caf\xC3\xA9\r\n", false);
    EXPECT_EQ(h.written(),
              "MAIL FROM:<sender@example.com> BODY=8BITMIME\r\nRCPT TO:<a@example.net>\r\n"
              "BDAT 7\r\ncaf\xC3\xA9\r\n");
    h.session->send_chunk(std::string("nul\0", 4), true);
    EXPECT_TRUE(h.written().empty());
    h.drain();
    ASSERT_NE(h.result(id), nullptr);
    EXPECT_EQ(h.result(id)->ec, error::content_not_as_declared);
}

// --- refusals under pipelining, every position --------------------------------

struct RcptCase {
    const char* name;
    std::vector<int> codes;  // one per recipient
};

void PrintTo(const RcptCase& c, std::ostream* os) {
    *os << c.name;
}

class MixedRecipients : public ::testing::TestWithParam<std::tuple<RcptCase, bool>> {};

TEST_P(MixedRecipients, EachRecipientGetsItsOwnReply) {
    const auto& [c, chunking] = GetParam();
    Harness h(chunking ? pipelining_chunking : Strings{"PIPELINING"});
    std::vector<Recipient> to;
    for (std::size_t i = 0; i < c.codes.size(); ++i) {
        to.emplace_back("r" + std::to_string(i) + "@example.net");
    }
    const std::size_t id = h.begin(envelope(to), text(3));
    std::string replies = "250 sender ok\r\n";
    bool any = false;
    for (int code : c.codes) {
        replies += std::to_string(code) + " rcpt " + std::to_string(code) + "\r\n";
        any = any || code == 250;
    }
    if (chunking) {
        h.session->send_chunk("abc", true);
        h.written();
        h.feed(replies + (any ? "250 queued\r\n" : "554 5.5.1 no valid recipients\r\n"));
    } else {
        h.written();
        h.feed(replies + (any ? "354 go\r\n" : "554 5.5.1 no valid recipients\r\n"));
        if (any) {
            h.session->send_chunk("abc", true);
            h.written();
            h.feed("250 queued\r\n");
        }
    }
    if (!any) {
        EXPECT_EQ(h.written(), "RSET\r\n");
        h.feed("250 reset\r\n");
    }
    const TransactionDone* t = h.result(id);
    ASSERT_NE(t, nullptr);
    ASSERT_EQ(t->result.recipients.size(), c.codes.size());
    for (std::size_t i = 0; i < c.codes.size(); ++i) {
        EXPECT_EQ(t->result.recipients[i].reply.code, c.codes[i]) << i;
        EXPECT_EQ(t->result.recipients[i].address, "r" + std::to_string(i) + "@example.net");
    }
    EXPECT_EQ(t->result.delivered(), any);
    // Refused by all: deferred when one of them may be accepted later.
    const bool deferred =
        std::any_of(c.codes.begin(), c.codes.end(), [](int code) { return code / 100 == 4; });
    EXPECT_EQ(t->ec, any ? std::error_code{}
                         : make_error_code(deferred ? error::recipients_deferred
                                                    : error::no_valid_recipients));
    // BDAT: one wait, or two with the RSET; DATA: the group, then the end
    // of data or the RSET.
    EXPECT_EQ(t->result.round_trips, (chunking && any) ? 1u : 2u);
    EXPECT_EQ(h.session->state(), Session::State::ready);
}

INSTANTIATE_TEST_SUITE_P(Positions, MixedRecipients,
                         ::testing::Combine(::testing::Values(RcptCase{"first", {550, 250, 250}},
                                                              RcptCase{"middle", {250, 550, 250}},
                                                              RcptCase{"last", {250, 250, 451}},
                                                              RcptCase{"all", {550, 551, 450}}),
                                            ::testing::Bool()),
                         [](const auto& info) {
                             return std::string(std::get<0>(info.param).name) +
                                    (std::get<1>(info.param) ? "_bdat" : "_data");
                         });

TEST(SessionRefusals, MailRefusedUnderPipelinedBdatNeedsNoReset) {
    Harness h(pipelining_chunking);
    const std::size_t id = h.begin(envelope({"a@example.net", "b@example.net"}), text(3));
    h.session->send_chunk("abc", true);
    h.written();
    h.feed("550 5.7.1 sender refused\r\n503 need MAIL\r\n503 need MAIL\r\n");
    EXPECT_TRUE(h.done.empty()) << "the BDAT reply is still due";
    h.feed("503 5.5.1 no transaction\r\n");
    EXPECT_TRUE(h.written().empty()) << "no RSET after a refused MAIL";
    ASSERT_NE(h.result(id), nullptr);
    EXPECT_EQ(h.result(id)->ec, error::sender_refused);
    EXPECT_EQ(h.result(id)->result.mail_reply.code, 550);
}

// --- several messages in flight ---------------------------------------------

TEST(SessionMany, DataPathWaitsForTheEndOfDataReplyByDefault) {
    Harness h({"PIPELINING", "8BITMIME"});
    h.begin(envelope({"a@example.net"}), text(1));
    h.written();
    h.feed("250 ok\r\n250 ok\r\n354 go\r\n");
    h.session->send_chunk("1", true);
    EXPECT_FALSE(h.session->can_begin_transaction()) << "Haraka and Dovecot refuse it";
    h.written();
    h.feed("250 queued\r\n");
    EXPECT_TRUE(h.session->can_begin_transaction());
}

TEST(SessionMany, DataPathNextMessageRidesWithTheEndOfDataWhenAskedTo) {
    Harness h({"PIPELINING", "8BITMIME"}, 8, true);
    const std::size_t first = h.begin(envelope({"a@example.net"}), text(1));
    EXPECT_FALSE(h.session->can_begin_transaction()) << "not before the content";
    h.written();
    h.feed("250 ok\r\n250 ok\r\n354 go\r\n");
    h.session->send_chunk("1", true);
    ASSERT_TRUE(h.session->can_begin_transaction());
    const std::size_t second = h.begin(envelope({"b@example.net"}), text(1));
    EXPECT_EQ(h.written(),
              "1\r\n.\r\nMAIL FROM:<sender@example.com>\r\nRCPT TO:<b@example.net>\r\nDATA\r\n");
    h.feed("554 5.6.0 first refused\r\n250 ok\r\n250 ok\r\n354 go\r\n");
    ASSERT_NE(h.result(first), nullptr);
    EXPECT_EQ(h.result(first)->ec, error::message_refused);
    EXPECT_EQ(h.ready.back(), second);
    h.session->send_chunk("2", true);
    EXPECT_EQ(h.written(), "2\r\n.\r\n") << "no RSET: the refused message's transaction is over";
    h.feed("250 queued\r\n");
    ASSERT_NE(h.result(second), nullptr);
    EXPECT_TRUE(h.result(second)->result.delivered());
    EXPECT_EQ(h.session->round_trips(), 4u) << "EHLO, first group, second group, last end";
}

// A 354 after every recipient was refused is answered with an empty end of
// data, and RSET after its reply. The next message must not ride behind that
// end of data: its DATA would come before the RSET, which the server would
// then read as the first line of the message (found by fuzz_session).
TEST(SessionMany, NothingRidesBehindTheEndOfDataOfAnUnwanted354) {
    Harness h({"PIPELINING", "8BITMIME"}, 8, true);
    const std::size_t first = h.begin(envelope({"a@example.net"}), text(1));
    h.written();
    h.feed("250 ok\r\n550 5.1.1 no such user\r\n354 go ahead anyway\r\n");
    // The next message is begun as soon as the session allows, as the
    // client's transfer loop does.
    std::string wire;
    std::optional<std::size_t> second;
    const auto begin_when_allowed = [&] {
        if (!second && h.session->can_begin_transaction()) {
            second = h.begin(envelope({"b@example.net"}), text(1));
        }
        wire += h.written();
    };
    begin_when_allowed();
    EXPECT_FALSE(second) << "not behind the empty end of data";
    h.feed("554 5.5.1 no valid recipients\r\n");
    begin_when_allowed();
    EXPECT_FALSE(second) << "not before the RSET is answered";
    h.feed("250 ok\r\n");
    ASSERT_NE(h.result(first), nullptr);
    EXPECT_EQ(h.result(first)->ec, error::no_valid_recipients);
    begin_when_allowed();
    ASSERT_TRUE(second);
    h.feed("250 ok\r\n250 ok\r\n354 go\r\n");
    h.session->send_chunk("2", true);
    wire += h.written();
    EXPECT_EQ(wire,
              ".\r\nRSET\r\nMAIL FROM:<sender@example.com>\r\nRCPT TO:<b@example.net>\r\n"
              "DATA\r\n2\r\n.\r\n");
    h.feed("250 queued\r\n");
    ASSERT_NE(h.result(*second), nullptr);
    EXPECT_TRUE(h.result(*second)->result.delivered());
}

// Haraka's answer to a MAIL pipelined after the end of data: 503 to it and
// to the rest of its group. The transaction ends pipelining_refused, nothing
// of it taken, and the session pipelines no more after an end of data.
TEST(SessionMany, A503BehindAnEndOfDataTurnsItOffAndAsksForTheMessageAgain) {
    Harness h({"PIPELINING", "8BITMIME"}, 8, true);
    const std::size_t first = h.begin(envelope({"a@example.net"}), text(1));
    h.written();
    h.feed("250 ok\r\n250 ok\r\n354 go\r\n");
    h.session->send_chunk("1", true);
    const std::size_t second = h.begin(envelope({"b@example.net"}), text(1));
    h.written();
    h.feed(
        "250 queued\r\n503 5.5.1 pipelined after end of DATA\r\n503 5.5.1 no\r\n"
        "503 5.5.1 no\r\n");
    ASSERT_NE(h.result(first), nullptr);
    EXPECT_TRUE(h.result(first)->result.delivered());
    ASSERT_NE(h.result(second), nullptr);
    EXPECT_EQ(h.result(second)->ec, error::pipelining_refused);
    EXPECT_EQ(h.result(second)->result.verdict, Verdict::not_delivered);
    EXPECT_TRUE(h.written().empty()) << "no RSET: MAIL was refused";
    // Begun again, it waits for its own end of data reply before the next.
    const std::size_t again = h.begin(envelope({"b@example.net"}), text(1));
    h.written();
    h.feed("250 ok\r\n250 ok\r\n354 go\r\n");
    h.session->send_chunk("2", true);
    EXPECT_FALSE(h.session->can_begin_transaction());
    h.written();
    h.feed("250 queued\r\n");
    ASSERT_NE(h.result(again), nullptr);
    EXPECT_TRUE(h.result(again)->result.delivered());
}

TEST(SessionMany, BdatWindowWritesMessagesBeforeAnyReplyWithRsetBetween) {
    Harness h(pipelining_chunking, 3);
    std::vector<std::size_t> ids;
    for (int i = 0; i < 4; ++i) {
        if (!h.session->can_begin_transaction()) {
            break;
        }
        ids.push_back(h.begin(envelope({"r" + std::to_string(i) + "@example.net"}), text(1)));
        EXPECT_EQ(h.ready.back(), ids.back());
        h.session->send_chunk(std::to_string(i), true);
    }
    ASSERT_EQ(ids.size(), 3u) << "the window";
    EXPECT_EQ(h.written(),
              "MAIL FROM:<sender@example.com> SIZE=1\r\nRCPT TO:<r0@example.net>\r\n"
              "BDAT 3 LAST\r\n0\r\n"
              "RSET\r\nMAIL FROM:<sender@example.com> SIZE=1\r\nRCPT TO:<r1@example.net>\r\n"
              "BDAT 3 LAST\r\n1\r\n"
              "RSET\r\nMAIL FROM:<sender@example.com> SIZE=1\r\nRCPT TO:<r2@example.net>\r\n"
              "BDAT 3 LAST\r\n2\r\n");
    // The middle message's only recipient is refused: its BDAT too. The RSET
    // that opens the third clears its transaction: no RSET of its own.
    h.feed("250 ok\r\n250 ok\r\n250 queued 0\r\n");
    EXPECT_FALSE(h.session->can_begin_transaction()) << "the window is full until it drains";
    h.feed("250 reset\r\n250 ok\r\n550 no such user\r\n554 no valid recipients\r\n");
    h.feed("250 reset\r\n250 ok\r\n250 ok\r\n250 queued 2\r\n");
    EXPECT_TRUE(h.written().empty());
    ASSERT_EQ(h.done.size(), 3u);
    EXPECT_TRUE(h.result(ids[0])->result.delivered());
    EXPECT_EQ(h.result(ids[0])->result.final_reply.lines[0], "queued 0");
    EXPECT_EQ(h.result(ids[1])->ec, error::no_valid_recipients);
    EXPECT_EQ(h.result(ids[1])->result.recipients[0].reply.code, 550);
    EXPECT_TRUE(h.result(ids[2])->result.delivered());
    EXPECT_EQ(h.result(ids[2])->result.final_reply.lines[0], "queued 2");
    for (auto id : ids) {
        EXPECT_EQ(h.result(id)->result.round_trips, 1u);
    }
    EXPECT_TRUE(h.session->can_begin_transaction());
    EXPECT_EQ(h.session->state(), Session::State::ready);
}

TEST(SessionMany, LastOfAWindowRefusedResetsItself) {
    Harness h(pipelining_chunking, 2);
    const std::size_t a = h.begin(envelope({"a@example.net"}), text(1));
    h.session->send_chunk("a", true);
    const std::size_t b = h.begin(envelope({"b@example.net"}), text(1));
    h.session->send_chunk("b", true);
    h.written();
    h.feed("250 ok\r\n250 ok\r\n250 queued\r\n250 reset\r\n250 ok\r\n250 ok\r\n452 full\r\n");
    EXPECT_EQ(h.written(), "RSET\r\n");
    h.feed("250 reset\r\n");
    EXPECT_TRUE(h.result(a)->result.delivered());
    EXPECT_EQ(h.result(b)->ec, error::message_deferred);  // 452: for now
    EXPECT_EQ(h.result(b)->result.final_reply.code, 452);
}

TEST(SessionMany, FailureEndsEveryTransactionInFlight) {
    Harness h(pipelining_chunking);
    const std::size_t a = h.begin(envelope({"a@example.net"}), text(1));
    h.session->send_chunk("a", true);
    const std::size_t b = h.begin(envelope({"b@example.net"}), text(1));
    h.session->send_chunk("b", true);
    h.written();
    h.feed("250 ok\r\n250 ok\r\n250 queued\r\n250 reset\r\n");
    h.session->feed_eof();
    h.drain();
    ASSERT_EQ(h.done.size(), 2u);
    EXPECT_TRUE(h.result(a)->result.delivered());
    EXPECT_EQ(h.result(b)->ec, error::connection_closed);
    EXPECT_EQ(h.result(b)->result.verdict, Verdict::unknown);
    const std::size_t c = h.begin(envelope({"c@example.net"}), text(1));
    h.drain();
    EXPECT_EQ(h.result(c)->ec, error::session_failed);
}

TEST(SessionMany, WithoutPipeliningOneAtATime) {
    Harness h({"CHUNKING"});
    h.begin(envelope({"a@example.net"}), text(1));
    EXPECT_FALSE(h.session->can_begin_transaction());
    const std::size_t refused = h.begin(envelope({"b@example.net"}), text(1));
    h.drain();
    ASSERT_NE(h.result(refused), nullptr);
    EXPECT_EQ(h.result(refused)->ec, error::operation_in_progress);
    EXPECT_EQ(h.written(), "MAIL FROM:<sender@example.com>\r\n");
}

// --- DATA and BDAT deliver the same octets -----------------------------------

// The content a BDAT server assembles from the chunks on the wire.
std::string unframe_bdat(std::string_view wire) {
    std::string content;
    while (!wire.empty()) {
        const auto eol = wire.find("\r\n");
        const std::string_view line = wire.substr(0, eol);
        EXPECT_EQ(line.substr(0, 5), "BDAT ");
        const std::size_t n = std::stoul(std::string(line.substr(5)));
        content.append(wire.substr(eol + 2, n));
        wire.remove_prefix(eol + 2 + n);
    }
    return content;
}

TEST(SessionProperty, DataAndBdatDeliverTheSameOctets) {
    std::mt19937 rng(20261126);
    const std::string alphabet = "ab.\r\n \xC3\xA9";
    for (int round = 0; round < 200; ++round) {
        std::string message;
        const std::size_t size = rng() % 300;
        for (std::size_t i = 0; i < size; ++i) {
            message += alphabet[rng() % alphabet.size()];
        }
        const std::size_t chunk = 1 + rng() % 40;
        const MessageInfo info{message.size(), ContentClass::eight_bit};

        Harness data({"PIPELINING", "8BITMIME"});
        data.begin(envelope({"a@example.net"}), info);
        data.written();
        data.feed("250 ok\r\n250 ok\r\n354 go\r\n");
        Harness bdat(pipelining_chunking);
        bdat.begin(envelope({"a@example.net"}), info);
        EXPECT_EQ(bdat.ready.size(), 1u);
        const std::string commands = bdat.written();
        EXPECT_EQ(commands.find("BDAT"), std::string::npos) << "no chunk before the content";
        for (std::size_t pos = 0;; pos += chunk) {
            const bool last = pos + chunk >= message.size();
            const std::string_view part =
                std::string_view(message).substr(std::min(pos, message.size()), chunk);
            data.session->send_chunk(part, last);
            bdat.session->send_chunk(part, last);
            if (last) {
                break;
            }
        }
        const test::DecodedData decoded = test::decode_data(data.written());
        ASSERT_TRUE(decoded.ok()) << decoded.problem;
        const std::string framed = bdat.written();
        EXPECT_EQ(unframe_bdat(framed), decoded.content) << "round " << round;
    }
}

}  // namespace
}  // namespace smtpkit::protocol
