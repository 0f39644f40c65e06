// The content classes (RFC 6152, RFC 3030) as the scanner sees them stream.
#include "smtpkit/protocol/detail/content_scanner.hpp"

#include <gtest/gtest.h>

#include <string>

namespace smtpkit::protocol {
namespace {

TEST(ContentScanner, Classes) {
    EXPECT_EQ(classify(""), ContentClass::seven_bit);
    EXPECT_EQ(classify("Subject: hi\r\n\r\nplain text\r\n"), ContentClass::seven_bit);
    EXPECT_EQ(classify("bare LF\nand bare CR\rtext"), ContentClass::seven_bit);
    EXPECT_EQ(classify("caf\xC3\xA9\r\n"), ContentClass::eight_bit);
    EXPECT_EQ(classify(std::string("a\0b", 3)), ContentClass::binary);
    EXPECT_EQ(classify("caf\xC3\xA9" + std::string("\0", 1)), ContentClass::binary)
        << "binary outranks 8-bit";
}

TEST(ContentScanner, LineLengthLimitIs998OctetsWithoutTheLineEnd) {
    EXPECT_EQ(classify(std::string(998, 'x') + "\r\n"), ContentClass::seven_bit);
    EXPECT_EQ(classify(std::string(999, 'x') + "\r\n"), ContentClass::binary);
    EXPECT_EQ(classify(std::string(998, 'x') + "\r\n" + std::string(998, 'y')),
              ContentClass::seven_bit);
    EXPECT_EQ(classify(std::string(998, 'x') + "\n" + std::string(999, 'y')), ContentClass::binary);
}

TEST(ContentScanner, ChunkingDoesNotChangeTheClass) {
    const std::string long_line = std::string(600, 'a') + std::string(600, 'b') + "\r\n";
    for (std::size_t cut = 0; cut <= long_line.size(); cut += 37) {
        ContentScanner s;
        s.scan(std::string_view(long_line).substr(0, cut));
        s.scan(std::string_view(long_line).substr(cut));
        EXPECT_EQ(s.content_class(), ContentClass::binary) << "cut at " << cut;
    }
    ContentScanner s;
    s.scan("abc\xC3");
    EXPECT_EQ(s.content_class(), ContentClass::eight_bit);
    s.scan("\xA9 more\r\n");
    EXPECT_EQ(s.content_class(), ContentClass::eight_bit) << "never goes down";
}

TEST(ContentScanner, EightBitHeadersAreThoseBeforeTheFirstEmptyLine) {
    const std::string utf8_subject = "Subject: Gr\xC3\xBC\xC3\x9F\xC3\xA9\r\n\r\nbody\r\n";
    const std::string utf8_body = "Subject: hello\r\n\r\nGr\xC3\xBC\xC3\x9F\xC3\xA9\r\n";
    const std::string bare_lf = "Subject: hello\n\nGr\xC3\xBC\xC3\x9F\n";
    for (std::size_t cut = 0; cut <= utf8_subject.size(); ++cut) {
        ContentScanner s;
        s.scan(std::string_view(utf8_subject).substr(0, cut));
        s.scan(std::string_view(utf8_subject).substr(cut));
        EXPECT_TRUE(s.eight_bit_headers()) << "cut at " << cut;
    }
    for (const auto& text : {utf8_body, bare_lf}) {
        for (std::size_t cut = 0; cut <= text.size(); ++cut) {
            ContentScanner s;
            s.scan(std::string_view(text).substr(0, cut));
            s.scan(std::string_view(text).substr(cut));
            EXPECT_FALSE(s.eight_bit_headers()) << "cut at " << cut;
            EXPECT_EQ(s.content_class(), ContentClass::eight_bit);
        }
    }
}

}  // namespace
}  // namespace smtpkit::protocol
