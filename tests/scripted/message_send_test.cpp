// Client::send(Message) against a scripted server: the envelope from the
// headers (Bcc in RCPT, never in the data), the rendering chosen from the
// server's extensions, and the asynchronous form.
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/use_awaitable.hpp>

#include "scripted/client_fixture.hpp"

namespace smtpkit::test {
namespace {

Message greeting_card() {
    Message m;
    m.from("Jörg <joerg@example.com>")
        .to("ann@example.org")
        .cc("bob@example.org")
        .bcc("secret@example.net")
        .subject("Grüße")
        .text("Grüße aus Köln, a mostly ASCII line of text.\n");
    return m;
}

Script delivering(const std::vector<std::string>& extensions) {
    return Script::esmtp(extensions)
        .expect("MAIL FROM:<joerg@example.com>")
        .send("250 ok\r\n")
        .expect("RCPT TO:<ann@example.org>")
        .send("250 ok\r\n")
        .expect("RCPT TO:<bob@example.org>")
        .send("250 ok\r\n")
        .expect("RCPT TO:<secret@example.net>")
        .send("250 ok\r\n")
        .expect("DATA")
        .send("354 go\r\n")
        .expect_data()
        .send("250 queued\r\n")
        .quit();
}

TEST(MessageSend, EnvelopeFromTheHeadersAndBccNeverInTheData) {
    ScriptServer server(delivering({"8BITMIME"}));
    Client client;
    client.connect("127.0.0.1", server.port(), esmtp_options());
    const SendResult r = client.send(greeting_card());
    EXPECT_TRUE(r.delivered()) << r.error.message();
    client.quit();
    expect_server_done(server);
    ASSERT_EQ(server.messages().size(), 1u);
    const std::string data = server.messages()[0];
    EXPECT_FALSE(has_substr(data, "secret@example.net"));
    EXPECT_FALSE(has_substr(data, "Bcc:"));
    // 8BITMIME offered: the UTF-8 text goes as it is, and MAIL says so.
    EXPECT_TRUE(has_substr(data, "Content-Transfer-Encoding: 8bit"));
    EXPECT_TRUE(server.saw("MAIL FROM:<joerg@example.com> BODY=8BITMIME"));
}

TEST(MessageSend, WithoutEightBitMimeTheTextIsEncoded) {
    ScriptServer server(delivering({}));
    Client client;
    client.connect("127.0.0.1", server.port(), esmtp_options());
    EXPECT_TRUE(client.send(greeting_card()).delivered());
    client.quit();
    expect_server_done(server);
    const std::string data = server.messages()[0];
    EXPECT_TRUE(has_substr(data, "Content-Transfer-Encoding: quoted-printable"));
    EXPECT_FALSE(server.saw("MAIL FROM:<joerg@example.com> BODY"));
}

TEST(MessageSend, AUtf8LocalPartNeedsSmtputf8AndIsRefusedBeforeAnythingIsWritten) {
    ScriptServer server(Script::esmtp({"8BITMIME"}).quit());
    Client client;
    client.connect("127.0.0.1", server.port(), esmtp_options());
    Message m;
    m.from("jörg@example.com").to("ann@example.org").text("x");
    std::error_code ec;
    const SendResult r = client.send(m, ec);
    EXPECT_EQ(ec, error::utf8_not_allowed);
    EXPECT_EQ(r.verdict, Verdict::not_delivered);
    EXPECT_TRUE(client.connected());
    client.quit();
    expect_server_done(server);
    EXPECT_FALSE(server.saw("MAIL"));
}

TEST(MessageSend, AsynchronousFormWithAnExplicitEnvelope) {
    Script s = Script::esmtp({"PIPELINING", "8BITMIME"})
                   .expect("MAIL FROM:<bounces@example.com>")
                   .expect("RCPT TO:<only@example.org>")
                   .expect("DATA")
                   .send("250 ok\r\n250 ok\r\n354 go\r\n")
                   .expect_data()
                   .send("250 queued\r\n")
                   .quit();
    ScriptServer server(s);
    asio::io_context io;
    Client client(io.get_executor());
    std::optional<SendResult> result;
    const Message card = greeting_card();
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
            co_await client.async_connect("127.0.0.1", server.port(), esmtp_options(),
                                          asio::use_awaitable);
            const Envelope envelope = envelope_to({"only@example.org"});
            Envelope bounces = envelope;
            bounces.from = "bounces@example.com";
            result = co_await client.async_send(bounces, card, asio::use_awaitable);
            co_await client.async_quit(asio::use_awaitable);
        },
        asio::detached);
    io.run();
    ASSERT_TRUE(result.has_value());
    EXPECT_TRUE(result->delivered());
    expect_server_done(server);
    // The headers are the message's; the envelope was the caller's.
    EXPECT_TRUE(has_substr(server.messages()[0], "To: ann@example.org"));
}

}  // namespace
}  // namespace smtpkit::test
