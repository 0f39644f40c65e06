// CSmtpClient's commands and results against scripted servers: VRFY, EXPN
// parsed into a list, any command, AUTH with each SocketTools type and its
// failures, the trace file with credentials redacted, GetResultString and
// GetErrorString.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "scripted/compat_fixture.hpp"

namespace smtpkit::test {
namespace {

std::string read_file(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

TEST(CompatCommands, VerifyExpandAndAnyCommand) {
    ScriptServer server(Script::esmtp({"VRFY", "EXPN", "HELP"})
                            .expect("VRFY a@example.com")
                            .send("250 2.1.5 Ann <a@example.com>\r\n")
                            .expect("VRFY nobody@example.com")
                            .send("550 5.1.1 unknown\r\n")
                            .expect("EXPN staff")
                            .send("250-2.1.5 Ann Smith <ann@example.com>\r\n"
                                  "250-2.1.5 <bob@example.com>\r\n"
                                  "250 2.1.5 \"Carl, Jr.\" <carl@example.com>\r\n")
                            .expect("EXPN staff")
                            .send("250-2.1.5 Ann Smith <ann@example.com>\r\n"
                                  "250 2.1.5 <bob@example.com>\r\n")
                            .expect("EXPN staff")
                            .send("250 2.1.5 <ann@example.com>\r\n")
                            .expect("HELP DATA")
                            .send("214 2.0.0 send the message\r\n")
                            .expect("ETRN example.com")
                            .send("502 5.5.1 not implemented\r\n")
                            .quit());
    CSmtpClient client;
    ASSERT_TRUE(connect_esmtp(client, server));
    EXPECT_TRUE(client.VerifyAddress("a@example.com"));
    EXPECT_FALSE(client.VerifyAddress("nobody@example.com"));
    EXPECT_ST_ERROR(client, ST_ERROR_COMMAND_REFUSED);
    EXPECT_EQ(client.GetResultCode(), 550);

    char list[256];
    EXPECT_EQ(client.ExpandAddress("staff", list, sizeof list), 3);
    EXPECT_STREQ(list, "ann@example.com, bob@example.com, carl@example.com");
    const std::vector<Mailbox> named = client.ExpandAddress("staff");
    ASSERT_EQ(named.size(), 2u);
    EXPECT_EQ(named[0].name, "Ann Smith");
    EXPECT_EQ(named[1].address, "bob@example.com");
    char tiny[8];
    EXPECT_EQ(client.ExpandAddress("staff", tiny, sizeof tiny), SMTP_ERROR);
    EXPECT_ST_ERROR(client, ST_ERROR_BUFFER_TOO_SMALL);

    EXPECT_EQ(client.Command("HELP", "DATA"), 214);
    EXPECT_EQ(client.GetLastError(), 0u);
    EXPECT_EQ(client.Command("ETRN", "example.com"), 502);  // the reply, whatever it is
    EXPECT_ST_ERROR(client, ST_ERROR_COMMAND_REFUSED);
    char text[64];
    EXPECT_EQ(client.GetResultString(text, sizeof text),
              static_cast<INT>(std::strlen("not implemented")));
    EXPECT_STREQ(text, "not implemented");
    EXPECT_EQ(client.Command("DATA"), SMTP_ERROR);  // state-changing: refused unsent
    EXPECT_ST_ERROR(client, ST_ERROR_INVALID_COMMAND);
    EXPECT_EQ(client.Command("NOOP\r\nRSET"), SMTP_ERROR);
    EXPECT_ST_ERROR(client, ST_ERROR_INVALID_CHARACTER);
    EXPECT_TRUE(client.Disconnect());
    expect_server_done(server);
}

TEST(CompatCommands, AuthenticateWithEachTypeAndTheTraceRedactsIt) {
    ScriptServer server(Script::esmtp({"AUTH LOGIN PLAIN XOAUTH2 OAUTHBEARER"})
                            .expect("AUTH LOGIN")
                            .send("334 VXNlcm5hbWU6\r\n")
                            .expect("dXNlcg==")  // "user"
                            .send("334 UGFzc3dvcmQ6\r\n")
                            .expect("c2VjcmV0LXBhc3M=")  // "secret-pass"
                            .send("235 2.7.0 ok\r\n")
                            .ehlo({"AUTH LOGIN PLAIN XOAUTH2 OAUTHBEARER"})
                            .quit());
    const auto trace = std::filesystem::temp_directory_path() / "smtpkit-compat-trace.log";
    std::filesystem::remove(trace);
    CSmtpClient client;
    ASSERT_TRUE(client.EnableTrace(trace.c_str()));
    ASSERT_TRUE(client.AllowInsecureAuthentication(TRUE));  // plaintext, scripted
    ASSERT_TRUE(connect_esmtp(client, server));
    EXPECT_EQ(client.Authenticate("user", "secret-pass"), 0) << hex(client.GetLastError());
    EXPECT_EQ(client.GetResultCode(), 235);
    EXPECT_TRUE(client.Disconnect());
    EXPECT_TRUE(client.DisableTrace());
    expect_server_done(server);
    const std::string log = read_file(trace);
    std::filesystem::remove(trace);
    EXPECT_TRUE(has_substr(log, "C: AUTH LOGIN"));
    EXPECT_TRUE(has_substr(log, "<redacted>"));
    EXPECT_TRUE(has_substr(log, "S: 235 2.7.0 ok"));
    EXPECT_TRUE(has_substr(log, "C: QUIT"));
    for (const char* secret : {"secret-pass", "c2VjcmV0LXBhc3M", "dXNlcg"}) {
        EXPECT_EQ(log.find(secret), std::string::npos) << secret << " in the trace:\n" << log;
    }
}

TEST(CompatCommands, TheSeedsAuthTypesPickTheirMechanisms) {
    const std::vector<std::pair<UINT, std::string>> types = {
        {SMTP_AUTH_PLAIN, "AUTH PLAIN"},
        {SMTP_AUTH_XOAUTH2, "AUTH XOAUTH2"},
        {SMTP_AUTH_BEARER, "AUTH OAUTHBEARER"}};
    for (const auto& [type, command] : types) {
        ScriptServer server(Script::esmtp({"AUTH LOGIN PLAIN XOAUTH2 OAUTHBEARER"})
                                .expect(command)
                                .send("235 2.7.0 ok\r\n")
                                .ehlo({"AUTH LOGIN PLAIN XOAUTH2 OAUTHBEARER"})
                                .quit());
        CSmtpClient client;
        client.AllowInsecureAuthentication(TRUE);
        ASSERT_TRUE(connect_esmtp(client, server));
        EXPECT_EQ(client.Authenticate("user", "token-or-password", type), 0)
            << command << ": " << hex(client.GetLastError());
        EXPECT_TRUE(client.Disconnect());
        expect_server_done(server);
    }
}

TEST(CompatCommands, AuthenticationFailures) {
    ScriptServer server(Script::esmtp({"AUTH PLAIN"}).quit());
    CSmtpClient client;
    ASSERT_TRUE(connect_esmtp(client, server));
    EXPECT_EQ(client.Authenticate("user", "pass", SMTP_AUTH_PLAIN), SMTP_ERROR);
    EXPECT_ST_ERROR(client, ST_ERROR_AUTHENTICATION_INSECURE);  // no TLS: refused unsent
    EXPECT_TRUE(client.Disconnect());
    expect_server_done(server);

    ScriptServer again(Script::esmtp({"AUTH PLAIN"})
                           .expect("AUTH PLAIN")
                           .send("535 5.7.8 bad credentials\r\n")
                           .quit());
    client.AllowInsecureAuthentication(TRUE);
    ASSERT_TRUE(connect_esmtp(client, again));
    EXPECT_EQ(client.Authenticate("user", "pass"), SMTP_ERROR);  // LOGIN: not offered
    EXPECT_ST_ERROR(client, ST_ERROR_INVALID_AUTHENTICATION_TYPE);
    EXPECT_EQ(client.Authenticate("user", "pass", 99), SMTP_ERROR);
    EXPECT_ST_ERROR(client, ST_ERROR_INVALID_PARAMETER);
    EXPECT_EQ(client.Authenticate("user", "pw-XYZ123", SMTP_AUTH_PLAIN), SMTP_ERROR);
    EXPECT_ST_ERROR(client, ST_ERROR_AUTHENTICATION_FAILED);
    EXPECT_EQ(client.GetResultCode(), 535);
    char why[256];
    ASSERT_GT(client.GetErrorString(client.GetLastError(), why, sizeof why), 0);
    EXPECT_TRUE(has_substr(why, "Authentication failed"));
    EXPECT_EQ(std::string(why).find("XYZ123"), std::string::npos);
    EXPECT_TRUE(client.Disconnect());
    expect_server_done(again);
}

TEST(CompatCommands, ErrorStringsForAnyCode) {
    CSmtpClient client;
    char text[128];
    EXPECT_GT(client.GetErrorString(ST_ERROR_NO_VALID_RECIPIENTS, text, sizeof text), 0);
    EXPECT_STREQ(text, "No valid recipients were specified");
    EXPECT_GT(client.GetErrorString(0x80049999, text, sizeof text), 0);
    EXPECT_STREQ(text, "Unknown error 0x80049999");
    EXPECT_EQ(client.GetErrorString(0, static_cast<LPSTR>(nullptr), 10), SMTP_ERROR);
    char cut[5];
    EXPECT_EQ(client.GetErrorString(ST_ERROR_TIMEOUT, cut, sizeof cut), 4);
    EXPECT_STREQ(cut, "The ");
}

}  // namespace
}  // namespace smtpkit::test
