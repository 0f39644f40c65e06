#include "message/transfer_encoding.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace smtpkit::message {
namespace {

using namespace std::string_literals;
using TE = TransferEncoding;

TEST(ContentProfiler, CountsWhatTheChoiceDependsOn) {
    const ContentProfile p = profile_content("ab\r\nc\xc3\xa9\x01\nx\ry\0\x7f\r"s);
    EXPECT_EQ(p.octets, 15u);
    EXPECT_EQ(p.eight_bit, 2u);
    EXPECT_EQ(p.controls, 3u);  // \x01, NUL, DEL
    EXPECT_EQ(p.nul, 1u);
    EXPECT_EQ(p.bare_cr, 2u);  // in "x\ry" and at the very end
    EXPECT_EQ(p.bare_lf, 1u);
    EXPECT_EQ(p.longest_line, 6u);  // "x\ry\0\x7f\r"
}

TEST(ContentProfiler, MeasuresLinesWithoutTheirBreaks) {
    const std::string line998(998, 'a');
    EXPECT_EQ(profile_content(line998 + "\r\n" + "b").longest_line, 998u);
    EXPECT_EQ(profile_content(line998 + "\n").longest_line, 998u);
    EXPECT_EQ(profile_content(line998 + "a").longest_line, 999u);
    EXPECT_EQ(profile_content("").longest_line, 0u);
}

TEST(ContentProfiler, GivesTheSameCountsHoweverTheContentIsSplit) {
    const std::string content = "a\r\nb\r\r\n\n\xff\0 x\r"s + std::string(1200, 'q') + "\r\n";
    const ContentProfile whole = profile_content(content);
    for (std::size_t chunk = 1; chunk < 40; ++chunk) {
        ContentProfiler profiler;
        for (std::size_t pos = 0; pos < content.size(); pos += chunk) {
            profiler.scan(std::string_view(content).substr(pos, chunk));
        }
        const ContentProfile p = profiler.profile();
        EXPECT_EQ(p.octets, whole.octets);
        EXPECT_EQ(p.eight_bit, whole.eight_bit);
        EXPECT_EQ(p.controls, whole.controls);
        EXPECT_EQ(p.nul, whole.nul);
        EXPECT_EQ(p.bare_cr, whole.bare_cr);
        EXPECT_EQ(p.bare_lf, whole.bare_lf);
        EXPECT_EQ(p.longest_line, whole.longest_line);
    }
}

struct Case {
    const char* what;
    std::string content;
    TransferRules rules;
    TE expected;
};

TEST(ChooseTransferEncoding, FollowsTheDocumentedRules) {
    const TransferRules text{};
    const TransferRules text_8bit{.text = true, .eight_bit_mime = true};
    const TransferRules text_binary{.text = true, .eight_bit_mime = true, .binary_mime = true};
    const TransferRules data{.text = false};
    const TransferRules data_8bit{.text = false, .eight_bit_mime = true};
    const TransferRules data_binary{.text = false, .binary_mime = true};
    const std::string long_line(999, 'a');
    const std::string french =
        "Le c\xc5\x93ur a ses raisons que la raison ne conna\xc3\xaet point.\r\n";
    const std::string japanese = "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe3\x81\xae\xe6\x96\x87\r\n";
    std::string japanese_line;  // 1,500 octets without a break
    while (japanese_line.size() < 1500) {
        japanese_line += japanese.substr(0, 15);
    }
    const std::vector<Case> cases = {
        {"empty", "", text, TE::seven_bit},
        {"ASCII text", "Hello\r\nworld\r\n", text, TE::seven_bit},
        {"bare LF text", "Hello\nworld\n", text, TE::seven_bit},
        {"998-octet line", std::string(998, 'a'), text, TE::seven_bit},
        {"ESC (ISO-2022-JP)", "\x1b$B$3\x1b(B\r\n", text, TE::seven_bit},
        {"999-octet line", long_line, text, TE::quoted_printable},
        {"bare CR", "abcdefgh\rijk", text, TE::quoted_printable},
        {"mostly ASCII UTF-8", french, text, TE::quoted_printable},
        {"mostly ASCII UTF-8, 8BITMIME", french, text_8bit, TE::eight_bit},
        {"CJK", japanese, text, TE::base64},
        {"CJK, 8BITMIME", japanese, text_8bit, TE::eight_bit},
        {"CJK long line, 8BITMIME", japanese_line, text_8bit, TE::base64},
        {"mostly ASCII long line, 8BITMIME", japanese + long_line, text_8bit, TE::quoted_printable},
        {"CJK long line, BINARYMIME", japanese_line, text_binary, TE::binary},
        {"NUL in text", "a\0b"s, text, TE::base64},
        {"NUL in text, 8BITMIME", "a\0b"s, text_8bit, TE::base64},
        {"NUL in text, BINARYMIME", "a\0b"s, text_binary, TE::binary},
        {"ASCII data, CRLF", "a,b\r\nc,d\r\n", data, TE::seven_bit},
        {"ASCII data, bare LF", "a,b\nc,d\n", data, TE::base64},
        {"ASCII data, bare LF, BINARYMIME", "a,b\nc,d\n", data_binary, TE::binary},
        {"8-bit data, CRLF, 8BITMIME", "\xff\xfe\r\n", data_8bit, TE::eight_bit},
        {"8-bit data", "\xff\xfe\r\n", data, TE::base64},
        {"binary data", "\x89PNG\r\n\x1a\n\0\0\0\rIHDR"s, data_8bit, TE::base64},
    };
    for (const Case& c : cases) {
        EXPECT_EQ(choose_transfer_encoding(profile_content(c.content), c.rules), c.expected)
            << c.what;
    }
}

// One octet in six escaped is where quoted-printable stops being shorter.
TEST(ChooseTransferEncoding, QuotedPrintableUpToOneEscapedOctetInSix) {
    const std::string at_limit = "aaaaa\xe9";
    const std::string over_limit = "aaaa\xe9\xe9";
    EXPECT_EQ(choose_transfer_encoding(profile_content(at_limit), {}), TE::quoted_printable);
    EXPECT_EQ(choose_transfer_encoding(profile_content(over_limit), {}), TE::base64);
}

TEST(ChooseTransferEncoding, NamesEachEncodingAsMimeDoes) {
    EXPECT_EQ(to_string(TE::seven_bit), "7bit");
    EXPECT_EQ(to_string(TE::eight_bit), "8bit");
    EXPECT_EQ(to_string(TE::binary), "binary");
    EXPECT_EQ(to_string(TE::quoted_printable), "quoted-printable");
    EXPECT_EQ(to_string(TE::base64), "base64");
}

}  // namespace
}  // namespace smtpkit::message
