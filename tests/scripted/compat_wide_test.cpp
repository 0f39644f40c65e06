// CSmtpClient in a UNICODE build: TCHAR is wchar_t, _T() makes wide
// literals, and every string goes to the server as UTF-8 and comes back
// from it as wide text. The conversions themselves are checked too.
#define UNICODE 1

#include "compat/wide_string.hpp"
#include "scripted/compat_fixture.hpp"

static_assert(std::is_same_v<TCHAR, wchar_t>);
static_assert(std::is_same_v<SMTPMESSAGEEX, SMTPMESSAGEEXW>);

namespace smtpkit::test {
namespace {

TEST(CompatWide, ConversionsToAndFromUtf8) {
    EXPECT_EQ(compat::to_utf8(L"Gr\u00fc\u00dfe \U0001D11E"),
              "Gr\xc3\xbc\xc3\x9f"
              "e \xf0\x9d\x84\x9e");
    EXPECT_EQ(compat::to_wide("Gr\xc3\xbc\xc3\x9f"
                              "e \xf0\x9d\x84\x9e"),
              L"Gr\u00fc\u00dfe \U0001D11E");
    EXPECT_EQ(compat::to_wide("a\xff"
                              "b\xc3"),
              L"a\uFFFDb\uFFFD");                           // not UTF-8
    EXPECT_EQ(compat::to_wide("\xed\xa0\x80"), L"\uFFFD");  // an encoded surrogate
    const wchar_t lone[] = {L'x', static_cast<wchar_t>(0xD800), 0};
    EXPECT_EQ(compat::to_utf8(lone), "x\xef\xbf\xbd");
    EXPECT_EQ(compat::to_utf8(static_cast<const wchar_t*>(nullptr)), "");
}

TEST(CompatWide, EveryMemberTakesAndGivesWideStrings) {
    ScriptServer server(Script::esmtp({"8BITMIME", "SMTPUTF8", "DSN", "VRFY", "AUTH PLAIN"})
                            .expect("AUTH PLAIN AHVzZXIAcMOkc3M=")  // "\0user\0päss"
                            .send("235 ok\r\n")
                            .ehlo({"8BITMIME", "SMTPUTF8", "DSN", "VRFY", "AUTH PLAIN"})
                            .expect("VRFY j\xc3\xb6rg@example.com")
                            .send("250 J\xc3\xb6rg <j\xc3\xb6rg@example.com>\r\n")
                            .expect("MAIL FROM:<sender@example.com>")
                            .send("250 ok\r\n")
                            .expect("RCPT TO:<a@example.com> NOTIFY=FAILURE")
                            .send("250 ok\r\n")
                            .expect("DATA")
                            .send("354 go\r\n")
                            .expect_data()
                            .send("250 queued as W\xc3\xbc\r\n")
                            .expect("MAIL FROM:<sender@example.com>")
                            .send("250 ok\r\n")
                            .expect("RCPT TO:<b@example.com>")
                            .send("250 ok\r\n")
                            .expect("DATA")
                            .send("354 go\r\n")
                            .expect_data()
                            .send("250 ok\r\n")
                            .quit());
    CSmtpClient client;
    client.SetLocalName(_T("client.example"));
    client.AllowInsecureAuthentication(TRUE);
    ASSERT_TRUE(
        client.Connect(_T("127.0.0.1"), server.port(), 2, SMTP_OPTION_EXTENDED, NULL, WM_NULL));
    EXPECT_EQ(client.Authenticate(_T("user"), _T("p\u00e4ss"), SMTP_AUTH_PLAIN), 0)
        << hex(client.GetLastError());
    EXPECT_TRUE(client.VerifyAddress(_T("j\u00f6rg@example.com")))
        << client.GetLastErrorCode().message();
    TCHAR text[64];
    const INT length = client.GetResultString(text, 64);
    EXPECT_EQ(length, static_cast<INT>(std::wcslen(text)));
    EXPECT_STREQ(text, L"J\u00f6rg <j\u00f6rg@example.com>");

    ASSERT_TRUE(client.SetDeliveryOptions(SMTP_NOTIFY_FAILURE, _T("w\u00e9")));
    DWORD flags = 0;
    TCHAR id[8];
    ASSERT_TRUE(client.GetDeliveryOptions(&flags, id, 8));
    EXPECT_STREQ(id, L"w\u00e9");
    // ENVID goes out as printable ASCII only (RFC 3461), xtext-encoded.
    ASSERT_TRUE(client.SetDeliveryOptions(SMTP_NOTIFY_FAILURE, _T("env+1")));
    EXPECT_EQ(client.SendMessage(_T("sender@example.com"), _T("a@example.com"),
                                 _T("Subject: Gr\u00fc\u00dfe\r\n\r\n\u00c4pfel\r\n")),
              0)
        << client.GetLastErrorCode().message();
    EXPECT_EQ(client.GetResultString(text, 64), 12);
    EXPECT_STREQ(text, L"queued as W\u00fc");

    ASSERT_TRUE(client.SetDeliveryOptions(SMTP_NOTIFY_DEFAULT));
    ASSERT_EQ(client.CreateMessage(_T("sender@example.com")), 0);
    ASSERT_EQ(client.AddRecipient(_T("b@example.com")), 0);
    EXPECT_EQ(client.Write(_T("Subject: \u00e9t\u00e9\r\n\r\n")), 16);  // wide characters
    EXPECT_EQ(client.CloseMessage(), 0) << hex(client.GetLastError());

    TCHAR why[128];
    EXPECT_GT(client.GetErrorString(ST_ERROR_TIMEOUT, why, 128), 0);
    EXPECT_STREQ(why, L"The server did not respond in time");
    EXPECT_TRUE(client.Disconnect());
    expect_server_done(server);
    EXPECT_TRUE(has_substr(server.received(), "ENVID=env+2B1"));
    EXPECT_TRUE(has_substr(server.received(), "BODY=8BITMIME"));
    ASSERT_EQ(server.messages().size(), 2u);
    EXPECT_EQ(server.messages()[0],
              "Subject: Gr\xc3\xbc\xc3\x9f"
              "e\r\n\r\n\xc3\x84pfel\r\n");
    EXPECT_EQ(server.messages()[1], "Subject: \xc3\xa9t\xc3\xa9\r\n\r\n");
}

TEST(CompatWide, SubmitMessageComposesFromWideStructures) {
    ScriptServer server(Script::esmtp({"8BITMIME"})
                            .expect("MAIL FROM:<sender@example.com>")
                            .send("250 ok\r\n")
                            .expect("RCPT TO:<to@example.com>")
                            .send("250 ok\r\n")
                            .expect("RCPT TO:<cc@example.com>")
                            .send("250 ok\r\n")
                            .expect("RCPT TO:<hidden@example.com>")
                            .send("250 ok\r\n")
                            .expect("DATA")
                            .send("354 go\r\n")
                            .expect_data()
                            .send("250 ok\r\n")
                            .quit());
    SMTPMESSAGEEX message;
    ZeroMemory(&message, sizeof(message));
    message.dwSize = sizeof(message);
    message.lpszFrom = _T("J\u00f6rg <sender@example.com>");
    message.lpszTo = _T("To <to@example.com>");
    message.lpszCc = _T("cc@example.com");
    message.lpszBcc = _T("hidden@example.com");
    message.lpszDate = _T("Tue, 4 Mar 2025 14:05:09 +0000");
    message.lpszSubject = _T("Gr\u00fc\u00dfe");
    message.lpszHeaders = _T("X-Mailer: compat test\r\nX-Folded: one\r\n two");
    message.lpszText = _T("Hello\r\n");
    SMTPSERVER smtp;
    ZeroMemory(&smtp, sizeof(smtp));
    smtp.lpszHostName = _T("127.0.0.1");
    smtp.nHostPort = server.port();
    smtp.nTimeout = 2;
    smtp.dwOptions = SMTP_OPTION_EXTENDED;
    CSmtpClient client;
    client.SetLocalName(_T("client.example"));
    ASSERT_TRUE(client.SubmitMessage(&message, &smtp)) << hex(client.GetLastError());
    EXPECT_FALSE(client.IsConnected());  // it disconnected
    expect_server_done(server);
    ASSERT_EQ(server.messages().size(), 1u);
    const std::string sent = server.messages()[0];
    EXPECT_TRUE(has_substr(sent, "Subject: =?UTF-8?"));
    EXPECT_TRUE(has_substr(sent, "X-Mailer: compat test\r\n"));
    EXPECT_TRUE(has_substr(sent, "X-Folded: one two\r\n"));
    EXPECT_TRUE(has_substr(sent, "Cc: cc@example.com\r\n"));
    EXPECT_TRUE(has_substr(sent, "Mar 2025"));
    EXPECT_EQ(sent.find("hidden@example.com"), std::string::npos);  // Bcc: never shown

    message.dwSize = 1;
    EXPECT_FALSE(client.SubmitMessage(&message, &smtp));
    EXPECT_ST_ERROR(client, ST_ERROR_INVALID_PARAMETER);
    message.dwSize = sizeof(message);
    message.lpszDate = _T("yesterday");
    EXPECT_FALSE(client.SubmitMessage(&message, &smtp));
    EXPECT_ST_ERROR(client, ST_ERROR_INVALID_HEADER);
    message.lpszDate = nullptr;
    message.lpszAttach = _T("/no/such/attachment.pdf");
    EXPECT_FALSE(client.SubmitMessage(&message, &smtp));
    EXPECT_ST_ERROR(client, ST_ERROR_FILE_READ_FAILED);
    message.lpszAttach = nullptr;
    message.nCharSet = 77;
    EXPECT_FALSE(client.SubmitMessage(&message, &smtp));
    EXPECT_ST_ERROR(client, ST_ERROR_INVALID_CHARACTER_SET);
}

}  // namespace
}  // namespace smtpkit::test
