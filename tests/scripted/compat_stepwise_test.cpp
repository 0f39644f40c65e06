// CSmtpClient's step-by-step transaction (CreateMessage, AddRecipient,
// Write, CloseMessage) against scripted servers: a refused recipient in the
// middle, a Write after a lost connection, a CloseMessage whose reply is
// lost (unknown, as in smtpkit's end_message), Reset, misuse.
#include "scripted/compat_fixture.hpp"

namespace smtpkit::test {
namespace {

TEST(CompatStepwise, ARefusedRecipientInTheMiddleAndContentInPieces) {
    ScriptServer server(Script::esmtp({"8BITMIME", "SIZE 100000"})
                            .expect("MAIL FROM:<sender@example.com> SIZE=46")
                            .send("250 2.1.0 ok\r\n")
                            .expect("RCPT TO:<a@example.com>")
                            .send("250 2.1.5 ok\r\n")
                            .expect("RCPT TO:<nobody@example.com>")
                            .send("550 5.1.1 no such user\r\n")
                            .expect("RCPT TO:<c@example.com>")
                            .send("250 2.1.5 ok\r\n")
                            .expect("DATA")
                            .send("354 go\r\n")
                            .expect_data()
                            .send("250 2.0.0 queued as S1\r\n")
                            .quit());
    CSmtpClient client;
    ASSERT_TRUE(connect_esmtp(client, server));
    EXPECT_EQ(client.CreateMessage("sender@example.com", 46), 0) << hex(client.GetLastError());
    EXPECT_EQ(client.AddRecipient("a@example.com"), 0);
    EXPECT_EQ(client.AddRecipient("nobody@example.com"), SMTP_ERROR);
    EXPECT_ST_ERROR(client, ST_ERROR_RECIPIENT_REFUSED);
    EXPECT_EQ(client.GetResultCode(), 550);
    EXPECT_EQ(client.AddRecipient("c@example.com"), 0);  // the transaction goes on
    EXPECT_EQ(client.Write("Subject: pieces\n\n"), 17);
    const char body[] = "first line\n.second starts with a dot\n";
    EXPECT_EQ(client.Write(body, static_cast<INT>(sizeof body - 1)),
              static_cast<INT>(sizeof body - 1));
    EXPECT_EQ(client.CloseMessage(), 0) << hex(client.GetLastError());
    EXPECT_EQ(client.GetResultCode(), 250);
    const SendResult& r = client.GetLastSendResult();
    EXPECT_TRUE(r.delivered());
    ASSERT_EQ(r.recipients.size(), 3u);
    EXPECT_EQ(r.recipients[1].reply.code, 550);
    EXPECT_TRUE(client.Disconnect());
    expect_server_done(server);
    EXPECT_EQ(server.messages(),
              (std::vector<std::string>{"Subject: pieces\r\n\r\nfirst line\r\n.second starts "
                                        "with a dot\r\n"}));
}

TEST(CompatStepwise, AWriteAfterTheConnectionWasLostFails) {
    ScriptServer server(Script::esmtp()
                            .expect("MAIL FROM:")
                            .send("250 ok\r\n")
                            .expect("RCPT TO:")
                            .send("250 ok\r\n")
                            .close());
    CSmtpClient client;
    ASSERT_TRUE(connect_esmtp(client, server));
    ASSERT_EQ(client.CreateMessage("sender@example.com"), 0);
    ASSERT_EQ(client.AddRecipient("a@example.com"), 0);
    EXPECT_EQ(client.Write("Subject: lost\r\n\r\n"), SMTP_ERROR);
    EXPECT_ST_ERROR(client, ST_ERROR_CONNECTION_CLOSED);
    EXPECT_FALSE(client.IsConnected());
    EXPECT_EQ(client.Write("more"), SMTP_ERROR);
    EXPECT_EQ(client.CloseMessage(), SMTP_ERROR);
    EXPECT_FALSE(client.GetLastSendResult().delivered());
    expect_server_done(server);
}

TEST(CompatStepwise, ACloseMessageWhoseReplyIsLostIsUnknown) {
    ScriptServer server(Script::esmtp()
                            .expect("MAIL FROM:")
                            .send("250 ok\r\n")
                            .expect("RCPT TO:")
                            .send("250 ok\r\n")
                            .expect("DATA")
                            .send("354 go\r\n")
                            .expect_data()
                            .close());
    CSmtpClient client;
    ASSERT_TRUE(connect_esmtp(client, server));
    ASSERT_EQ(client.CreateMessage("sender@example.com"), 0);
    ASSERT_EQ(client.AddRecipient("a@example.com"), 0);
    ASSERT_EQ(client.Write("Subject: maybe\r\n\r\nbody\r\n"), 24);
    EXPECT_EQ(client.CloseMessage(), SMTP_ERROR);
    EXPECT_ST_ERROR(client, ST_ERROR_DELIVERY_STATUS_UNKNOWN);
    EXPECT_EQ(client.GetLastSendResult().verdict, Verdict::unknown);  // it may have been taken
    EXPECT_EQ(client.GetLastErrorCode(), error::connection_closed);
    expect_server_done(server);
}

TEST(CompatStepwise, ResetAbandonsTheMessageAndTheSessionGoesOn) {
    ScriptServer server(Script::esmtp()
                            .expect("MAIL FROM:")
                            .send("250 ok\r\n")
                            .expect("RCPT TO:")
                            .send("250 ok\r\n")
                            .expect("RSET")
                            .send("250 ok\r\n")
                            .expect("RSET")
                            .send("250 ok\r\n")
                            .quit());
    CSmtpClient client;
    ASSERT_TRUE(connect_esmtp(client, server));
    ASSERT_EQ(client.CreateMessage("sender@example.com"), 0);
    ASSERT_EQ(client.AddRecipient("a@example.com"), 0);
    EXPECT_TRUE(client.Reset());  // the open transaction
    EXPECT_TRUE(client.Reset());  // a plain RSET
    EXPECT_TRUE(client.Disconnect());
    expect_server_done(server);
}

TEST(CompatStepwise, RefusalsAndMisuse) {
    ScriptServer server(Script::esmtp()
                            .expect("MAIL FROM:")
                            .send("451 4.3.0 not now\r\n")
                            .expect("MAIL FROM:")
                            .send("250 ok\r\n")
                            .expect("RCPT TO:")
                            .send("550 5.1.1 unknown\r\n")
                            .expect("RSET")
                            .send("250 ok\r\n")
                            .quit());
    CSmtpClient client;
    ASSERT_TRUE(connect_esmtp(client, server));
    EXPECT_EQ(client.AddRecipient("a@example.com"), SMTP_ERROR);  // no CreateMessage yet
    EXPECT_ST_ERROR(client, ST_ERROR_INVALID_COMMAND);
    EXPECT_EQ(client.CreateMessage("sender@example.com"), SMTP_ERROR);
    EXPECT_ST_ERROR(client, ST_ERROR_SENDER_REFUSED);
    EXPECT_EQ(client.GetResultCode(), 451);
    ASSERT_EQ(client.CreateMessage("sender@example.com"), 0);
    EXPECT_EQ(client.AddRecipient("a@example.com"), SMTP_ERROR);
    EXPECT_EQ(client.Write("Subject: never\r\n\r\n"), SMTP_ERROR);
    EXPECT_ST_ERROR(client, ST_ERROR_NO_VALID_RECIPIENTS);
    EXPECT_EQ(client.Write(nullptr, 3), SMTP_ERROR);
    EXPECT_ST_ERROR(client, ST_ERROR_INVALID_PARAMETER);
    EXPECT_TRUE(client.Disconnect());
    expect_server_done(server);
    EXPECT_FALSE(server.saw("DATA"));
}

}  // namespace
}  // namespace smtpkit::test
