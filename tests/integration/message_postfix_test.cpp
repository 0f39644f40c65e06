// Messages built with smtpkit::Message, sent through a real Postfix and read
// back from its mailbox: by Python's email package (structure, decoded
// headers, attachment bytes) and byte for byte against what was rendered.
// Bcc recipients get the message and appear nowhere in it.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "common/python_mime.hpp"
#include "smtpkit/client.hpp"
#include "smtpkit/message.hpp"
#include "support/postfix_server.hpp"
#include "support/process_memory.hpp"

namespace smtpkit::test {
namespace {

using Json = nlohmann::json;
namespace fs = std::filesystem;

ConnectOptions local_options() {
    ConnectOptions options;
    options.security = Security::plaintext;  // a relay on loopback
    options.timeout = std::chrono::seconds(30);
    options.helo_name = "client.smtpkit.test";
    return options;
}

// The lines Postfix put before the message it was given (Return-Path,
// X-Original-To, Delivered-To, Received): everything up to our Date field.
std::string without_postfix_trace(const std::string& stored) {
    const auto date = stored.find("\nDate: ");
    return date == std::string::npos ? stored : stored.substr(date + 1);
}

std::string header_value(const std::string& stored, const std::string& name) {
    const auto at = stored.find("\n" + name + ": ");
    if (at == std::string::npos) {
        return {};
    }
    const auto start = at + name.size() + 3;
    return stored.substr(start, stored.find('\n', start) - start);
}

std::string crlf(const std::string& lf) {
    std::string out;
    for (char c : lf) {
        if (c == '\n') {
            out += '\r';
        }
        out += c;
    }
    return out;
}

std::string random_bytes(std::size_t n, unsigned seed) {
    std::mt19937 random(seed);
    std::string out(n, '\0');
    for (char& c : out) {
        c = static_cast<char>(random());
    }
    return out;
}

class MessagePostfix : public ::testing::Test {
  protected:
    fs::path write(const std::string& name, const std::string& content) {
        const fs::path p = server_.directory() / name;
        std::ofstream(p, std::ios::binary) << content;
        return p;
    }

    PostfixServer server_;
};

// The README's example, end to end.
TEST_F(MessagePostfix, ReadmeExampleArrivesWholeAndBccIsInvisible) {
    const std::string png = random_bytes(5000, 1);
    const std::string pdf = "%PDF-1.4\n" + random_bytes(200000, 2);
    const fs::path logo = write("logo.png", png);
    const fs::path report = write("Quartalsbericht Q3.pdf", pdf);

    Message message;
    message.from("Jörg Müller <sender@localhost>")
        .to("Ann <root@localhost>")
        .cc("Bob <root+cc@localhost>")
        .bcc("root+bcc@localhost")
        .subject("Grüße – the quarterly report 📈")
        .date(std::chrono::system_clock::from_time_t(1764660000))
        .text("Hello Ann,\nthe report is attached.\n")
        .html("<p>Hello Ann,</p><p><img src=\"cid:logo@example\"> the report is attached.</p>")
        .embed_file(logo, "logo@example")
        .attach_file(report);

    Client client;
    client.connect("127.0.0.1", server_.port(), local_options());
    const SendResult result = client.send(message);
    ASSERT_TRUE(result.delivered())
        << result.error.message() << " " << result.final_reply.summary();
    ASSERT_EQ(result.recipients.size(), 3u);
    EXPECT_EQ(result.recipients[2].address, "root+bcc@localhost");
    const std::string rendered = message.to_string(client.render_options(message));
    client.quit();

    // One copy per recipient, the Bcc one included.
    const auto copies = split_mbox(server_.wait_for_mailbox("root", std::chrono::seconds(15), 3));
    ASSERT_EQ(copies.size(), 3u);
    std::vector<std::string> original_to;
    for (const std::string& copy : copies) {
        original_to.push_back(header_value(copy, "X-Original-To"));
        const std::string ours = without_postfix_trace(copy);
        EXPECT_EQ(ours.find("root+bcc"), std::string::npos) << "the Bcc address shows";
        EXPECT_EQ(ours.find("\nBcc:"), std::string::npos);
        EXPECT_EQ(ours, as_stored_in_mbox(rendered)) << "not what was sent, byte for byte";

        const Json p = parse_mime_with_python(crlf(ours));
        EXPECT_EQ(p["subject"], "Grüße – the quarterly report 📈");
        EXPECT_EQ(p["from"][0]["name"], "Jörg Müller");
        EXPECT_EQ(p["to"][0]["address"], "root@localhost");
        EXPECT_EQ(p["cc"][0]["address"], "root+cc@localhost");
        EXPECT_TRUE(p["bcc"].is_null());
        EXPECT_EQ(p["body"]["type"], "multipart/mixed");
        const Json* image = find_mime_part(p["body"], "image/png");
        ASSERT_NE(image, nullptr);
        EXPECT_EQ((*image)["content_id"], "<logo@example>");
        EXPECT_EQ(decode_part_bytes((*image)["bytes"]), png);
        const Json* attachment = find_mime_part(p["body"], "application/pdf");
        ASSERT_NE(attachment, nullptr);
        EXPECT_EQ((*attachment)["filename"], "Quartalsbericht Q3.pdf");
        EXPECT_EQ(decode_part_bytes((*attachment)["bytes"]), pdf);
        const Json* html = find_mime_part(p["body"], "text/html");
        ASSERT_NE(html, nullptr);
        EXPECT_NE((*html)["text"].get<std::string>().find("cid:logo@example"), std::string::npos);
        EXPECT_LE(p["longest_line"].get<int>(), 998);
    }
    std::sort(original_to.begin(), original_to.end());
    EXPECT_EQ(original_to, (std::vector<std::string>{"root+bcc@localhost", "root+cc@localhost",
                                                     "root@localhost"}));
}

// 50 MB of attachment streamed from its file: the client's memory stays
// flat (the 1 GB run is `make bench`'s, see bench/large_attachment.sh).
TEST(MessagePostfixLarge, FiftyMegabyteAttachmentStreamsWithFlatMemory) {
    PostfixServer server(
        PostfixOptions{.main_cf = {{"message_size_limit", "0"}, {"mailbox_size_limit", "0"}}});
    const fs::path file = server.directory() / "big.bin";
    {
        std::ofstream out(file, std::ios::binary);
        for (unsigned i = 0; i < 50; ++i) {
            out << random_bytes(1 << 20, 100 + i);
        }
    }
    Message message;
    message.from("sender@localhost").to("root@localhost").subject("big").text("see attached");
    message.attach_file(file);

    Client client;
    client.connect("127.0.0.1", server.port(), local_options());
    reset_peak_rss();
    const std::uint64_t rss_before = current_rss_bytes();
    const SendResult result = client.send(message);
    const std::uint64_t peak = peak_rss_bytes();
    const std::uint64_t rss_growth = peak > rss_before ? peak - rss_before : 0;
    ASSERT_TRUE(result.delivered())
        << result.error.message() << " " << result.final_reply.summary();
    client.quit();
    EXPECT_LE(rss_growth, 16u << 20) << "peak RSS grew by " << rss_growth << " octets";
    std::cout << "[ measure ] 50 MB attachment: peak RSS growth " << (rss_growth >> 20) << " MB\n";

    const auto copies = split_mbox(server.wait_for_mailbox("root", std::chrono::seconds(60)));
    ASSERT_EQ(copies.size(), 1u);
    const Json p = parse_mime_with_python(crlf(without_postfix_trace(copies[0])));
    const Json* attachment = find_mime_part(p["body"], "application/octet-stream");
    ASSERT_NE(attachment, nullptr);
    const std::string got = decode_part_bytes((*attachment)["bytes"]);
    ASSERT_EQ(got.size(), 50u << 20);
    std::ifstream in(file, std::ios::binary);
    const std::string expected((std::istreambuf_iterator<char>(in)), {});
    EXPECT_TRUE(got == expected) << "the attachment's octets differ";
}

}  // namespace
}  // namespace smtpkit::test
