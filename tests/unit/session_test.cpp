// The session engine driven by byte scripts: what it writes, what it decides.
#include "smtpkit/protocol/session.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "smtpkit/error.hpp"
#include "unit/session_harness.hpp"

namespace smtpkit::protocol {
namespace {

TEST(Session, GreetingThenEhloGivesCapabilities) {
    Harness h;
    EXPECT_TRUE(h.session.wants_read());
    h.greet_and_hello(ehlo_pipelining);
    EXPECT_TRUE(h.session.extended());
    EXPECT_TRUE(h.session.capabilities().pipelining());
    EXPECT_EQ(h.session.capabilities().size_limit(), 1000000u);
    EXPECT_EQ(h.session.state(), Session::State::ready);
}

TEST(Session, GreetingRefusedWith554) {
    Harness h;
    h.server("554 5.7.1 go away\r\n");
    auto done = h.completion();
    ASSERT_TRUE(done);
    const auto& failed = std::get<OperationFailed>(*done);
    EXPECT_EQ(failed.ec, error::greeting_refused);
    EXPECT_EQ(failed.reply.code, 554);
    EXPECT_FALSE(h.session.usable());
}

TEST(Session, EhloRefusedWith502FallsBackToHelo) {
    Harness h;
    h.server("220 old.example.org\r\n");
    h.completion();
    h.session.hello();
    EXPECT_EQ(h.written(), "EHLO client.example.com\r\n");
    h.server("502 5.5.2 command not recognized\r\n");
    EXPECT_FALSE(h.completion());
    EXPECT_EQ(h.written(), "HELO client.example.com\r\n");
    h.server("250 old.example.org\r\n");
    auto done = h.completion();
    ASSERT_TRUE(done);
    EXPECT_FALSE(std::get<HelloDone>(*done).extended);
    EXPECT_TRUE(h.session.capabilities().empty());
}

TEST(Session, EhloRefusedWith550IsNotAFallback) {
    Harness h;
    h.server("220 mx\r\n");
    h.completion();
    h.session.hello();
    h.written();
    h.server("550 5.7.1 not you\r\n");
    auto done = h.completion();
    ASSERT_TRUE(done);
    EXPECT_EQ(std::get<OperationFailed>(*done).ec, error::hello_refused);
    EXPECT_TRUE(h.written().empty());
}

TEST(Session, WithoutExtendedOnlyHeloIsSent) {
    Harness h(make_config(false));
    h.server("220 mx\r\n");
    h.completion();
    h.session.hello();
    EXPECT_EQ(h.written(), "HELO client.example.com\r\n");
}

TEST(Session, PipelinedTransactionIsOneWriteThenContent) {
    Harness h;
    h.greet_and_hello(ehlo_pipelining);
    h.session.begin_transaction(envelope({"a@example.net", "<b@example.net>"}));
    EXPECT_EQ(h.written(),
              "MAIL FROM:<sender@example.com>\r\nRCPT TO:<a@example.net>\r\n"
              "RCPT TO:<b@example.net>\r\nDATA\r\n");
    h.server("250 2.1.0 ok\r\n250 2.1.5 ok\r\n550 5.1.1 no such user\r\n354 go ahead\r\n");
    auto ready = h.completion();
    ASSERT_TRUE(ready && std::holds_alternative<ReadyForData>(*ready));
    h.session.send_data("Subject: hi\n\n.leading dot\nend");
    h.session.finish_data();
    EXPECT_EQ(h.written(), "Subject: hi\r\n\r\n..leading dot\r\nend\r\n.\r\n");
    h.server("250 2.0.0 queued as ABC\r\n");
    auto done = h.completion();
    ASSERT_TRUE(done);
    const auto& tx = std::get<TransactionDone>(*done);
    EXPECT_FALSE(tx.ec);
    EXPECT_EQ(tx.result.verdict, Verdict::delivered);
    ASSERT_EQ(tx.result.recipients.size(), 2u);
    EXPECT_TRUE(tx.result.recipients[0].accepted());
    EXPECT_FALSE(tx.result.recipients[1].accepted());
    EXPECT_EQ(tx.result.recipients[1].address, "b@example.net");
    EXPECT_EQ(tx.result.recipients[1].reply.code, 550);
    EXPECT_EQ(tx.result.final_reply.code, 250);
    EXPECT_EQ(tx.result.round_trips, 2u);
}

TEST(Session, UnpipelinedTransactionIsOneCommandPerWait) {
    Harness h;
    h.greet_and_hello(ehlo_plain);
    h.session.begin_transaction(envelope({"a@example.net", "b@example.net"}));
    EXPECT_EQ(h.written(), "MAIL FROM:<sender@example.com>\r\n");
    h.server("250 ok\r\n");
    EXPECT_EQ(h.written(), "RCPT TO:<a@example.net>\r\n");
    h.server("250 ok\r\n");
    EXPECT_EQ(h.written(), "RCPT TO:<b@example.net>\r\n");
    h.server("250 ok\r\n");
    EXPECT_EQ(h.written(), "DATA\r\n");
    h.server("354 go\r\n");
    ASSERT_TRUE(std::holds_alternative<ReadyForData>(*h.completion()));
    h.session.finish_data();
    EXPECT_EQ(h.written(), ".\r\n");
    h.server("250 ok\r\n");
    const auto tx = std::get<TransactionDone>(*h.completion());
    EXPECT_EQ(tx.result.verdict, Verdict::delivered);
    EXPECT_EQ(tx.result.round_trips, 5u);
}

TEST(Session, AllRecipientsRefusedSendsNoDataAndResets) {
    Harness h;
    h.greet_and_hello(ehlo_plain);
    h.session.begin_transaction(envelope({"a@example.net"}));
    h.written();
    h.server("250 ok\r\n");
    h.written();
    h.server("550 5.1.1 unknown\r\n");
    EXPECT_EQ(h.written(), "RSET\r\n");
    EXPECT_FALSE(h.completion());
    h.server("250 flushed\r\n");
    const auto tx = std::get<TransactionDone>(*h.completion());
    EXPECT_EQ(tx.ec, error::no_valid_recipients);
    EXPECT_EQ(tx.result.verdict, Verdict::not_delivered);
    EXPECT_EQ(tx.result.data_reply.code, 0) << "DATA must not be sent";
    EXPECT_EQ(h.session.state(), Session::State::ready);
}

TEST(Session, PipelinedAllRefusedAndDataRefusedEndsWithRset) {
    Harness h;
    h.greet_and_hello(ehlo_pipelining);
    h.session.begin_transaction(envelope({"a@example.net"}));
    h.written();
    h.server("250 ok\r\n550 no\r\n554 5.5.1 no valid recipients\r\n");
    EXPECT_EQ(h.written(), "RSET\r\n");
    h.server("250 ok\r\n");
    const auto tx = std::get<TransactionDone>(*h.completion());
    EXPECT_EQ(tx.ec, error::no_valid_recipients);
    EXPECT_EQ(tx.result.data_reply.code, 554);
}

TEST(Session, PipelinedUnwanted354IsEndedWithoutContent) {
    Harness h;
    h.greet_and_hello(ehlo_pipelining);
    h.session.begin_transaction(envelope({"a@example.net"}));
    h.written();
    h.server("250 ok\r\n550 no\r\n354 go ahead anyway\r\n");
    EXPECT_EQ(h.written(), ".\r\n");
    h.server("554 no recipients\r\n");
    EXPECT_EQ(h.written(), "RSET\r\n");
    h.server("250 ok\r\n");
    const auto tx = std::get<TransactionDone>(*h.completion());
    EXPECT_EQ(tx.ec, error::no_valid_recipients);
    EXPECT_EQ(tx.result.verdict, Verdict::not_delivered);
}

TEST(Session, MailRefusedEndsTheTransaction) {
    Harness h;
    h.greet_and_hello(ehlo_plain);
    h.session.begin_transaction(envelope({"a@example.net"}));
    h.written();
    h.server("451 4.3.0 try later\r\n");
    EXPECT_TRUE(h.written().empty());
    const auto tx = std::get<TransactionDone>(*h.completion());
    EXPECT_EQ(tx.ec, error::sender_deferred);  // 451: for now
    EXPECT_EQ(tx.result.mail_reply.code, 451);
}

TEST(Session, PipelinedMailRefusedWaitsForEveryReply) {
    Harness h;
    h.greet_and_hello(ehlo_pipelining);
    h.session.begin_transaction(envelope({"a@example.net", "b@example.net"}));
    h.written();
    h.server("550 5.7.1 sender rejected\r\n503 5.5.1 need MAIL\r\n");
    EXPECT_FALSE(h.completion());
    h.server("503 5.5.1 need MAIL\r\n503 5.5.1 need RCPT\r\n");
    const auto tx = std::get<TransactionDone>(*h.completion());
    EXPECT_EQ(tx.ec, error::sender_refused);
    EXPECT_TRUE(h.written().empty()) << "no RSET after a refused MAIL";
}

TEST(Session, Utf8AddressSaysSmtputf8OnMail) {
    Harness h;
    h.greet_and_hello("250-mx\r\n250-PIPELINING\r\n250 SMTPUTF8\r\n");
    h.session.begin_transaction(envelope({"j\xC3\xB6rg@example.net"}));
    EXPECT_EQ(h.written(),
              "MAIL FROM:<sender@example.com> SMTPUTF8\r\nRCPT TO:<j\xC3\xB6rg@example.net>\r\n"
              "DATA\r\n");
}

TEST(Session, Utf8AddressWithoutSmtputf8IsRefusedBeforeSending) {
    Harness h;
    h.greet_and_hello(ehlo_pipelining);
    h.session.begin_transaction(envelope({"j\xC3\xB6rg@example.net"}));
    EXPECT_TRUE(h.written().empty());
    // Refused before anything was written: the transaction's one completion.
    EXPECT_EQ(std::get<TransactionDone>(*h.completion()).ec, error::utf8_not_allowed);
}

TEST(Session, BadRecipientWritesNothing) {
    Harness h;
    h.greet_and_hello(ehlo_pipelining);
    h.session.begin_transaction(envelope({"a@example.net", "b@example.net\r\nDATA"}));
    EXPECT_TRUE(h.written().empty());
    const auto failed = std::get<TransactionDone>(*h.completion());
    EXPECT_EQ(failed.ec, error::invalid_character);
    EXPECT_EQ(failed.result.round_trips, 0u);
    EXPECT_EQ(h.session.state(), Session::State::ready);
}

TEST(Session, DataRefusedAfterAcceptedRecipients) {
    Harness h;
    h.greet_and_hello(ehlo_plain);
    h.session.begin_transaction(envelope({"a@example.net"}));
    h.written();
    h.server("250 ok\r\n");
    h.written();
    h.server("250 ok\r\n");
    EXPECT_EQ(h.written(), "DATA\r\n");
    h.server("451 4.3.0 not now\r\n");
    EXPECT_EQ(h.written(), "RSET\r\n");
    h.server("250 ok\r\n");
    const auto tx = std::get<TransactionDone>(*h.completion());
    EXPECT_EQ(tx.ec, error::message_deferred);  // 451: for now
    EXPECT_EQ(tx.result.data_reply.code, 451);
}

TEST(Session, EndOfDataRefused) {
    Harness h;
    h.greet_and_hello(ehlo_pipelining);
    h.session.begin_transaction(envelope({"a@example.net"}));
    h.written();
    h.server("250 ok\r\n250 ok\r\n354 go\r\n");
    h.completion();
    h.session.send_data("x");
    h.session.finish_data();
    h.written();
    h.server("554 5.6.0 content rejected\r\n");
    const auto tx = std::get<TransactionDone>(*h.completion());
    EXPECT_EQ(tx.ec, error::message_refused);
    EXPECT_EQ(tx.result.verdict, Verdict::not_delivered);
    EXPECT_EQ(tx.result.final_reply.code, 554);
}

TEST(Session, ConnectionLostAfterEndOfDataIsUnknown) {
    Harness h;
    h.greet_and_hello(ehlo_pipelining);
    h.session.begin_transaction(envelope({"a@example.net"}));
    h.written();
    h.server("250 ok\r\n250 ok\r\n354 go\r\n");
    h.completion();
    h.session.finish_data();
    h.written();
    h.session.feed_eof();
    const auto tx = std::get<TransactionDone>(*h.completion());
    EXPECT_EQ(tx.ec, error::connection_closed);
    EXPECT_EQ(tx.result.verdict, Verdict::unknown);
    EXPECT_FALSE(h.session.usable());
}

TEST(Session, ConnectionLostBeforeDataIsNotDelivered) {
    Harness h;
    h.greet_and_hello(ehlo_pipelining);
    h.session.begin_transaction(envelope({"a@example.net"}));
    h.written();
    h.server("250 ok\r\n250-partial");
    h.session.feed_eof();
    const auto tx = std::get<TransactionDone>(*h.completion());
    EXPECT_EQ(tx.ec, error::connection_closed);
    EXPECT_EQ(tx.result.verdict, Verdict::not_delivered);
}

TEST(Session, UnsolicitedReplyIsAProtocolError) {
    Harness h;
    h.greet_and_hello(ehlo_plain);
    h.session.feed("250 nobody asked\r\n");
    const auto failed = std::get<OperationFailed>(*h.completion());
    EXPECT_EQ(failed.ec, error::unexpected_reply);
    EXPECT_FALSE(h.session.usable());
}

TEST(Session, MalformedReplyFailsTheSessionAndRefusesMoreWork) {
    Harness h;
    h.server("22x hello\r\n");
    const auto failed = std::get<OperationFailed>(*h.completion());
    EXPECT_EQ(failed.ec, error::reply_not_digits);
    h.session.hello();
    EXPECT_EQ(std::get<OperationFailed>(*h.completion()).ec, error::session_failed);
    EXPECT_TRUE(h.written().empty());
}

TEST(Session, SimpleCommandReturnsTheReplyWhateverTheCode) {
    Harness h;
    h.greet_and_hello(ehlo_plain);
    h.session.command(Command::vrfy("postmaster"));
    EXPECT_EQ(h.written(), "VRFY postmaster\r\n");
    h.server("252 2.5.2 cannot verify\r\n");
    EXPECT_EQ(std::get<CommandDone>(*h.completion()).reply.code, 252);
    h.session.command(Command::noop());
    h.written();
    h.server("500 what\r\n");
    EXPECT_EQ(std::get<CommandDone>(*h.completion()).reply.code, 500);
    EXPECT_TRUE(h.session.usable());
}

TEST(Session, SecondOperationWhileBusyIsRefused) {
    Harness h;
    h.greet_and_hello(ehlo_plain);
    h.session.command(Command::noop());
    h.session.command(Command::rset());
    EXPECT_EQ(std::get<OperationFailed>(*h.completion()).ec, error::operation_in_progress);
    EXPECT_EQ(h.written(), "NOOP\r\n");
}

TEST(Session, QuitAcceptsACloseInsteadOfAReply) {
    Harness h;
    h.greet_and_hello(ehlo_plain);
    h.session.quit();
    EXPECT_EQ(h.written(), "QUIT\r\n");
    h.session.feed_eof();
    EXPECT_TRUE(std::holds_alternative<CommandDone>(*h.completion()));
    EXPECT_EQ(h.session.state(), Session::State::closed);
    EXPECT_FALSE(h.session.wants_read());
}

TEST(Session, RepliesSplitAtEveryByteGiveTheSameResult) {
    const std::string reply = ehlo_pipelining;
    for (std::size_t cut = 1; cut < reply.size(); ++cut) {
        Harness h;
        h.server("220 mx ESMTP\r\n");
        h.completion();
        h.session.hello();
        h.written();
        h.server(std::string_view(reply).substr(0, cut));
        EXPECT_FALSE(h.completion()) << "cut at " << cut;
        h.server(std::string_view(reply).substr(cut));
        auto done = h.completion();
        ASSERT_TRUE(done && std::holds_alternative<HelloDone>(*done)) << "cut at " << cut;
        EXPECT_TRUE(h.session.capabilities().pipelining()) << "cut at " << cut;
    }
}

const char* const ehlo_starttls =
    "250-mx.example.org hello\r\n250-PIPELINING\r\n250-STARTTLS\r\n250 AUTH PLAIN LOGIN\r\n";

TEST(Session, StarttlsWaitsForTheHandshakeThenForgetsCapabilities) {
    Harness h;
    h.greet_and_hello(ehlo_starttls);
    h.session.starttls();
    EXPECT_EQ(h.written(), "STARTTLS\r\n");
    h.server("220 2.0.0 ready to start TLS\r\n");
    auto done = h.completion();
    ASSERT_TRUE(done && std::holds_alternative<TlsHandshakeNeeded>(*done));
    EXPECT_FALSE(h.session.wants_read()) << "nothing may be read before the handshake";
    h.session.tls_established();
    EXPECT_TRUE(h.session.capabilities().empty());
    EXPECT_EQ(h.session.state(), Session::State::connected);
    h.session.hello();
    EXPECT_EQ(h.written(), "EHLO client.example.com\r\n");
}

TEST(Session, BytesAfterThe220ToStarttlsAreAnInjection) {
    for (const char* injected : {"250-AUTH PLAIN\r\n250 ok\r\n", "2", "\r\n"}) {
        Harness h;
        h.greet_and_hello(ehlo_starttls);
        h.session.starttls();
        h.written();
        h.session.feed(std::string("220 ready\r\n") + injected);
        auto done = h.completion();
        ASSERT_TRUE(done);
        const auto* failed = std::get_if<OperationFailed>(&*done);
        ASSERT_NE(failed, nullptr) << "injected: " << injected;
        EXPECT_EQ(failed->ec, error::starttls_injection);
        EXPECT_FALSE(h.session.usable());
    }
}

TEST(Session, StarttlsAnsweredWithAnythingBut220EndsTheSession) {
    for (const char* reply : {"454 4.7.0 TLS not available\r\n", "502 5.5.1 no\r\n", "421 bye\r\n",
                              "250 ok\r\n", "354 what\r\n"}) {
        Harness h;
        h.greet_and_hello(ehlo_starttls);
        h.session.starttls();
        h.written();
        h.server(reply);
        const auto failed = std::get<OperationFailed>(*h.completion());
        EXPECT_EQ(failed.ec, reply[0] == '4' ? error::starttls_deferred : error::starttls_refused)
            << reply;
        EXPECT_FALSE(h.session.usable()) << reply;
        h.session.begin_transaction(envelope({"a@example.net"}));
        EXPECT_TRUE(h.written().empty()) << "no MAIL after a refused STARTTLS";
    }
}

TEST(Session, StarttlsNotOfferedIsRefusedWithoutSendingIt) {
    Harness h;
    h.greet_and_hello(ehlo_plain);
    h.session.starttls();
    EXPECT_EQ(std::get<OperationFailed>(*h.completion()).ec, error::starttls_not_offered);
    EXPECT_TRUE(h.written().empty());
}

}  // namespace
}  // namespace smtpkit::protocol
