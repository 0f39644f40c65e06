// One mail transaction against every kind of refusal, each with and without
// PIPELINING offered: the result says exactly what the server said, and no
// message content goes out unless the server asked for it.
#include "scripted/client_fixture.hpp"

namespace smtpkit::test {
namespace {

class Transaction : public ::testing::TestWithParam<bool> {
  protected:
    bool pipelining() const { return GetParam(); }

    // The prologue for this parameter; the caller adds the transaction.
    Script script() const { return prologue(pipelining()); }

    void connect(Client& client, ScriptServer& server) {
        std::error_code ec;
        client.connect("127.0.0.1", server.port(), esmtp_options(), ec);
        ASSERT_FALSE(ec) << ec.message();
        ASSERT_EQ(client.capabilities().pipelining(), pipelining());
    }

    // With PIPELINING, MAIL, every RCPT and DATA left in one write.
    void expect_grouped(const ScriptServer& server) const {
        if (pipelining()) {
            EXPECT_EQ(server.read_index_of("MAIL"), server.read_index_of("RCPT"));
            EXPECT_EQ(server.read_index_of("MAIL"), server.read_index_of("DATA"));
        } else {
            EXPECT_LT(server.read_index_of("MAIL"), server.read_index_of("RCPT"));
        }
    }
};

INSTANTIATE_TEST_SUITE_P(Pipelining, Transaction, ::testing::Bool(),
                         [](const auto& info) { return info.param ? "on" : "off"; });

TEST_P(Transaction, Delivered) {
    Script s = script();
    transaction(s, pipelining(),
                {{"MAIL FROM:<sender@example.com>", "250 2.1.0 ok\r\n"},
                 {"RCPT TO:<a@example.com>", "250 2.1.5 ok\r\n"},
                 {"RCPT TO:<b@example.com>", "250 2.1.5 ok\r\n"},
                 {"DATA", "354 go ahead\r\n"}})
        .expect_data()
        .send("250 2.0.0 queued as 4711\r\n")
        .quit();
    ScriptServer server(s);
    Client client;
    connect(client, server);
    std::error_code ec;
    const SendResult r =
        client.send(envelope_to({"a@example.com", "b@example.com"}), message(), ec);
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_EQ(r.verdict, Verdict::delivered);
    EXPECT_EQ(r.mail_reply.code, 250);
    ASSERT_EQ(r.recipients.size(), 2u);
    EXPECT_EQ(r.recipients[0].address, "a@example.com");
    EXPECT_EQ(r.recipients[1].address, "b@example.com");
    EXPECT_EQ(r.accepted_count(), 2u);
    EXPECT_EQ(r.data_reply.code, 354);
    EXPECT_EQ(r.final_reply.code, 250);
    EXPECT_TRUE(has_substr(r.final_reply.text(), "queued as 4711"));
    // Waits for the server: one for the group and one for the end of data
    // with PIPELINING; one per command without.
    EXPECT_EQ(r.round_trips, pipelining() ? 2u : 5u);
    client.quit(ec);
    expect_server_done(server);
    EXPECT_EQ(server.messages(), (std::vector<std::string>{message_text}));
    expect_grouped(server);
}

class SenderRefused : public ::testing::TestWithParam<std::tuple<bool, int>> {};

TEST_P(SenderRefused, FailsWithTheReplyAndSendsNoContent) {
    const auto [pipelining, code] = GetParam();
    const std::string reply =
        std::to_string(code) + (code < 500 ? " 4.3.0 try later\r\n" : " 5.7.1 sender blocked\r\n");
    Script s = prologue(pipelining);
    if (pipelining) {
        // The group is already out; the server refuses the rest as Postfix does.
        transaction(s, true,
                    {{"MAIL FROM:", reply},
                     {"RCPT TO:", "503 5.5.1 Error: need MAIL command\r\n"},
                     {"DATA", "503 5.5.1 Error: need RCPT command\r\n"}});
    } else {
        transaction(s, false, {{"MAIL FROM:", reply}});
    }
    s.quit();  // no RSET: nothing was opened on the server's side
    ScriptServer server(s);
    Client client;
    client.connect("127.0.0.1", server.port(), esmtp_options());

    std::error_code ec;
    const SendResult r = client.send(envelope_to({"a@example.com"}), message(), ec);
    const error expected = code < 500 ? error::sender_deferred : error::sender_refused;
    EXPECT_EQ(ec, expected);  // MAIL refused: the call's error (DESIGN.md), not an answer
    EXPECT_EQ(ec, code < 500 ? condition::transient : condition::permanent);
    EXPECT_EQ(r.error, expected);
    EXPECT_EQ(client.last_error(), expected);
    EXPECT_EQ(r.verdict, Verdict::not_delivered);
    EXPECT_EQ(r.mail_reply.code, code);
    EXPECT_EQ(client.last_reply().code, code);
    // The session goes on: the refusal ended the transaction, not the session.
    EXPECT_TRUE(client.connected());
    client.quit(ec);
    EXPECT_FALSE(ec) << ec.message();
    expect_server_done(server);
    EXPECT_TRUE(server.messages().empty()) << ::testing::PrintToString(server.messages());
    EXPECT_FALSE(has_substr(server.received(), "BODY-MARKER"));
    if (!pipelining) {
        EXPECT_FALSE(server.saw("RCPT"));
        EXPECT_FALSE(server.saw("DATA"));
    }
}

TEST_P(SenderRefused, ThrowingFormThrows) {
    const auto [pipelining, code] = GetParam();
    const std::string reply = std::to_string(code) + " 5.7.1 sender blocked by policy\r\n";
    Script s = prologue(pipelining);
    if (pipelining) {
        transaction(s, true,
                    {{"MAIL FROM:", reply},
                     {"RCPT TO:", "503 5.5.1 need MAIL\r\n"},
                     {"DATA", "503 5.5.1 need RCPT\r\n"}});
    } else {
        transaction(s, false, {{"MAIL FROM:", reply}});
    }
    ScriptServer server(s);
    Client client;
    client.connect("127.0.0.1", server.port(), esmtp_options());
    try {
        client.send(envelope_to({"a@example.com"}), message());
        ADD_FAILURE() << "send() did not throw";
    } catch (const smtpkit::system_error& e) {
        EXPECT_EQ(e.code(), code < 500 ? error::sender_deferred : error::sender_refused);
        EXPECT_TRUE(has_substr(e.what(), "sender blocked by policy"));
    }
    client.disconnect();
    expect_server_done(server);
}

INSTANTIATE_TEST_SUITE_P(Codes, SenderRefused,
                         ::testing::Combine(::testing::Bool(), ::testing::Values(451, 550)),
                         [](const auto& info) {
                             return std::string(std::get<0>(info.param) ? "pipelined_"
                                                                        : "unpipelined_") +
                                    std::to_string(std::get<1>(info.param));
                         });

TEST_P(Transaction, SomeRecipientsRefused) {
    Script s = script();
    transaction(s, pipelining(),
                {{"MAIL FROM:<sender@example.com>", "250 2.1.0 ok\r\n"},
                 {"RCPT TO:<a@example.com>", "250 2.1.5 ok\r\n"},
                 {"RCPT TO:<nobody@example.com>",
                  "550 5.1.1 <nobody@example.com>: Recipient address rejected: User unknown\r\n"},
                 {"RCPT TO:<full@example.com>", "452 4.2.2 mailbox full\r\n"},
                 {"RCPT TO:<c@example.com>", "250 2.1.5 ok\r\n"},
                 {"DATA", "354 go ahead\r\n"}})
        .expect_data()
        .send("250 2.0.0 queued\r\n")
        .quit();
    ScriptServer server(s);
    Client client;
    connect(client, server);
    std::error_code ec;
    const SendResult r = client.send(
        envelope_to({"a@example.com", "nobody@example.com", "full@example.com", "c@example.com"}),
        message(), ec);
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_EQ(r.verdict, Verdict::delivered);
    ASSERT_EQ(r.recipients.size(), 4u);
    EXPECT_TRUE(r.recipients[0].accepted());
    EXPECT_FALSE(r.recipients[1].accepted());
    EXPECT_FALSE(r.recipients[2].accepted());
    EXPECT_TRUE(r.recipients[3].accepted());
    EXPECT_EQ(r.accepted_count(), 2u);
    EXPECT_EQ(r.rejected_count(), 2u);

    const RecipientResult& unknown = r.recipients[1];
    EXPECT_EQ(unknown.address, "nobody@example.com");
    EXPECT_EQ(unknown.reply.code, 550);
    ASSERT_TRUE(unknown.reply.enhanced.has_value());
    EXPECT_EQ(*unknown.reply.enhanced, (EnhancedStatus{5, 1, 1}));
    EXPECT_TRUE(has_substr(unknown.reply.text(), "User unknown"));

    const RecipientResult& full = r.recipients[2];
    EXPECT_EQ(full.address, "full@example.com");
    EXPECT_EQ(full.reply.code, 452);
    EXPECT_TRUE(full.reply.transient());
    ASSERT_TRUE(full.reply.enhanced.has_value());
    EXPECT_EQ(*full.reply.enhanced, (EnhancedStatus{4, 2, 2}));
    EXPECT_TRUE(has_substr(full.reply.text(), "mailbox full"));

    client.quit(ec);
    expect_server_done(server);
    EXPECT_EQ(server.messages(), (std::vector<std::string>{message_text}));
    expect_grouped(server);
}

TEST_P(Transaction, AllRecipientsRefused) {
    Script s = script();
    std::vector<Exchange> group = {{"MAIL FROM:<sender@example.com>", "250 2.1.0 ok\r\n"},
                                   {"RCPT TO:<a@example.com>", "550 5.1.1 unknown a\r\n"},
                                   {"RCPT TO:<b@example.com>", "550 5.1.1 unknown b\r\n"}};
    if (pipelining()) {
        // DATA was in the group; the server refuses it (RFC 2920 3.1).
        group.push_back({"DATA", "554 5.5.1 Error: no valid recipients\r\n"});
    }
    transaction(s, pipelining(), group)
        .expect("RSET")  // MAIL was accepted: the transaction must be cleared
        .send("250 2.0.0 ok\r\n")
        .quit();
    ScriptServer server(s);
    Client client;
    connect(client, server);
    std::error_code ec;
    const SendResult r =
        client.send(envelope_to({"a@example.com", "b@example.com"}), message(), ec);
    // Refused recipients are the answer: in the result, not in `ec`.
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_EQ(r.error, error::no_valid_recipients);
    EXPECT_EQ(r.error, condition::permanent);
    EXPECT_EQ(client.last_error(), error::no_valid_recipients);
    EXPECT_EQ(r.verdict, Verdict::not_delivered);
    ASSERT_EQ(r.recipients.size(), 2u);
    EXPECT_EQ(r.recipients[0].reply.code, 550);
    EXPECT_TRUE(has_substr(r.recipients[0].reply.text(), "unknown a"));
    EXPECT_EQ(r.recipients[1].reply.code, 550);
    EXPECT_TRUE(has_substr(r.recipients[1].reply.text(), "unknown b"));
    EXPECT_EQ(r.accepted_count(), 0u);
    EXPECT_TRUE(client.connected());
    client.quit(ec);
    EXPECT_FALSE(ec) << ec.message();
    expect_server_done(server);
    EXPECT_TRUE(server.messages().empty()) << ::testing::PrintToString(server.messages());
    EXPECT_FALSE(has_substr(server.received(), "BODY-MARKER"));
    EXPECT_EQ(server.saw("DATA"), pipelining());  // without PIPELINING, DATA is never sent
}

TEST_P(Transaction, AllRecipientsRefusedThrowingFormReturnsTheResult) {
    // Per-recipient refusals are an answer, not an exception.
    Script s = script();
    std::vector<Exchange> group = {{"MAIL FROM:", "250 ok\r\n"},
                                   {"RCPT TO:", "550 5.1.1 unknown\r\n"}};
    if (pipelining()) {
        group.push_back({"DATA", "554 5.5.1 no valid recipients\r\n"});
    }
    transaction(s, pipelining(), group).expect("RSET").send("250 ok\r\n").quit();
    ScriptServer server(s);
    Client client;
    connect(client, server);
    SendResult r;
    EXPECT_NO_THROW(r = client.send(envelope_to({"a@example.com"}), message()));
    EXPECT_EQ(r.verdict, Verdict::not_delivered);
    EXPECT_EQ(r.rejected_count(), 1u);
    client.quit();
    expect_server_done(server);
}

class DataRefused : public ::testing::TestWithParam<std::tuple<bool, int>> {};

TEST_P(DataRefused, NotDeliveredAndNoContent) {
    const auto [pipelining, code] = GetParam();
    Script s = prologue(pipelining);
    transaction(s, pipelining,
                {{"MAIL FROM:", "250 ok\r\n"},
                 {"RCPT TO:", "250 ok\r\n"},
                 {"DATA", std::to_string(code) + " no data for you\r\n"}})
        .expect("RSET")
        .send("250 ok\r\n")
        .quit();
    ScriptServer server(s);
    Client client;
    client.connect("127.0.0.1", server.port(), esmtp_options());
    std::error_code ec;
    const SendResult r = client.send(envelope_to({"a@example.com"}), message(), ec);
    EXPECT_FALSE(ec) << ec.message();  // a refused message is the answer
    EXPECT_EQ(r.error, code < 500 ? error::message_deferred : error::message_refused);
    EXPECT_EQ(r.error, code < 500 ? condition::transient : condition::permanent);
    EXPECT_EQ(r.verdict, Verdict::not_delivered);
    EXPECT_EQ(r.data_reply.code, code);
    EXPECT_TRUE(has_substr(r.data_reply.text(), "no data for you"));
    EXPECT_TRUE(r.final_reply.empty());
    EXPECT_EQ(r.accepted_count(), 1u);
    client.quit(ec);
    EXPECT_FALSE(ec) << ec.message();
    expect_server_done(server);
    EXPECT_TRUE(server.messages().empty()) << ::testing::PrintToString(server.messages());
    EXPECT_FALSE(has_substr(server.received(), "BODY-MARKER"));
}

class EndOfDataRefused : public ::testing::TestWithParam<std::tuple<bool, int>> {};

TEST_P(EndOfDataRefused, NotDeliveredWithTheFinalReply) {
    const auto [pipelining, code] = GetParam();
    const std::string reply =
        std::to_string(code) + (code < 500 ? " 4.7.1 greylisted, come back later\r\n"
                                           : " 5.7.1 message content rejected\r\n");
    Script s = prologue(pipelining);
    transaction(s, pipelining,
                {{"MAIL FROM:", "250 ok\r\n"}, {"RCPT TO:", "250 ok\r\n"}, {"DATA", "354 go\r\n"}})
        .expect_data()
        .send(reply)
        .quit();  // the refusal ended the transaction: no RSET needed
    ScriptServer server(s);
    Client client;
    client.connect("127.0.0.1", server.port(), esmtp_options());
    std::error_code ec;
    const SendResult r = client.send(envelope_to({"a@example.com"}), message(), ec);
    EXPECT_FALSE(ec) << ec.message();  // a refused message is the answer
    EXPECT_EQ(r.error, code < 500 ? error::message_deferred : error::message_refused);
    EXPECT_EQ(client.last_error(), r.error);
    EXPECT_EQ(r.verdict, Verdict::not_delivered);
    EXPECT_EQ(r.final_reply.code, code);
    ASSERT_TRUE(r.final_reply.enhanced.has_value());
    EXPECT_EQ(r.final_reply.enhanced->klass, code / 100);
    EXPECT_TRUE(has_substr(r.final_reply.text(), code < 500 ? "greylisted" : "content rejected"));
    EXPECT_TRUE(client.connected());
    client.quit(ec);
    EXPECT_FALSE(ec) << ec.message();
    expect_server_done(server);
    EXPECT_EQ(server.messages(),
              (std::vector<std::string>{message_text}));  // it was sent, then refused
}

const auto pipelining_and_code = [](const auto& info) {
    return std::string(std::get<0>(info.param) ? "pipelined_" : "unpipelined_") +
           std::to_string(std::get<1>(info.param));
};

INSTANTIATE_TEST_SUITE_P(Codes, DataRefused,
                         ::testing::Combine(::testing::Bool(), ::testing::Values(451, 554)),
                         pipelining_and_code);
INSTANTIATE_TEST_SUITE_P(Codes, EndOfDataRefused,
                         ::testing::Combine(::testing::Bool(), ::testing::Values(451, 554)),
                         pipelining_and_code);

TEST_P(Transaction, ContentIsNormalisedAndDotStuffed) {
    Script s = script();
    transaction(s, pipelining(),
                {{"MAIL FROM:", "250 ok\r\n"}, {"RCPT TO:", "250 ok\r\n"}, {"DATA", "354 go\r\n"}})
        .expect_data()
        .send("250 ok\r\n")
        .quit();
    ScriptServer server(s);
    Client client;
    connect(client, server);
    const std::string content =
        "Subject: dots\r\n"
        "\r\n"
        ".starts with a dot\r\n"
        "..two dots\n"            // bare LF
        "bare CR\r"               // bare CR
        ".\r\n"                   // a line holding only a dot: not the end
        "CR CR LF\r\r\n"          // a CR, then CRLF
        "no newline at the end";  // the last line is left open
    const std::string expected =
        "Subject: dots\r\n"
        "\r\n"
        ".starts with a dot\r\n"
        "..two dots\r\n"
        "bare CR\r\n"
        ".\r\n"
        "CR CR LF\r\n\r\n"
        "no newline at the end\r\n";
    const SendResult r =
        client.send(envelope_to({"a@example.com"}), MessageSource::from_string(content));
    EXPECT_TRUE(r.delivered());
    client.quit();
    expect_server_done(server);
    ASSERT_EQ(server.messages().size(), 1u);
    EXPECT_EQ(server.messages()[0], expected);
    // On the wire, each leading dot was doubled.
    EXPECT_TRUE(has_substr(server.raw_messages()[0], "\r\n..starts with a dot\r\n"));
    EXPECT_TRUE(has_substr(server.raw_messages()[0], "\r\n...two dots\r\n"));
    EXPECT_TRUE(has_substr(server.raw_messages()[0], "\r\n..\r\n"));
    EXPECT_EQ(r.bytes_sent, server.raw_messages()[0].size());
}

TEST_P(Transaction, TwoMessagesOnOneSession) {
    Script s = script();
    for (const char* to : {"RCPT TO:<a@example.com>", "RCPT TO:<b@example.com>"}) {
        transaction(s, pipelining(),
                    {{"MAIL FROM:", "250 ok\r\n"}, {to, "250 ok\r\n"}, {"DATA", "354 go\r\n"}})
            .expect_data()
            .send("250 ok\r\n");
    }
    s.quit();
    ScriptServer server(s);
    Client client;
    connect(client, server);
    EXPECT_TRUE(client.send(envelope_to({"a@example.com"}), MessageSource::from_string("one\r\n"))
                    .delivered());
    EXPECT_TRUE(client.send(envelope_to({"b@example.com"}), MessageSource::from_string("two\r\n"))
                    .delivered());
    client.quit();
    expect_server_done(server);
    EXPECT_EQ(server.messages(), (std::vector<std::string>{"one\r\n", "two\r\n"}));
}

TEST_P(Transaction, EmptyMessage) {
    Script s = script();
    transaction(s, pipelining(),
                {{"MAIL FROM:", "250 ok\r\n"}, {"RCPT TO:", "250 ok\r\n"}, {"DATA", "354 go\r\n"}})
        .expect_data()
        .send("250 ok\r\n")
        .quit();
    ScriptServer server(s);
    Client client;
    connect(client, server);
    EXPECT_TRUE(
        client.send(envelope_to({"a@example.com"}), MessageSource::from_string("")).delivered());
    client.quit();
    expect_server_done(server);
    EXPECT_EQ(server.raw_messages(), (std::vector<std::string>{".\r\n"}));
}

TEST_P(Transaction, NullSender) {
    Script s = script();
    transaction(
        s, pipelining(),
        {{"MAIL FROM:<>", "250 ok\r\n"}, {"RCPT TO:", "250 ok\r\n"}, {"DATA", "354 go\r\n"}})
        .expect_data()
        .send("250 ok\r\n")
        .quit();
    ScriptServer server(s);
    Client client;
    connect(client, server);
    EXPECT_TRUE(client.send(Envelope{"", {"a@example.com"}}, message()).delivered());
    client.quit();
    expect_server_done(server);
}

TEST_P(Transaction, BadAddressSendsNothing) {
    ScriptServer server(script().quit());
    Client client;
    connect(client, server);
    std::error_code ec;
    client.send(envelope_to({"a@example.com", "bad\r\nRCPT TO:<evil@example.com>"}), message(), ec);
    EXPECT_EQ(ec, error::invalid_character);
    client.send(envelope_to({}), message(), ec);
    EXPECT_EQ(ec, error::no_recipients);
    EXPECT_TRUE(client.connected());
    client.quit();
    expect_server_done(server);
    EXPECT_FALSE(server.saw("MAIL"));
    EXPECT_FALSE(server.saw("RCPT"));
}

}  // namespace
}  // namespace smtpkit::test
