// CSmtpClient::SendMessage against scripted servers: one recipient string
// separated by commas and semicolons, the message from memory (sized or
// NUL-terminated) or a file, every refusal with its GetLastError code, the
// lost reply after the end of data, and the session's DSN defaults.
#include <filesystem>
#include <fstream>

#include "scripted/compat_fixture.hpp"

namespace smtpkit::test {
namespace {

constexpr const char* kMessage =
    "From: sender@example.com\r\nTo: a@example.com\r\nSubject: compat\r\n\r\nBODY-MARKER\r\n";

Script accepted_by(std::vector<std::string> recipients) {
    Script s = Script::esmtp({"8BITMIME"});
    s.expect("MAIL FROM:<sender@example.com>").send("250 ok\r\n");
    for (const std::string& r : recipients) {
        s.expect("RCPT TO:<" + r + ">").send("250 ok\r\n");
    }
    s.expect("DATA").send("354 go\r\n").expect_data().send("250 2.0.0 queued as C1\r\n");
    return s;
}

TEST(CompatSend, ARecipientStringWithCommasAndSemicolons) {
    ScriptServer server(accepted_by({"a@example.com", "b@example.com", "c@example.com"}).quit());
    CSmtpClient client;
    ASSERT_TRUE(connect_esmtp(client, server));
    EXPECT_EQ(client.SendMessage("sender@example.com",
                                 "a@example.com, Bee <b@example.com>; c@example.com", kMessage),
              0)
        << hex(client.GetLastError());
    EXPECT_EQ(client.GetLastError(), 0u);
    EXPECT_EQ(client.GetResultCode(), 250);
    const SendResult& r = client.GetLastSendResult();
    EXPECT_TRUE(r.delivered());
    EXPECT_EQ(r.recipients.size(), 3u);
    SMTPTRANSFERSTATUS status;
    ASSERT_TRUE(client.GetTransferStatus(&status));
    EXPECT_EQ(status.dwBytesCopied, std::strlen(kMessage));
    EXPECT_TRUE(client.Disconnect());
    expect_server_done(server);
    EXPECT_EQ(server.messages(), std::vector<std::string>{kMessage});
}

TEST(CompatSend, ASizedBufferAndAFile) {
    ScriptServer server(Script(accepted_by({"a@example.com"}))
                            .expect("MAIL FROM:<sender@example.com>")
                            .send("250 ok\r\n")
                            .expect("RCPT TO:<a@example.com>")
                            .send("250 ok\r\n")
                            .expect("DATA")
                            .send("354 go\r\n")
                            .expect_data()
                            .send("250 ok\r\n")
                            .quit());
    CSmtpClient client;
    ASSERT_TRUE(connect_esmtp(client, server));
    const std::string buffer = std::string(kMessage) + "NOT SENT";
    EXPECT_EQ(client.SendMessage("sender@example.com", "a@example.com", buffer.data(),
                                 static_cast<DWORD>(std::strlen(kMessage))),
              0);
    const auto file = std::filesystem::temp_directory_path() / "smtpkit-compat-send.eml";
    std::ofstream(file, std::ios::binary) << "Subject: from a file\n\nFILE-BODY\n";
    EXPECT_EQ(client.SendMessage("sender@example.com", "a@example.com", file.c_str(), 0,
                                 SMTP_MESSAGE_FILE),
              0)
        << hex(client.GetLastError());
    std::filesystem::remove(file);
    EXPECT_TRUE(client.Disconnect());
    expect_server_done(server);
    ASSERT_EQ(server.messages().size(), 2u);
    EXPECT_EQ(server.messages()[0], kMessage);
    EXPECT_EQ(server.messages()[1], "Subject: from a file\r\n\r\nFILE-BODY\r\n");
}

TEST(CompatSend, EveryRecipientRefusedIsNoValidRecipients) {
    ScriptServer server(Script::esmtp()
                            .expect("MAIL FROM:")
                            .send("250 ok\r\n")
                            .expect("RCPT TO:<a@example.com>")
                            .send("550 5.1.1 no such user\r\n")
                            .expect("RCPT TO:<b@example.com>")
                            .send("550 5.1.1 no such user\r\n")
                            .expect("RSET")
                            .send("250 ok\r\n")
                            .quit());
    CSmtpClient client;
    ASSERT_TRUE(connect_esmtp(client, server));
    EXPECT_EQ(client.SendMessage("sender@example.com", "a@example.com,b@example.com", kMessage),
              SMTP_ERROR);
    EXPECT_EQ(client.GetLastError(), 0x80043008u);  // SocketTools' published value
    EXPECT_ST_ERROR(client, ST_ERROR_NO_VALID_RECIPIENTS);
    EXPECT_EQ(client.GetResultCode(), 550);
    EXPECT_EQ(client.GetLastSendResult().rejected_count(), 2u);
    EXPECT_TRUE(client.IsConnected());  // the session goes on
    EXPECT_TRUE(client.Disconnect());
    expect_server_done(server);
}

TEST(CompatSend, ARefusedMessageAndARefusedSender) {
    ScriptServer server(Script::esmtp()
                            .expect("MAIL FROM:")
                            .send("553 5.7.1 sender rejected\r\n")
                            .expect("MAIL FROM:")
                            .send("250 ok\r\n")
                            .expect("RCPT TO:")
                            .send("250 ok\r\n")
                            .expect("DATA")
                            .send("354 go\r\n")
                            .expect_data()
                            .send("554 5.6.0 content rejected\r\n")
                            .quit());
    CSmtpClient client;
    ASSERT_TRUE(connect_esmtp(client, server));
    EXPECT_EQ(client.SendMessage("sender@example.com", "a@example.com", kMessage), SMTP_ERROR);
    EXPECT_ST_ERROR(client, ST_ERROR_SENDER_REFUSED);
    EXPECT_EQ(client.GetResultCode(), 553);
    EXPECT_EQ(client.SendMessage("sender@example.com", "a@example.com", kMessage), SMTP_ERROR);
    EXPECT_ST_ERROR(client, ST_ERROR_MESSAGE_REFUSED);
    EXPECT_EQ(client.GetResultCode(), 554);
    EXPECT_EQ(client.GetLastSendResult().verdict, Verdict::not_delivered);
    EXPECT_TRUE(client.Disconnect());
    expect_server_done(server);
}

TEST(CompatSend, AReplyLostAfterTheEndOfDataIsUnknownNotFailed) {
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
    EXPECT_EQ(client.SendMessage("sender@example.com", "a@example.com", kMessage), SMTP_ERROR);
    EXPECT_ST_ERROR(client, ST_ERROR_DELIVERY_STATUS_UNKNOWN);
    EXPECT_EQ(client.GetLastSendResult().verdict, Verdict::unknown);
    EXPECT_EQ(client.GetLastErrorCode(), error::connection_closed);
    EXPECT_FALSE(client.IsConnected());
    expect_server_done(server);
}

TEST(CompatSend, BadInputIsRefusedBeforeAnythingIsSent) {
    ScriptServer server(Script::esmtp().quit());
    CSmtpClient client;
    EXPECT_EQ(client.SendMessage("sender@example.com", "a@example.com", kMessage), SMTP_ERROR);
    EXPECT_ST_ERROR(client, ST_ERROR_NOT_CONNECTED);
    ASSERT_TRUE(connect_esmtp(client, server));
    EXPECT_EQ(client.SendMessage("sender@example.com", "a@example.com, <<broken", kMessage),
              SMTP_ERROR);
    EXPECT_ST_ERROR(client, ST_ERROR_INVALID_ADDRESS);
    EXPECT_EQ(client.SendMessage("sender@example.com", "", kMessage), SMTP_ERROR);
    EXPECT_ST_ERROR(client, ST_ERROR_NO_VALID_RECIPIENTS);
    EXPECT_EQ(client.SendMessage("sender@example.com", "a@example.com", nullptr), SMTP_ERROR);
    EXPECT_ST_ERROR(client, ST_ERROR_INVALID_PARAMETER);
    EXPECT_EQ(client.SendMessage("sender@example.com", "a@example.com", kMessage, 0, 7),
              SMTP_ERROR);
    EXPECT_ST_ERROR(client, ST_ERROR_INVALID_PARAMETER);
    EXPECT_EQ(client.SendMessage("sender@example.com", "a@example.com", "/no/such/file.eml", 0,
                                 SMTP_MESSAGE_FILE),
              SMTP_ERROR);
    EXPECT_ST_ERROR(client, ST_ERROR_FILE_READ_FAILED);
    EXPECT_TRUE(client.Disconnect());
    expect_server_done(server);
    EXPECT_FALSE(server.saw("MAIL"));
}

TEST(CompatSend, DeliveryOptionsAreTheSessionsDsnDefaults) {
    ScriptServer server(Script::esmtp({"DSN"})
                            .expect("MAIL FROM:<sender@example.com> RET=HDRS ENVID=order-4711")
                            .send("250 ok\r\n")
                            .expect("RCPT TO:<a@example.com> NOTIFY=SUCCESS,FAILURE")
                            .send("250 ok\r\n")
                            .expect("DATA")
                            .send("354 go\r\n")
                            .expect_data()
                            .send("250 ok\r\n")
                            .quit());
    CSmtpClient client;
    EXPECT_FALSE(client.SetDeliveryOptions(SMTP_NOTIFY_NEVER | SMTP_NOTIFY_SUCCESS));
    EXPECT_ST_ERROR(client, ST_ERROR_INVALID_OPTION);
    const DWORD flags = SMTP_NOTIFY_SUCCESS | SMTP_NOTIFY_FAILURE | SMTP_RETURN_HEADERS;
    ASSERT_TRUE(client.SetDeliveryOptions(flags, "order-4711"));
    DWORD got = 0;
    char id[32];
    ASSERT_TRUE(client.GetDeliveryOptions(&got, id, sizeof id));
    EXPECT_EQ(got, flags);
    EXPECT_STREQ(id, "order-4711");
    char tiny[4];
    EXPECT_FALSE(client.GetDeliveryOptions(&got, tiny, sizeof tiny));
    EXPECT_ST_ERROR(client, ST_ERROR_BUFFER_TOO_SMALL);
    ASSERT_TRUE(connect_esmtp(client, server));
    EXPECT_EQ(client.SendMessage("sender@example.com", "a@example.com", kMessage), 0)
        << hex(client.GetLastError());
    EXPECT_TRUE(client.Disconnect());
    expect_server_done(server);
}

}  // namespace
}  // namespace smtpkit::test
