// smtpkit::Client against a real aiosmtpd, which stores the data exactly as
// it came off the wire (dot-unstuffed): what the client sends, byte for byte.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "smtpkit/client.hpp"
#include "support/aiosmtpd_server.hpp"

namespace smtpkit::test {
namespace {

ConnectOptions extended_options() {
    ConnectOptions options;
    options.security = Security::plaintext;
    options.timeout = std::chrono::seconds(20);
    options.helo_name = "client.smtpkit.test";
    return options;
}

const std::string kHeaders =
    "From: Sender <sender@localhost>\r\n"
    "To: rcpt@example.com\r\n"
    "Subject: smtpkit aiosmtpd test\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "\r\n";

std::string tricky_body() {
    return ".a line that starts with a dot\r\n"
           ".\r\n"
           "..\r\n"
           "..two dots\r\n"
           "From the start of a line\r\n"
           "\r\n" +
           std::string(900, 'x') + "\r\n." + std::string(997, 'y') +
           "\r\n"
           "Gr\xc3\xbc\xc3\x9f"
           "e \xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e \xe2\x9c\x93\r\n"
           "trailing spaces   \r\n"
           "last line\r\n";
}

class AiosmtpdClient : public ::testing::Test {
  protected:
    void SetUp() override {
        client_.connect("127.0.0.1", server_.port(), extended_options());
        ASSERT_TRUE(client_.connected());
    }

    // Sends `message` from sender@localhost to `to`; expects delivery.
    SendResult send(MessageSource message, std::vector<Recipient> to = {"rcpt@example.com"}) {
        SendResult result = client_.send({"sender@localhost", std::move(to)}, std::move(message));
        EXPECT_TRUE(result.delivered()) << result.final_reply.summary();
        return result;
    }

    AiosmtpdServer server_;
    Client client_;
};

// True when every CR is followed by LF and every LF preceded by CR.
bool only_crlf_line_ends(const std::string& s) {
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\r' && (i + 1 == s.size() || s[i + 1] != '\n')) {
            return false;
        }
        if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r')) {
            return false;
        }
    }
    return true;
}

std::string without_line_ends(const std::string& s) {
    std::string out;
    for (char c : s) {
        if (c != '\r' && c != '\n') {
            out += c;
        }
    }
    return out;
}

TEST_F(AiosmtpdClient, CapabilitiesComeFromAiosmtpd) {
    const Capabilities& caps = client_.capabilities();
    EXPECT_EQ(caps.server_name(), "aiosmtpd.smtpkit.test");
    EXPECT_TRUE(caps.eightbitmime());
    EXPECT_TRUE(caps.smtputf8());
    EXPECT_FALSE(caps.pipelining());
    EXPECT_FALSE(caps.chunking());
    EXPECT_EQ(caps.size_limit(), std::optional<std::uint64_t>(33554432));
}

TEST_F(AiosmtpdClient, ContentArrivesExactlyAsGiven) {
    const std::string message = kHeaders + tricky_body();
    const SendResult result = send(MessageSource::from_string(message));
    const ReceivedMessage got = server_.wait_for_message(0);
    EXPECT_EQ(got.content, message);
    EXPECT_EQ(got.mail_from, "sender@localhost");
    EXPECT_EQ(got.rcpt_tos, std::vector<std::string>{"rcpt@example.com"});
    EXPECT_EQ(got.helo, "client.smtpkit.test");
    // Without PIPELINING each command waits for its reply: MAIL, RCPT, DATA
    // and the end of data.
    EXPECT_EQ(result.round_trips, 4u);
    // On the wire the five lines that start with '.' carry one more (and
    // the count may or may not include the final ".\r\n").
    EXPECT_TRUE(result.bytes_sent == message.size() + 5 ||
                result.bytes_sent == message.size() + 5 + 3)
        << result.bytes_sent << " for " << message.size();
}

TEST_F(AiosmtpdClient, BareLineFeedsBecomeCrlf) {
    const std::string crlf = kHeaders + tricky_body();
    std::string lf;
    for (char c : crlf) {
        if (c != '\r') {
            lf += c;
        }
    }
    send(MessageSource::from_string(lf));
    EXPECT_EQ(server_.wait_for_message(0).content, crlf);
}

TEST_F(AiosmtpdClient, MixedLineEndingsNeverReachTheWireBare) {
    const std::string message = kHeaders +
                                "crlf\r\n"
                                "lf\n"
                                "cr\r"
                                "two crs\r\r\n"
                                "lf cr\n\r"
                                ".dot after lf\n"
                                ".\n"
                                "end";
    send(MessageSource::from_string(message));
    const std::string content = server_.wait_for_message(0).content;
    EXPECT_TRUE(only_crlf_line_ends(content)) << content;
    // No text lost or added, apart from line ends.
    EXPECT_EQ(without_line_ends(content), without_line_ends(message));
    EXPECT_NE(content.find("crlf\r\nlf\r\n"), std::string::npos) << content;
    EXPECT_NE(content.find("\r\n.dot after lf\r\n.\r\nend\r\n"), std::string::npos) << content;
}

TEST_F(AiosmtpdClient, AMissingFinalLineEndIsAdded) {
    const std::string message = kHeaders + "no line end at the end";
    send(MessageSource::from_string(message));
    EXPECT_EQ(server_.wait_for_message(0).content, message + "\r\n");
}

TEST_F(AiosmtpdClient, FilesAndStreamsArriveIntact) {
    // Bigger than any sensible chunk, with dots and line ends across chunk
    // boundaries.
    std::string big = kHeaders;
    for (int i = 0; big.size() < 1'500'000; ++i) {
        big += (i % 7 == 0 ? "." : "") + std::to_string(i) +
               std::string(static_cast<std::size_t>(i % 97), 'q') + "\r\n";
    }
    const TempDir dir("smtpkit-msgfile-");
    const auto path = dir.path() / "message.eml";
    write_file(path, big);
    send(MessageSource::from_file(path));
    std::istringstream stream(big);
    send(MessageSource::from_stream(stream));
    EXPECT_EQ(server_.wait_for_message(0).content, big);
    EXPECT_EQ(server_.wait_for_message(1).content, big);
}

TEST_F(AiosmtpdClient, RefusedRecipientIsReportedAndLeftOut) {
    const std::string message = kHeaders + "hello\r\n";
    const SendResult result =
        send(MessageSource::from_string(message),
             {"first@example.com", "reject-me@example.com", "second@example.com"});
    ASSERT_EQ(result.recipients.size(), 3u);
    EXPECT_TRUE(result.recipients[0].accepted());
    EXPECT_EQ(result.recipients[1].reply.code, 550);
    ASSERT_TRUE(result.recipients[1].reply.enhanced.has_value());
    EXPECT_EQ(result.recipients[1].reply.enhanced->to_string(), "5.1.1");
    EXPECT_TRUE(result.recipients[2].accepted());
    const ReceivedMessage got = server_.wait_for_message(0);
    EXPECT_EQ(got.rcpt_tos, (std::vector<std::string>{"first@example.com", "second@example.com"}));
    EXPECT_EQ(got.content, message);
}

TEST_F(AiosmtpdClient, Utf8AddressesGoWithTheSmtputf8Parameter) {
    const std::string sender = "pa\xc3\xb1uelo@localhost";  // pañuelo
    const std::string rcpt = "jos\xc3\xa9@example.com";     // josé
    const std::string message = kHeaders + "hola\r\n";
    const SendResult result = client_.send({sender, {rcpt}}, MessageSource::from_string(message));
    ASSERT_TRUE(result.delivered()) << result.mail_reply.summary();
    const ReceivedMessage got = server_.wait_for_message(0);
    EXPECT_EQ(got.mail_from, sender);
    EXPECT_EQ(got.rcpt_tos, std::vector<std::string>{rcpt});
    // RFC 6531 3.4: a transaction with UTF-8 addresses says so in MAIL FROM.
    const bool declared = std::find(got.mail_options.begin(), got.mail_options.end(), "SMTPUTF8") !=
                          got.mail_options.end();
    EXPECT_TRUE(declared) << "MAIL FROM parameters: " << ::testing::PrintToString(got.mail_options);
}

TEST(AiosmtpdSizeLimit, MessageOverTheLimitIsNotStored) {
    AiosmtpdServer::Options options;
    options.size_limit = 1000;
    AiosmtpdServer server(options);
    Client client;
    client.connect("127.0.0.1", server.port(), extended_options());
    EXPECT_EQ(client.capabilities().size_limit(), std::optional<std::uint64_t>(1000));
    const std::string message = kHeaders + std::string(3000, 'z') + "\r\n";
    std::error_code ec;
    const SendResult result = client.send({"sender@localhost", {"rcpt@example.com"}},
                                          MessageSource::from_string(message), ec);
    EXPECT_FALSE(result.delivered());
    if (client.last_reply().code != 552) {
        EXPECT_TRUE(ec) << "neither delivered nor refused: " << client.last_reply().summary();
    }
    // The session goes on: a small message afterwards is stored.
    const std::string small = kHeaders + "small\r\n";
    EXPECT_TRUE(
        client.send({"sender@localhost", {"rcpt@example.com"}}, MessageSource::from_string(small))
            .delivered());
    EXPECT_EQ(server.wait_for_message(0).content, small);
    EXPECT_EQ(server.messages().size(), 1u);
}

}  // namespace
}  // namespace smtpkit::test
