// smtpkit::Client against a real Postfix (private instance per test): what
// the server answered, and what it stored in the mailbox, byte for byte.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "smtpkit/client.hpp"
#include "support/postfix_server.hpp"

namespace smtpkit::test {
namespace {

ConnectOptions extended_options() {
    ConnectOptions options;
    options.security = Security::plaintext;
    options.timeout = std::chrono::seconds(20);
    options.helo_name = "client.smtpkit.test";
    return options;
}

void connect_extended(Client& client, const PostfixServer& server) {
    client.connect("127.0.0.1", server.port(), extended_options());
    ASSERT_TRUE(client.connected());
}

std::string headers(const std::string& message_id) {
    // Complete headers, so that Postfix's cleanup adds none of its own.
    return "From: Sender <sender@localhost>\r\n"
           "To: root@localhost\r\n"
           "Subject: smtpkit integration test\r\n"
           "Date: Thu, 01 Jan 2026 00:00:00 +0000\r\n"
           "Message-ID: <" +
           message_id +
           "@smtpkit.test>\r\n"
           "MIME-Version: 1.0\r\n"
           "Content-Type: text/plain; charset=utf-8\r\n"
           "Content-Transfer-Encoding: 8bit\r\n"
           "\r\n";
}

// Lines that dot-stuffing, mbox quoting and line-length handling can get
// wrong, with CRLF line endings.
std::string tricky_message(const std::string& message_id) {
    return headers(message_id) +
           ".a line that starts with a dot\r\n"
           ".\r\n"
           "..two dots\r\n"
           "...\r\n"
           "From the start of a line (mbox quotes this one)\r\n"
           ">From already quoted\r\n"
           "\r\n"
           "\r\n" +
           std::string(900, 'x') + "\r\n." + std::string(997, 'y') +
           "\r\n"
           "Gr\xc3\xbc\xc3\x9f"
           "e, na\xc3\xafve caf\xc3\xa9 \xe2\x80\x94 \xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e "
           "\xe2\x9c\x93\r\n"
           "trailing spaces   \r\n"
           "\ttab-led line\r\n"
           "last line\r\n";
}

std::string crlf_to_lf(std::string s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n') {
            continue;
        }
        out += s[i];
    }
    return out;
}

// Checks one stored message: Postfix's trace headers in front, then exactly
// `sent` as mbox stores it.
void expect_stored(const std::string& stored, const std::string& sent, const std::string& sender,
                   const std::string& original_rcpt) {
    const auto [trace, rest] = split_postfix_trace_headers(stored);
    EXPECT_NE(trace.find("Return-Path: <" + sender + ">\n"), std::string::npos) << trace;
    EXPECT_NE(trace.find("X-Original-To: " + original_rcpt + "\n"), std::string::npos) << trace;
    EXPECT_NE(trace.find("Received: from client.smtpkit.test (localhost [127.0.0.1])"),
              std::string::npos)
        << trace;
    EXPECT_EQ(rest, as_stored_in_mbox(sent));
}

TEST(PostfixClient, EhloCapabilitiesComeFromPostfix) {
    PostfixServer server;
    Client client;
    connect_extended(client, server);
    const Capabilities& caps = client.capabilities();
    EXPECT_EQ(caps.server_name(), PostfixServer::host_name);
    EXPECT_TRUE(caps.pipelining());
    EXPECT_TRUE(caps.eightbitmime());
    EXPECT_TRUE(caps.enhanced_status_codes());
    EXPECT_TRUE(caps.smtputf8());
    EXPECT_TRUE(caps.chunking());
    EXPECT_TRUE(caps.dsn());
    EXPECT_TRUE(caps.has("VRFY"));
    EXPECT_TRUE(caps.has("etrn"));  // keywords match case-insensitively
    EXPECT_FALSE(caps.starttls());  // this instance has no certificate
    EXPECT_EQ(caps.size_limit(), std::optional<std::uint64_t>(10240000));
    client.quit();
    EXPECT_FALSE(client.connected());
}

TEST(PostfixClient, WithoutExtendedSaysHeloAndStillDelivers) {
    PostfixServer server;
    Client client;
    ConnectOptions options;
    options.security = Security::plaintext;
    options.extended = false;  // HELO only
    options.helo_name = "client.smtpkit.test";
    client.connect("127.0.0.1", server.port(), options);
    EXPECT_TRUE(client.capabilities().empty());
    // Without EHLO nothing says 8-bit is welcome (RFC 6152): 8-bit content
    // is refused before a byte of the transaction is written.
    std::error_code ec;
    const SendResult refused = client.send({"sender@localhost", {"root@localhost"}},
                                           MessageSource::from_string(tricky_message("8bit")), ec);
    EXPECT_EQ(ec, error::eight_bit_not_offered) << ec.message();
    EXPECT_FALSE(refused.delivered());
    EXPECT_TRUE(client.connected()) << "a refusal before sending leaves the session usable";

    std::string message = tricky_message("helo");
    const auto utf8 = message.find("Gr\xc3");
    message.replace(utf8, message.find("\r\n", utf8) - utf8, "plain US-ASCII only");
    const SendResult result =
        client.send({"sender@localhost", {"root@localhost"}}, MessageSource::from_string(message));
    EXPECT_TRUE(result.delivered()) << result.final_reply.summary();
    client.quit();
    expect_stored(split_mbox(server.wait_for_mailbox("root")).at(0), message, "sender@localhost",
                  "root@localhost");
    // Postfix counts the session's commands when the client has left.
    EXPECT_NO_THROW(server.wait_for_log("helo=1 mail=1 rcpt=1 data=1 quit=1"));
}

TEST(PostfixClient, StoresTheMessageByteForByte) {
    PostfixServer server;
    Client client;
    connect_extended(client, server);
    const std::string message = tricky_message("bytes");
    const SendResult result =
        client.send({"sender@localhost", {"root@localhost"}}, MessageSource::from_string(message));
    ASSERT_TRUE(result.delivered()) << result.final_reply.summary();
    EXPECT_EQ(result.mail_reply.code, 250);
    ASSERT_EQ(result.recipients.size(), 1u);
    EXPECT_TRUE(result.recipients[0].accepted());
    EXPECT_EQ(result.final_reply.code, 250);
    ASSERT_TRUE(result.final_reply.enhanced.has_value());
    EXPECT_EQ(result.final_reply.enhanced->to_string(), "2.0.0");
    EXPECT_NE(result.final_reply.text().find("queued as"), std::string::npos);
    // PIPELINING: MAIL, RCPT and DATA (or BDAT) need not wait for each other.
    EXPECT_LE(result.round_trips, 2u);
    client.quit();

    const auto messages = split_mbox(server.wait_for_mailbox("root"));
    ASSERT_EQ(messages.size(), 1u);
    expect_stored(messages[0], message, "sender@localhost", "root@localhost");
}

TEST(PostfixClient, BareLineFeedsArriveAsLines) {
    PostfixServer server;
    Client client;
    connect_extended(client, server);
    const std::string message = tricky_message("bare-lf");
    const std::string lf_only = crlf_to_lf(message);
    const SendResult result =
        client.send({"sender@localhost", {"root@localhost"}}, MessageSource::from_string(lf_only));
    ASSERT_TRUE(result.delivered()) << result.final_reply.summary();
    client.quit();
    // Stored exactly like the CRLF original: every LF became a line end.
    expect_stored(split_mbox(server.wait_for_mailbox("root")).at(0), message, "sender@localhost",
                  "root@localhost");
}

TEST(PostfixClient, ReportsEachRecipientWhenOneIsRefused) {
    PostfixServer server;
    Client client;
    connect_extended(client, server);
    const std::string message = tricky_message("partly");
    const SendResult result = client.send(
        {"sender@localhost", {"root@localhost", "someone@example.com", "root+copy@localhost"}},
        MessageSource::from_string(message));
    EXPECT_TRUE(result.delivered()) << result.final_reply.summary();
    ASSERT_EQ(result.recipients.size(), 3u);
    EXPECT_EQ(result.recipients[0].address, "root@localhost");
    EXPECT_TRUE(result.recipients[0].accepted());
    EXPECT_EQ(result.recipients[1].address, "someone@example.com");
    EXPECT_FALSE(result.recipients[1].accepted());
    EXPECT_EQ(result.recipients[1].reply.code, 554);
    ASSERT_TRUE(result.recipients[1].reply.enhanced.has_value());
    EXPECT_EQ(result.recipients[1].reply.enhanced->to_string(), "5.7.1");
    EXPECT_NE(result.recipients[1].reply.text().find("Relay access denied"), std::string::npos)
        << result.recipients[1].reply.summary();
    EXPECT_TRUE(result.recipients[2].accepted());
    EXPECT_EQ(result.accepted_count(), 2u);
    EXPECT_EQ(result.rejected_count(), 1u);
    client.quit();

    // Postfix's local delivery makes one copy per original recipient.
    const auto messages = split_mbox(server.wait_for_mailbox("root", 10s, 2));
    ASSERT_EQ(messages.size(), 2u);
    const std::string all = messages[0] + messages[1];
    EXPECT_NE(all.find("X-Original-To: root@localhost\n"), std::string::npos);
    EXPECT_NE(all.find("X-Original-To: root+copy@localhost\n"), std::string::npos);
    EXPECT_EQ(all.find("example.com"), std::string::npos);
}

TEST(PostfixClient, NoMessageWhenEveryRecipientIsRefused) {
    PostfixServer server;
    Client client;
    connect_extended(client, server);
    std::error_code ec;
    const SendResult result = client.send({"sender@localhost", {"a@example.com", "b@example.org"}},
                                          MessageSource::from_string(tricky_message("none")), ec);
    EXPECT_FALSE(ec) << ec.message();  // refused recipients are the answer
    EXPECT_EQ(result.error, error::no_valid_recipients);
    EXPECT_EQ(result.verdict, Verdict::not_delivered);
    ASSERT_EQ(result.recipients.size(), 2u);
    EXPECT_EQ(result.recipients[0].reply.code, 554);
    EXPECT_EQ(result.recipients[1].reply.code, 554);
    EXPECT_EQ(result.accepted_count(), 0u);
    EXPECT_NE(result.data_reply.code, 354);  // no data went out

    // The session goes on: the next message on it is delivered.
    EXPECT_EQ(client.noop().code, 250);
    const std::string message = tricky_message("after-refusal");
    EXPECT_TRUE(
        client.send({"sender@localhost", {"root@localhost"}}, MessageSource::from_string(message))
            .delivered());
    client.quit();
    const auto messages = split_mbox(server.wait_for_mailbox("root"));
    ASSERT_EQ(messages.size(), 1u);
    expect_stored(messages[0], message, "sender@localhost", "root@localhost");
}

TEST(PostfixClient, SeveralMessagesOnOneSession) {
    PostfixServer server;
    Client client;
    connect_extended(client, server);
    std::vector<std::string> sent;
    for (int i = 0; i < 3; ++i) {
        sent.push_back(tricky_message("session-" + std::to_string(i)));
        const SendResult result = client.send({"sender@localhost", {"root@localhost"}},
                                              MessageSource::from_string(sent.back()));
        ASSERT_TRUE(result.delivered()) << i << ": " << result.final_reply.summary();
    }
    client.quit();
    const auto messages = split_mbox(server.wait_for_mailbox("root", 10s, 3));
    ASSERT_EQ(messages.size(), 3u);
    // Local delivery may finish them in any order: match by Message-ID.
    for (const auto& message : sent) {
        const std::size_t at = message.find("Message-ID:");
        const std::string id = message.substr(at, message.find('\r', at) - at);
        int found = 0;
        for (const auto& stored : messages) {
            if (stored.find(id) != std::string::npos) {
                ++found;
                expect_stored(stored, message, "sender@localhost", "root@localhost");
            }
        }
        EXPECT_EQ(found, 1) << id;
    }
}

TEST(PostfixClient, Utf8SenderUsesSmtputf8) {
    PostfixServer server;
    Client client;
    connect_extended(client, server);
    const std::string sender = "pa\xc3\xb1uelo@localhost";  // "pañuelo"
    const std::string message = tricky_message("utf8-sender");
    const SendResult result =
        client.send({sender, {"root@localhost"}}, MessageSource::from_string(message));
    ASSERT_TRUE(result.delivered())
        << result.mail_reply.summary() << " / " << result.final_reply.summary();
    client.quit();
    const std::string stored = split_mbox(server.wait_for_mailbox("root")).at(0);
    expect_stored(stored, message, sender, "root@localhost");
    // Postfix names the protocol "UTF8SMTP" in its Received header when MAIL
    // FROM carried the SMTPUTF8 parameter (RFC 6531 3.4), "ESMTP" otherwise.
    EXPECT_NE(stored.find(" with UTF8SMTP id "), std::string::npos)
        << split_postfix_trace_headers(stored).first;
}

TEST(PostfixClient, VerifyNoopAndReset) {
    PostfixServer server;
    Client client;
    connect_extended(client, server);

    const Reply vrfy = client.verify("root");
    EXPECT_EQ(vrfy.code, 252) << vrfy.summary();
    EXPECT_NE(vrfy.text().find("root"), std::string::npos) << vrfy.summary();

    const Reply noop = client.noop();
    EXPECT_EQ(noop.code, 250);
    ASSERT_TRUE(noop.enhanced.has_value());
    EXPECT_EQ(noop.enhanced->to_string(), "2.0.0");

    // RSET really ends a transaction on the server: a RCPT after it is out of
    // sequence.
    EXPECT_EQ(client.command("MAIL FROM:<sender@localhost>").code, 250);
    EXPECT_EQ(client.reset().code, 250);
    const Reply rcpt = client.command("RCPT TO:<root@localhost>");
    EXPECT_EQ(rcpt.code, 503) << rcpt.summary();
    EXPECT_EQ(client.last_error(), error::command_refused);
    EXPECT_TRUE(client.connected());
    client.quit();
    // Postfix's own count of the session's commands, logged once it ended.
    const std::string log = server.wait_for_log("rset=1");
    EXPECT_NE(log.find("rcpt=0/1 rset=1 noop=1 vrfy=1 quit=1"), std::string::npos) << log;
}

TEST(PostfixClient, RefusedVerifyIsAnAnswer) {
    PostfixServer::Options options;
    options.main_cf = {{"disable_vrfy_command", "yes"}};
    PostfixServer server(options);
    Client client;
    connect_extended(client, server);
    EXPECT_FALSE(client.capabilities().has("VRFY"));
    std::error_code ec;
    const Reply vrfy = client.verify("root", ec);
    EXPECT_EQ(vrfy.code, 502) << vrfy.summary();
    ASSERT_TRUE(vrfy.enhanced.has_value());
    EXPECT_EQ(vrfy.enhanced->to_string(), "5.5.1");
    EXPECT_NO_THROW(client.verify("root"));
    EXPECT_TRUE(client.connected());
    EXPECT_EQ(client.noop().code, 250);
}

TEST(PostfixClient, MessageOverTheSizeLimitIsNotDelivered) {
    PostfixServer::Options options;
    options.main_cf = {{"message_size_limit", "2000"}};
    PostfixServer server(options);
    Client client;
    connect_extended(client, server);
    EXPECT_EQ(client.capabilities().size_limit(), std::optional<std::uint64_t>(2000));
    std::string big = headers("too-big");
    for (int i = 0; i < 100; ++i) {
        big += std::string(70, 'z') + "\r\n";
    }
    std::error_code ec;
    const SendResult result =
        client.send({"sender@localhost", {"root@localhost"}}, MessageSource::from_string(big), ec);
    EXPECT_FALSE(result.delivered());
    // Postfix refuses it at MAIL FROM (SIZE=) or at the end of data with
    // 552 5.3.4; a client that knows the limit may refuse it before sending.
    if (client.last_reply().code != 552) {
        EXPECT_TRUE(ec) << "neither delivered nor refused: " << client.last_reply().summary();
    }
}

}  // namespace
}  // namespace smtpkit::test
