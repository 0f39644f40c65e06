// The step-by-step transaction of smtpkit::Client (begin_message,
// add_recipient, write_message, end_message, abort_message) against a
// scripted server: a refused recipient in the middle, content in pieces,
// BDAT chunk by chunk, a write after a lost connection, an end of data whose
// reply is lost (unknown), abort.
#include "scripted/client_fixture.hpp"

namespace smtpkit::test {
namespace {

Envelope from_sender() {
    return Envelope{sender, {}};
}

TEST(Stepwise, ARefusedRecipientInTheMiddleAndContentInPieces) {
    ScriptServer server(Script::esmtp({"PIPELINING", "8BITMIME", "SIZE 100000"})
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
    Client client;
    client.connect("127.0.0.1", server.port(), esmtp_options());
    EXPECT_EQ(client.begin_message(from_sender(), 46).code, 250);
    EXPECT_EQ(client.add_recipient("a@example.com").code, 250);
    std::error_code ec;
    const Reply refused = client.add_recipient("nobody@example.com", ec);
    EXPECT_FALSE(ec) << ec.message();  // an answer, not an error
    EXPECT_EQ(refused.code, 550);
    EXPECT_EQ(client.last_error(), error::no_valid_recipients);
    EXPECT_EQ(client.add_recipient("c@example.com").code, 250);
    client.write_message("Subject: pieces\n\n");
    client.write_message("first line\n.second starts with a dot\n");
    const SendResult r = client.end_message();
    EXPECT_TRUE(r.delivered());
    EXPECT_EQ(r.final_reply.code, 250);
    ASSERT_EQ(r.recipients.size(), 3u);
    EXPECT_EQ(r.recipients[1].reply.code, 550);
    EXPECT_EQ(r.accepted_count(), 2u);
    EXPECT_EQ(client.last_reply().code, 250);
    client.quit();
    expect_server_done(server);
    EXPECT_EQ(server.messages(),
              (std::vector<std::string>{"Subject: pieces\r\n\r\nfirst line\r\n.second starts "
                                        "with a dot\r\n"}));
}

TEST(Stepwise, BdatChunkByChunk) {
    ScriptServer server(Script::esmtp({"CHUNKING", "8BITMIME"})
                            .expect("MAIL FROM:")
                            .send("250 ok\r\n")
                            .expect("RCPT TO:")
                            .send("250 ok\r\n")
                            .expect_bdat()
                            .send("250 12 octets\r\n")
                            .expect_bdat()
                            .send("250 5 octets\r\n")
                            .expect_bdat()
                            .send("250 queued\r\n")
                            .quit());
    Client client;
    client.connect("127.0.0.1", server.port(), esmtp_options());
    client.begin_message(from_sender());
    client.add_recipient("a@example.com");
    client.write_message("Subject: x\r\n");
    client.write_message("\r\nbody");
    const SendResult r = client.end_message();
    EXPECT_TRUE(r.delivered());
    EXPECT_TRUE(r.chunked);
    client.quit();
    expect_server_done(server);
    // The last chunk carries the final CRLF the content lacked.
    EXPECT_TRUE(has_substr(server.received(), "BDAT 2 LAST\r\n\r\n"));
}

TEST(Stepwise, NoAcceptedRecipientEndsTheTransactionWithReset) {
    ScriptServer server(Script::esmtp()
                            .expect("MAIL FROM:")
                            .send("250 ok\r\n")
                            .expect("RCPT TO:")
                            .send("452 4.5.3 too many recipients\r\n")
                            .expect("RSET")
                            .send("250 ok\r\n")
                            .expect("NOOP")
                            .send("250 ok\r\n")
                            .quit());
    Client client;
    client.connect("127.0.0.1", server.port(), esmtp_options());
    client.begin_message(from_sender());
    client.add_recipient("a@example.com");
    std::error_code ec;
    client.write_message("Subject: never\r\n\r\n", ec);
    EXPECT_EQ(ec, error::recipients_deferred);
    EXPECT_EQ(client.noop().code, 250);  // the session goes on
    client.quit();
    expect_server_done(server);
    EXPECT_FALSE(server.saw("DATA"));
}

TEST(Stepwise, AWriteAfterTheConnectionWasLostFails) {
    ScriptServer server(Script::esmtp()
                            .expect("MAIL FROM:")
                            .send("250 ok\r\n")
                            .expect("RCPT TO:")
                            .send("250 ok\r\n")
                            .close());
    Client client;
    client.connect("127.0.0.1", server.port(), esmtp_options());
    client.begin_message(from_sender());
    client.add_recipient("a@example.com");
    std::error_code ec;
    client.write_message("Subject: lost\r\n\r\n", ec);
    EXPECT_EQ(ec, error::connection_closed);
    EXPECT_FALSE(client.connected());
    const SendResult r = client.end_message(ec);
    EXPECT_TRUE(ec);
    EXPECT_FALSE(r.delivered());
    expect_server_done(server);
}

TEST(Stepwise, AnEndOfDataWhoseReplyIsLostIsUnknown) {
    ScriptServer server(Script::esmtp()
                            .expect("MAIL FROM:")
                            .send("250 ok\r\n")
                            .expect("RCPT TO:")
                            .send("250 ok\r\n")
                            .expect("DATA")
                            .send("354 go\r\n")
                            .expect_data()
                            .close());
    Client client;
    client.connect("127.0.0.1", server.port(), esmtp_options());
    client.begin_message(from_sender());
    client.add_recipient("a@example.com");
    client.write_message("Subject: maybe\r\n\r\nbody\r\n");
    std::error_code ec;
    const SendResult r = client.end_message(ec);
    EXPECT_EQ(ec, error::connection_closed);
    EXPECT_EQ(r.verdict, Verdict::unknown);  // it may have been taken
    expect_server_done(server);
}

TEST(Stepwise, AbortBeforeTheDataResetsAndTheSessionGoesOn) {
    ScriptServer server(Script::esmtp()
                            .expect("MAIL FROM:")
                            .send("250 ok\r\n")
                            .expect("RCPT TO:")
                            .send("250 ok\r\n")
                            .expect("RSET")
                            .send("250 ok\r\n")
                            .expect("NOOP")
                            .send("250 ok\r\n")
                            .quit());
    Client client;
    client.connect("127.0.0.1", server.port(), esmtp_options());
    client.begin_message(from_sender());
    client.add_recipient("a@example.com");
    client.abort_message();
    EXPECT_EQ(client.noop().code, 250);
    client.quit();
    expect_server_done(server);
}

TEST(Stepwise, MisuseIsRefusedWithoutWriting) {
    ScriptServer server(Script::esmtp().expect("MAIL FROM:").send("451 4.3.0 not now\r\n").quit());
    Client client;
    client.connect("127.0.0.1", server.port(), esmtp_options());
    std::error_code ec;
    client.add_recipient("a@example.com", ec);  // no begin_message() yet
    EXPECT_EQ(ec, error::invalid_command);
    client.begin_message(Envelope{sender, {"a@example.com"}}, std::nullopt, ec);
    EXPECT_EQ(ec, error::invalid_parameter);  // recipients come one by one
    const Reply mail = client.begin_message(from_sender(), std::nullopt, ec);
    EXPECT_EQ(ec, error::sender_deferred);
    EXPECT_EQ(mail.code, 451);
    client.quit();
    expect_server_done(server);
}

}  // namespace
}  // namespace smtpkit::test
