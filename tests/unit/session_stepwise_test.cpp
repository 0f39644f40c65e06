// Step-by-step transactions in the core: MAIL, one RCPT at a time with its
// own reply, DATA or BDAT, content pushed in pieces, the end of data; a
// refused recipient in the middle; abort; BDAT chunk by chunk.
#include <gtest/gtest.h>

#include "smtpkit/error.hpp"
#include "unit/session_harness.hpp"

namespace smtpkit::protocol {
namespace {

const char* const ehlo_chunking =
    "250-mx.example.org hello\r\n250-PIPELINING\r\n250-CHUNKING\r\n250 8BITMIME\r\n";

Envelope sender_only() {
    return Envelope{"sender@example.com", {}};
}

const StepDone& step(const std::optional<Event>& e) {
    static const StepDone none{};
    if (!e || !std::holds_alternative<StepDone>(*e)) {
        ADD_FAILURE() << "no StepDone";
        return none;
    }
    return std::get<StepDone>(*e);
}

TEST(SessionStepwise, OneCommandAtATimeEachWithItsReply) {
    Harness h;
    h.greet_and_hello(ehlo_pipelining);  // PIPELINING offered, and still one at a time
    const std::size_t id = h.session.open_transaction(sender_only(), {.size = 9});
    EXPECT_EQ(h.written(), "MAIL FROM:<sender@example.com> SIZE=9\r\n");
    h.server("250 2.1.0 ok\r\n");
    EXPECT_EQ(step(h.completion()).reply.code, 250);
    EXPECT_EQ(h.session.stepwise_transaction(), id);

    h.session.add_recipient(Recipient("a@example.net"));
    EXPECT_EQ(h.written(), "RCPT TO:<a@example.net>\r\n");
    h.server("250 2.1.5 ok\r\n");
    EXPECT_EQ(step(h.completion()).verb, Verb::rcpt);

    h.session.add_recipient(Recipient("nobody@example.net"));
    EXPECT_EQ(h.written(), "RCPT TO:<nobody@example.net>\r\n");
    h.server("550 5.1.1 no such user\r\n");
    const StepDone refused = step(h.completion());
    EXPECT_EQ(refused.reply.code, 550);  // an answer: the transaction stays open

    h.session.add_recipient(Recipient("b@example.net"));
    EXPECT_EQ(h.written(), "RCPT TO:<b@example.net>\r\n");
    h.server("250 2.1.5 ok\r\n");
    h.completion();

    h.session.start_data();
    EXPECT_EQ(h.written(), "DATA\r\n");
    h.server("354 go\r\n");
    const auto ready = h.completion();
    ASSERT_TRUE(ready && std::holds_alternative<ReadyForData>(*ready));
    h.session.send_chunk("Subject: x\n", false);
    h.session.send_chunk("\n.dot\n", false);
    h.session.send_chunk({}, true);
    EXPECT_EQ(h.written(), "Subject: x\r\n\r\n..dot\r\n.\r\n");
    h.server("250 2.0.0 queued\r\n");
    const auto done = h.completion();
    ASSERT_TRUE(done && std::holds_alternative<TransactionDone>(*done));
    const TransactionDone& t = std::get<TransactionDone>(*done);
    EXPECT_EQ(t.transaction, id);
    EXPECT_FALSE(t.ec);
    EXPECT_TRUE(t.result.delivered());
    ASSERT_EQ(t.result.recipients.size(), 3u);
    EXPECT_EQ(t.result.recipients[1].reply.code, 550);
    EXPECT_EQ(t.result.accepted_count(), 2u);
    EXPECT_EQ(h.session.stepwise_transaction(), 0u);
    EXPECT_EQ(h.session.state(), Session::State::ready);
}

TEST(SessionStepwise, MailRefusedEndsItWithoutReset) {
    Harness h;
    h.greet_and_hello(ehlo_plain);
    h.session.open_transaction(sender_only());
    h.written();
    h.server("451 4.3.0 try later\r\n");
    const auto done = h.completion();
    ASSERT_TRUE(done && std::holds_alternative<TransactionDone>(*done));
    EXPECT_EQ(std::get<TransactionDone>(*done).ec, error::sender_deferred);
    EXPECT_TRUE(h.written().empty());
    EXPECT_EQ(h.session.state(), Session::State::ready);
}

TEST(SessionStepwise, DataWithoutAnAcceptedRecipientResetsAndEnds) {
    Harness h;
    h.greet_and_hello(ehlo_plain);
    h.session.open_transaction(sender_only());
    h.written();
    h.server("250 ok\r\n");
    h.completion();
    h.session.add_recipient(Recipient("x@example.net"));
    h.written();
    h.server("550 5.1.1 unknown\r\n");
    h.completion();
    h.session.start_data();
    EXPECT_EQ(h.written(), "RSET\r\n");
    h.server("250 reset\r\n");
    const auto done = h.completion();
    ASSERT_TRUE(done && std::holds_alternative<TransactionDone>(*done));
    EXPECT_EQ(std::get<TransactionDone>(*done).ec, error::no_valid_recipients);
}

TEST(SessionStepwise, AbortBeforeTheDataResets) {
    Harness h;
    h.greet_and_hello(ehlo_plain);
    h.session.open_transaction(sender_only());
    h.written();
    h.server("250 ok\r\n");
    h.completion();
    h.session.abort_transaction();
    EXPECT_EQ(h.written(), "RSET\r\n");
    h.server("250 ok\r\n");
    const auto done = h.completion();
    ASSERT_TRUE(done && std::holds_alternative<TransactionDone>(*done));
    EXPECT_EQ(std::get<TransactionDone>(*done).ec, error::cancelled);
    EXPECT_EQ(std::get<TransactionDone>(*done).result.verdict, Verdict::not_delivered);
}

TEST(SessionStepwise, AbortInTheMiddleOfDataFailsTheSessionRatherThanEndIt) {
    Harness h;
    h.greet_and_hello(ehlo_plain);
    h.session.open_transaction(sender_only());
    h.written();
    h.server("250 ok\r\n");
    h.completion();
    h.session.add_recipient(Recipient("a@example.net"));
    h.written();
    h.server("250 ok\r\n");
    h.completion();
    h.session.start_data();
    h.written();
    h.server("354 go\r\n");
    h.completion();
    h.session.send_chunk("half a message\n", false);
    h.written();
    h.session.abort_transaction();
    const auto done = h.completion();
    ASSERT_TRUE(done && std::holds_alternative<TransactionDone>(*done));
    EXPECT_EQ(std::get<TransactionDone>(*done).ec, error::cancelled);
    EXPECT_EQ(std::get<TransactionDone>(*done).result.verdict, Verdict::not_delivered);
    EXPECT_FALSE(h.session.usable());
    EXPECT_TRUE(h.written().empty()) << "never an end of data";
}

TEST(SessionStepwise, BdatChunkByChunkEachWithItsReply) {
    Harness h;
    h.greet_and_hello(ehlo_chunking);
    h.session.open_transaction(sender_only());
    h.written();
    h.server("250 ok\r\n");
    h.completion();
    h.session.add_recipient(Recipient("a@example.net"));
    h.written();
    h.server("250 ok\r\n");
    h.completion();
    h.session.start_data();
    const auto ready = h.completion();  // at once: BDAT needs no go-ahead
    ASSERT_TRUE(ready && std::holds_alternative<ReadyForData>(*ready));
    h.session.send_chunk("first\r\n", false);
    EXPECT_EQ(h.written(), "BDAT 7\r\nfirst\r\n");
    EXPECT_FALSE(h.session.content_wanted());
    h.server("250 7 octets\r\n");
    const auto again = h.completion();
    ASSERT_TRUE(again && std::holds_alternative<ReadyForData>(*again));
    h.session.send_chunk({}, true);
    EXPECT_EQ(h.written(), "BDAT 0 LAST\r\n");
    h.server("250 queued\r\n");
    const auto done = h.completion();
    ASSERT_TRUE(done && std::holds_alternative<TransactionDone>(*done));
    EXPECT_TRUE(std::get<TransactionDone>(*done).result.delivered());
    EXPECT_TRUE(std::get<TransactionDone>(*done).result.chunked);
}

TEST(SessionStepwise, RecipientsGoOneByOneAndBadOnesWriteNothing) {
    Harness h;
    h.greet_and_hello(ehlo_plain);
    const std::size_t id = h.session.open_transaction(envelope({"a@example.net"}));
    const auto refused = h.completion();  // `to` must be empty
    ASSERT_TRUE(refused && std::holds_alternative<TransactionDone>(*refused));
    EXPECT_EQ(std::get<TransactionDone>(*refused).transaction, id);
    EXPECT_EQ(std::get<TransactionDone>(*refused).ec, error::invalid_parameter);
    EXPECT_TRUE(h.written().empty());

    h.session.open_transaction(sender_only());
    h.written();
    h.server("250 ok\r\n");
    h.completion();
    h.session.add_recipient(Recipient("bad@example.net>\r\nRSET"));
    const auto bad = h.completion();
    ASSERT_TRUE(bad && std::holds_alternative<OperationFailed>(*bad));
    EXPECT_EQ(std::get<OperationFailed>(*bad).ec, error::invalid_character);
    EXPECT_TRUE(h.written().empty());
    EXPECT_NE(h.session.stepwise_transaction(), 0u);  // still open
}

}  // namespace
}  // namespace smtpkit::protocol
