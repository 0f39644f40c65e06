// The Mailer's retries against scripted servers: a 4yz is tried again after
// its backoff and delivered, a 5yz is final at its first attempt, and a
// verdict the client cannot know is final unless the caller opts in.
#include "scripted/mailer_fixture.hpp"

namespace smtpkit::test {
namespace {

TEST(MailerRetry, A451IsRetriedAndThenDelivered) {
    Script s = mailer_prologue();
    one_transaction(s, "451 4.3.0 try later\r\n");
    one_transaction(s).quit();
    ScriptServer server(s);
    Mailer mailer(mailer_options(server.port()));
    const MailResult r = mailer.send(mailer_envelope(), message());
    mailer.close();
    expect_server_done(server);
    EXPECT_TRUE(r.delivered());
    EXPECT_FALSE(r.error);
    ASSERT_EQ(r.attempts.size(), 2u);
    EXPECT_EQ(r.attempts[0].reply.code, 451);
    EXPECT_EQ(r.attempts[0].error, error::message_deferred);
    EXPECT_EQ(r.attempts[1].reply.code, 250);
    EXPECT_EQ(r.attempts[0].session, r.attempts[1].session) << "the session was still good";
    EXPECT_EQ(server.messages().size(), 2u);
    EXPECT_EQ(mailer.stats().retries, 1u);
}

TEST(MailerRetry, GivesUpAfterMaxAttempts) {
    Script s = mailer_prologue();
    one_transaction(s, "451 4.3.0 try later\r\n");
    one_transaction(s, "452 4.3.1 still full\r\n").quit();
    ScriptServer server(s);
    MailerOptions o = mailer_options(server.port());
    o.retry.max_attempts = 2;
    Mailer mailer(o);
    const MailResult r = mailer.send(mailer_envelope(), message());
    mailer.close();
    expect_server_done(server);
    EXPECT_EQ(r.verdict, Verdict::not_delivered);
    EXPECT_EQ(r.error, error::message_deferred);
    ASSERT_EQ(r.attempts.size(), 2u);
    EXPECT_EQ(r.attempts[1].reply.code, 452);
}

TEST(MailerRetry, A550IsReturnedAtOnceAfterOneAttempt) {
    Script s = mailer_prologue();
    one_transaction(s, "550 5.7.1 no thanks\r\n").quit();
    ScriptServer server(s);
    Mailer mailer(mailer_options(server.port()));
    const MailResult r = mailer.send(mailer_envelope(), message());
    mailer.close();
    expect_server_done(server);
    EXPECT_EQ(r.verdict, Verdict::not_delivered);
    EXPECT_EQ(r.error, error::message_refused);
    ASSERT_EQ(r.attempts.size(), 1u);
    EXPECT_EQ(r.attempts[0].reply.code, 550);
    EXPECT_EQ(mailer.stats().retries, 0u);
}

TEST(MailerRetry, ARefusedRecipientIsFinalToo) {
    Script s = mailer_prologue();
    s.expect("MAIL FROM:").expect("RCPT TO:").expect("DATA");
    s.send("250 2.1.0 ok\r\n550 5.1.1 no such user\r\n554 5.5.1 no valid recipients\r\n");
    s.expect("RSET").send("250 2.0.0 ok\r\n").quit();
    ScriptServer server(s);
    Mailer mailer(mailer_options(server.port()));
    const MailResult r = mailer.send(mailer_envelope(), message());
    mailer.close();
    expect_server_done(server);
    EXPECT_EQ(r.error, error::no_valid_recipients);
    ASSERT_EQ(r.attempts.size(), 1u);
    EXPECT_EQ(r.attempts[0].reply.code, 554);
    ASSERT_EQ(r.attempts[0].result.recipients.size(), 1u);
    EXPECT_EQ(r.attempts[0].result.recipients[0].reply.code, 550);
}

// The connection is lost after the end of data: the server may have the
// message. Retrying could deliver it twice, so by default it is final.
TEST(MailerRetry, UnknownIsNotRetriedByDefault) {
    Script s = mailer_prologue();
    s.expect("MAIL FROM:").expect("RCPT TO:").expect("DATA");
    s.send("250 ok\r\n250 ok\r\n354 go\r\n").expect_data().close();
    ScriptServer server(s);
    Mailer mailer(mailer_options(server.port()));
    const MailResult r = mailer.send(mailer_envelope(), message());
    mailer.close();
    expect_server_done(server);
    EXPECT_EQ(r.verdict, Verdict::unknown);
    EXPECT_TRUE(r.error);
    EXPECT_EQ(r.attempts.size(), 1u);
    EXPECT_EQ(server.connections(), 1u);
}

TEST(MailerRetry, UnknownIsRetriedWhenTheCallerOptsIn) {
    Script first = mailer_prologue();
    first.expect("MAIL FROM:").expect("RCPT TO:").expect("DATA");
    first.send("250 ok\r\n250 ok\r\n354 go\r\n").expect_data().close();
    Script second = mailer_prologue();
    one_transaction(second).quit();
    ScriptServer server({first, second});
    MailerOptions o = mailer_options(server.port());
    o.retry.retry_unknown = true;
    Mailer mailer(o);
    const MailResult r = mailer.send(mailer_envelope(), message());
    mailer.close();
    expect_server_done(server);
    EXPECT_TRUE(r.delivered());
    ASSERT_EQ(r.attempts.size(), 2u);
    EXPECT_EQ(r.attempts[0].result.verdict, Verdict::unknown);
    EXPECT_NE(r.attempts[0].session, r.attempts[1].session) << "the lost session was replaced";
    EXPECT_EQ(server.messages().size(), 2u) << "the server saw it twice: the risk opted into";
}

// A connection lost before the end of data is transient: another session
// sends the message.
TEST(MailerRetry, ASessionLostBeforeTheDataIsReplacedAndTheMessageRetried) {
    Script first = mailer_prologue();
    first.expect("MAIL FROM:").expect("RCPT TO:").expect("DATA").abort();
    Script second = mailer_prologue();
    one_transaction(second).quit();
    ScriptServer server({first, second});
    Mailer mailer(mailer_options(server.port()));
    const MailResult r = mailer.send(mailer_envelope(), message());
    mailer.close();
    expect_server_done(server);
    EXPECT_TRUE(r.delivered());
    ASSERT_EQ(r.attempts.size(), 2u);
    EXPECT_EQ(r.attempts[0].result.verdict, Verdict::not_delivered);
    EXPECT_EQ(r.attempts[0].error, condition::transient);
    EXPECT_EQ(server.messages().size(), 1u);
}

}  // namespace
}  // namespace smtpkit::test
