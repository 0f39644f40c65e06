// A MessageSource against a real aiosmtpd, which stores every octet it took:
// the same source sent twice, in a batch of three and again after a refusal
// goes out whole each time; a file changed or deleted between its scan and
// its send, or a source that ends early, is never stored as a message.
// (Before sources were opened per send, aiosmtpd stored 519, 0, 0, 0, 0
// octets for one source sent five times, each reported delivered.)
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "smtpkit/client.hpp"
#include "support/aiosmtpd_server.hpp"

namespace smtpkit::test {
namespace {

using namespace std::chrono_literals;

ConnectOptions plaintext_options() {
    ConnectOptions options;
    options.security = Security::plaintext;
    options.timeout = std::chrono::seconds(20);
    options.helo_name = "client.smtpkit.test";
    return options;
}

const std::string kMessage =
    "From: Sender <sender@localhost>\r\n"
    "To: rcpt@example.com\r\n"
    "Subject: the same source, every time\r\n"
    "\r\n" +
    std::string(400, 'x') + "\r\nlast line\r\n";

const Envelope kEnvelope{"sender@localhost", {"rcpt@example.com"}};

class MessageSourceReal : public ::testing::Test {
  protected:
    void SetUp() override { client_.connect("127.0.0.1", server_.port(), plaintext_options()); }

    // A scratch file holding `content`.
    std::filesystem::path write_file(const std::string& content) {
        const std::filesystem::path path = server_.directory() / "message.eml";
        std::ofstream(path, std::ios::binary) << content;
        return path;
    }

    // Nothing more was stored than `count` messages, a moment after the
    // client let go (aiosmtpd stores as soon as it has a whole message).
    void expect_stored(std::size_t count) {
        std::this_thread::sleep_for(300ms);
        EXPECT_EQ(server_.messages().size(), count);
    }

    AiosmtpdServer server_;
    Client client_;
};

TEST_F(MessageSourceReal, TheSameSourceSentTwiceArrivesWholeTwice) {
    const MessageSource source = MessageSource::from_string(kMessage);
    EXPECT_TRUE(client_.send(kEnvelope, source).delivered());
    EXPECT_TRUE(client_.send(kEnvelope, source).delivered());
    client_.quit();
    EXPECT_EQ(server_.wait_for_message(0).content, kMessage);
    EXPECT_EQ(server_.wait_for_message(1).content, kMessage);
    expect_stored(2);
}

TEST_F(MessageSourceReal, TheSameSourceThreeTimesInABatchArrivesWholeThreeTimes) {
    const MessageSource source = MessageSource::from_string(kMessage);
    const MessageSource file = MessageSource::from_file(write_file(kMessage));
    std::vector<OutgoingMessage> batch{{kEnvelope, source},
                                       {kEnvelope, file},
                                       {kEnvelope, source},
                                       {kEnvelope, file},
                                       {kEnvelope, source}};
    const std::vector<SendResult> results = client_.send_many(batch);
    ASSERT_EQ(results.size(), 5u);
    for (const SendResult& r : results) {
        EXPECT_TRUE(r.delivered()) << r.error.message();
    }
    client_.quit();
    for (std::size_t i = 0; i < 5; ++i) {
        EXPECT_EQ(server_.wait_for_message(i).content.size(), kMessage.size()) << i;
        EXPECT_EQ(server_.wait_for_message(i).content, kMessage) << i;
    }
    expect_stored(5);
}

TEST_F(MessageSourceReal, RetriedAfterARefusalArrivesWhole) {
    const MessageSource source = MessageSource::from_string(kMessage);
    const SendResult refused =
        client_.send({"sender@localhost", {"reject-me@example.com"}}, source);
    EXPECT_EQ(refused.error, error::no_valid_recipients);
    EXPECT_FALSE(refused.delivered());
    EXPECT_TRUE(client_.send(kEnvelope, source).delivered());
    client_.quit();
    EXPECT_EQ(server_.wait_for_message(0).content, kMessage);
    expect_stored(1);
}

TEST_F(MessageSourceReal, AOneShotStreamRefusedBeforeItWasReadIsSentWholeOnRetry) {
    std::istringstream stream(kMessage);
    const MessageSource source = MessageSource::from_stream(stream);
    EXPECT_FALSE(source.restartable());
    EXPECT_FALSE(client_.send({"sender@localhost", {"reject-me@example.com"}}, source).delivered());
    EXPECT_TRUE(client_.send(kEnvelope, source).delivered());
    // Read once: a third send of it fails before anything of it is written.
    std::error_code ec;
    const SendResult again = client_.send(kEnvelope, source, ec);
    EXPECT_EQ(ec, error::source_already_read);
    EXPECT_EQ(again.verdict, Verdict::not_delivered);
    EXPECT_TRUE(client_.connected());
    client_.quit();
    EXPECT_EQ(server_.wait_for_message(0).content, kMessage);
    expect_stored(1);
}

TEST_F(MessageSourceReal, AFileTruncatedAfterItsScanIsNotSent) {
    const std::filesystem::path path = write_file(kMessage);
    const MessageSource source = MessageSource::from_file(path);
    std::filesystem::resize_file(path, kMessage.size() / 2);
    std::error_code ec;
    const SendResult r = client_.send(kEnvelope, source, ec);
    EXPECT_EQ(ec, error::source_truncated);
    EXPECT_EQ(r.verdict, Verdict::not_delivered);
    // Refused before MAIL: the session goes on.
    EXPECT_TRUE(client_.connected());
    EXPECT_TRUE(client_.send(kEnvelope, MessageSource::from_string(kMessage)).delivered());
    client_.quit();
    EXPECT_EQ(server_.wait_for_message(0).content, kMessage);
    expect_stored(1);
}

TEST_F(MessageSourceReal, AFileThatGrewAfterItsScanIsNotSent) {
    const std::filesystem::path path = write_file(kMessage);
    const MessageSource source = MessageSource::from_file(path);
    std::ofstream(path, std::ios::binary | std::ios::app) << "one more line\r\n";
    std::error_code ec;
    client_.send(kEnvelope, source, ec);
    EXPECT_EQ(ec, error::source_grew);
    client_.quit();
    expect_stored(0);
}

TEST_F(MessageSourceReal, AFileDeletedAfterItsScanIsNotSent) {
    const std::filesystem::path path = write_file(kMessage);
    const MessageSource source = MessageSource::from_file(path);
    std::filesystem::remove(path);
    std::error_code ec;
    const SendResult r = client_.send(kEnvelope, source, ec);
    EXPECT_EQ(ec, error::source_read_failed);
    EXPECT_NE(client_.last_error_detail().find("No such file"), std::string::npos)
        << client_.last_error_detail();
    EXPECT_EQ(r.verdict, Verdict::not_delivered);
    client_.quit();
    expect_stored(0);
}

// A source that promises more than it gives: over DATA the only way not to
// deliver the short message is to drop the connection before the end of data.
TEST_F(MessageSourceReal, ASourceThatEndsEarlyMidSendIsNeverEnded) {
    const MessageSource short_source = MessageSource::from_opener(
        [](std::error_code&) -> MessageSource::Reader {
            return [sent = false](char* buf, std::size_t n, std::error_code&) mutable {
                if (sent) {
                    return std::size_t{0};
                }
                sent = true;
                const std::size_t k = std::min(n, kMessage.size() / 2);
                std::copy_n(kMessage.data(), k, buf);
                return k;
            };
        },
        kMessage.size(), ContentClass::seven_bit);
    std::error_code ec;
    const SendResult r = client_.send(kEnvelope, short_source, ec);
    EXPECT_EQ(ec, error::source_truncated);
    EXPECT_EQ(r.error, error::source_truncated);
    EXPECT_EQ(r.verdict, Verdict::not_delivered);
    EXPECT_FALSE(client_.connected());  // dropped rather than ended
    expect_stored(0);
}

}  // namespace
}  // namespace smtpkit::test
