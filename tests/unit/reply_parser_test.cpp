#include "smtpkit/protocol/reply_parser.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "smtpkit/error.hpp"

namespace smtpkit::protocol {
namespace {

// Feeds `input` in pieces of `step` octets (0: all at once) and returns the
// one reply it holds; fails the test unless exactly that reply is parsed and
// every octet consumed.
Reply parse_stepwise(std::string_view input, std::size_t step, ReplyLimits limits = {}) {
    ReplyParser parser(limits);
    std::size_t pos = 0;
    while (pos < input.size()) {
        const std::size_t size =
            step == 0 ? input.size() - pos : std::min(step, input.size() - pos);
        std::error_code ec;
        const std::size_t used = parser.feed(input.substr(pos, size), ec);
        EXPECT_FALSE(ec) << ec.message() << " at offset " << pos;
        if (ec) {
            return {};
        }
        pos += used;
        if (parser.has_reply()) {
            break;
        }
        EXPECT_EQ(used, size);
    }
    EXPECT_EQ(pos, input.size());
    EXPECT_TRUE(parser.has_reply());
    return parser.take();
}

// The error `input` gives when fed in pieces of `step` octets (0: at once).
std::error_code error_stepwise(std::string_view input, std::size_t step, ReplyLimits limits = {}) {
    ReplyParser parser(limits);
    std::size_t pos = 0;
    while (pos < input.size()) {
        const std::size_t size =
            step == 0 ? input.size() - pos : std::min(step, input.size() - pos);
        std::error_code ec;
        pos += parser.feed(input.substr(pos, size), ec);
        if (ec) {
            return ec;
        }
        if (parser.has_reply()) {
            ADD_FAILURE() << "a reply completed before the error: " << parser.take().summary();
        }
    }
    return {};
}

// ---- well-formed replies -----------------------------------------------------

struct GoodCase {
    const char* name;
    std::string input;
    int code;
    std::optional<EnhancedStatus> enhanced;
    std::vector<std::string> lines;
};

void PrintTo(const GoodCase& c, std::ostream* os) {
    *os << c.name;
}

class ReplyParserGood : public ::testing::TestWithParam<GoodCase> {};

TEST_P(ReplyParserGood, ParsesWhole) {
    const GoodCase& c = GetParam();
    const Reply reply = parse_stepwise(c.input, 0);
    EXPECT_EQ(reply.code, c.code);
    EXPECT_EQ(reply.enhanced, c.enhanced);
    EXPECT_EQ(reply.lines, c.lines);
}

TEST_P(ReplyParserGood, ParsesOneByteAtATime) {
    const GoodCase& c = GetParam();
    const Reply reply = parse_stepwise(c.input, 1);
    EXPECT_EQ(reply.code, c.code);
    EXPECT_EQ(reply.enhanced, c.enhanced);
    EXPECT_EQ(reply.lines, c.lines);
}

TEST_P(ReplyParserGood, ParsesSplitAtEveryOffset) {
    const GoodCase& c = GetParam();
    for (std::size_t split = 1; split < c.input.size(); ++split) {
        SCOPED_TRACE("split at " + std::to_string(split));
        ReplyParser parser;
        std::error_code ec;
        const std::string_view input = c.input;
        ASSERT_EQ(parser.feed(input.substr(0, split), ec), split);
        ASSERT_FALSE(ec);
        ASSERT_EQ(parser.feed(input.substr(split), ec), input.size() - split);
        ASSERT_FALSE(ec);
        ASSERT_TRUE(parser.has_reply());
        const Reply reply = parser.take();
        EXPECT_EQ(reply.code, c.code);
        EXPECT_EQ(reply.lines, c.lines);
    }
}

const std::optional<EnhancedStatus> none;

INSTANTIATE_TEST_SUITE_P(
    Table, ReplyParserGood,
    ::testing::Values(
        GoodCase{"single", "220 smtp.example.com ESMTP\r\n", 220, none, {"smtp.example.com ESMTP"}},
        GoodCase{"multi",
                 "250-mx.example.com Hello\r\n250-SIZE 1000\r\n250 HELP\r\n",
                 250,
                 none,
                 {"mx.example.com Hello", "SIZE 1000", "HELP"}},
        GoodCase{"enhanced",
                 "550 5.1.1 User unknown\r\n",
                 550,
                 EnhancedStatus{5, 1, 1},
                 {"5.1.1 User unknown"}},
        GoodCase{"enhanced_three_digit_parts",
                 "550 5.123.999 x\r\n",
                 550,
                 EnhancedStatus{5, 123, 999},
                 {"5.123.999 x"}},
        GoodCase{"enhanced_ends_text", "250 2.0.0\r\n", 250, EnhancedStatus{2, 0, 0}, {"2.0.0"}},
        GoodCase{"enhanced_on_every_line",
                 "550-5.1.1 a\r\n550 5.1.1  b\r\n",
                 550,
                 EnhancedStatus{5, 1, 1},
                 {"5.1.1 a", "5.1.1  b"}},
        GoodCase{"enhanced_class_mismatch", "550 4.1.1 x\r\n", 550, none, {"4.1.1 x"}},
        GoodCase{"enhanced_colon_after", "500 5.5.1: x\r\n", 500, none, {"5.5.1: x"}},
        GoodCase{"enhanced_four_digits", "550 5.1234.1 x\r\n", 550, none, {"5.1234.1 x"}},
        GoodCase{"enhanced_detail_four_digits", "550 5.1.1234\r\n", 550, none, {"5.1.1234"}},
        GoodCase{"enhanced_missing_part", "550 5..1 x\r\n", 550, none, {"5..1 x"}},
        GoodCase{"enhanced_for_3yz", "354 3.0.0 go\r\n", 354, none, {"3.0.0 go"}},
        GoodCase{"enhanced_qmail_style",
                 "235 ok, go ahead (#2.0.0)\r\n",
                 235,
                 none,
                 {"ok, go ahead (#2.0.0)"}},
        GoodCase{"enhanced_only_on_later_line",
                 "250-hello\r\n250 2.0.0 ok\r\n",
                 250,
                 none,
                 {"hello", "2.0.0 ok"}},
        GoodCase{"bare_lf", "250-first\n250 second\n", 250, none, {"first", "second"}},
        GoodCase{"mixed_line_ends", "250-first\n250 second\r\n", 250, none, {"first", "second"}},
        GoodCase{"code_alone", "250\r\n", 250, none, {""}},
        GoodCase{"code_alone_bare_lf", "250\n", 250, none, {""}},
        GoodCase{"empty_text", "334 \r\n", 334, none, {""}},
        GoodCase{"empty_continuation", "250-\r\n250 x\r\n", 250, none, {"", "x"}},
        GoodCase{"trailing_spaces_kept", "220-a  \r\n220 b \r\n", 220, none, {"a  ", "b "}},
        GoodCase{"text_looks_like_code",
                 "550-550-Recipient\r\n550 550 second\r\n",
                 550,
                 none,
                 {"550-Recipient", "550 second"}},
        GoodCase{"non_ascii", "550 caf\xc3\xa9 \xff\x80\r\n", 550, none, {"caf\xc3\xa9 \xff\x80"}},
        GoodCase{"stray_cr_becomes_space", "250 a\rb\r\n", 250, none, {"a b"}},
        GoodCase{"cr_cr_lf", "250 a\r\r\n", 250, none, {"a "}},
        GoodCase{"lowest_code", "200 x\r\n", 200, none, {"x"}},
        GoodCase{"highest_code", "599 x\r\n", 599, none, {"x"}}),
    [](const auto& info) { return std::string(info.param.name); });

// ---- malformed replies -------------------------------------------------------

struct BadCase {
    const char* name;
    std::string input;
    error expected;
};

void PrintTo(const BadCase& c, std::ostream* os) {
    *os << c.name;
}

class ReplyParserBad : public ::testing::TestWithParam<BadCase> {};

TEST_P(ReplyParserBad, ReportsTheErrorWhole) {
    EXPECT_EQ(error_stepwise(GetParam().input, 0), GetParam().expected);
}

TEST_P(ReplyParserBad, ReportsTheErrorOneByteAtATime) {
    EXPECT_EQ(error_stepwise(GetParam().input, 1), GetParam().expected);
}

TEST_P(ReplyParserBad, StaysFailedUntilReset) {
    ReplyParser parser;
    std::error_code ec;
    parser.feed(GetParam().input, ec);
    ASSERT_EQ(ec, GetParam().expected);
    EXPECT_EQ(parser.feed("250 ok\r\n", ec), 0u);
    EXPECT_EQ(ec, GetParam().expected);
    EXPECT_FALSE(parser.has_reply());

    parser.reset();
    EXPECT_EQ(parser.feed("250 ok\r\n", ec), 8u);
    EXPECT_FALSE(ec);
    ASSERT_TRUE(parser.has_reply());
    EXPECT_EQ(parser.take().lines, std::vector<std::string>{"ok"});
}

TEST_P(ReplyParserBad, IsAProtocolViolation) {
    const std::error_code ec = make_error_code(GetParam().expected);
    EXPECT_EQ(ec, condition::protocol_violation);
}

INSTANTIATE_TEST_SUITE_P(
    Table, ReplyParserBad,
    ::testing::Values(
        BadCase{"letter_in_code", "25a ok\r\n", error::reply_not_digits},
        BadCase{"letters", "abc\r\n", error::reply_not_digits},
        BadCase{"short_letters", "ab\r\n", error::reply_not_digits},
        BadCase{"space_first", " 250 ok\r\n", error::reply_not_digits},
        BadCase{"two_digits", "25\r\n", error::reply_too_short},
        BadCase{"empty_line", "\r\n", error::reply_too_short},
        BadCase{"bare_empty_line", "\n", error::reply_too_short},
        BadCase{"bad_separator", "250x ok\r\n", error::reply_bad_separator},
        BadCase{"tab_separator", "250\tok\r\n", error::reply_bad_separator},
        BadCase{"cr_as_separator", "250\rx\r\n", error::reply_bad_separator},
        BadCase{"code_mismatch", "250-a\r\n251 b\r\n", error::reply_code_mismatch},
        BadCase{"code_mismatch_later", "250-a\r\n250-b\r\n550 c\r\n", error::reply_code_mismatch},
        BadCase{"code_100", "100\r\n", error::reply_code_out_of_range},
        BadCase{"code_199", "199 x\r\n", error::reply_code_out_of_range},
        BadCase{"code_600", "600 x\r\n", error::reply_code_out_of_range},
        BadCase{"code_000", "000 x\r\n", error::reply_code_out_of_range},
        BadCase{"code_999_on_continuation", "250-a\r\n999 b\r\n", error::reply_code_out_of_range},
        BadCase{"nul_in_text", std::string("250 a\0b\r\n", 9), error::reply_contains_nul},
        BadCase{"nul_in_code", std::string("2\0", 2), error::reply_contains_nul},
        BadCase{"nul_without_lf", std::string("250 \0", 5), error::reply_contains_nul},
        BadCase{"line_without_lf", std::string(5000, 'a'), error::reply_line_too_long},
        BadCase{"long_valid_line", "250 " + std::string(4100, 'x') + "\r\n",
                error::reply_line_too_long},
        BadCase{"too_many_lines",
                [] {
                    std::string s;
                    for (int i = 0; i < 201; ++i) {
                        s += "250-x\r\n";
                    }
                    return s + "250 end\r\n";
                }(),
                error::reply_too_many_lines}),
    [](const auto& info) { return std::string(info.param.name); });

// ---- limits ------------------------------------------------------------------

TEST(ReplyParserLimits, LineAtTheLimitIsAccepted) {
    const ReplyLimits limits{16, 10};
    // 4 + 10 + CRLF = 16 octets: at the limit.
    const Reply reply = parse_stepwise("250 0123456789\r\n", 1, limits);
    EXPECT_EQ(reply.lines, std::vector<std::string>{"0123456789"});
    // 4 + 11 + LF = 16 octets: a bare LF counts one octet.
    EXPECT_EQ(parse_stepwise("250 0123456789a\n", 0, limits).lines,
              std::vector<std::string>{"0123456789a"});
}

TEST(ReplyParserLimits, LineOverTheLimitIsRejected) {
    const ReplyLimits limits{16, 10};
    EXPECT_EQ(error_stepwise("250 0123456789a\r\n", 0, limits), error::reply_line_too_long);
    EXPECT_EQ(error_stepwise("250 0123456789a\r\n", 1, limits), error::reply_line_too_long);
}

TEST(ReplyParserLimits, LongLineFailsBeforeAnyLineEnd) {
    ReplyParser parser(ReplyLimits{16, 10});
    std::error_code ec;
    // Sixteen octets without LF cannot become a line of at most 16 with it.
    EXPECT_EQ(parser.feed("250 0123456789ab", ec), 16u);
    EXPECT_EQ(ec, error::reply_line_too_long);
}

TEST(ReplyParserLimits, DefaultLimitStopsEndlessLine) {
    ReplyParser parser;
    std::error_code ec;
    const std::string chunk(1000, 'x');
    int fed = 0;
    while (!ec && fed < 100) {
        parser.feed(chunk, ec);
        ++fed;
    }
    EXPECT_EQ(ec, error::reply_line_too_long);
    EXPECT_LE(fed, 5);  // 4096 octets: the fifth chunk at the latest
}

TEST(ReplyParserLimits, LineCountAtTheLimitIsAccepted) {
    const ReplyLimits limits{4096, 3};
    EXPECT_EQ(parse_stepwise("250-a\r\n250-b\r\n250 c\r\n", 0, limits).lines.size(), 3u);
    EXPECT_EQ(error_stepwise("250-a\r\n250-b\r\n250-c\r\n250 d\r\n", 0, limits),
              error::reply_too_many_lines);
}

TEST(ReplyParserLimits, ExtraLineFailsAfterEarlierLinesWereAccepted) {
    const ReplyLimits limits{4096, 1};
    ReplyParser parser(limits);
    std::error_code ec;
    EXPECT_EQ(parser.feed("250-a\r\n", ec), 7u);
    EXPECT_FALSE(ec);
    EXPECT_TRUE(parser.mid_reply());
    parser.feed("250 b\r\n", ec);
    EXPECT_EQ(ec, error::reply_too_many_lines);
}

// ---- framing across replies --------------------------------------------------

TEST(ReplyParserFraming, StopsAfterTheFirstOfTwoReplies) {
    const std::string_view both = "250 2.1.0 sender ok\r\n250-2.1.5 recipient\r\n250 2.1.5 ok\r\n";
    ReplyParser parser;
    std::error_code ec;
    const std::size_t first = parser.feed(both, ec);
    ASSERT_FALSE(ec);
    EXPECT_EQ(first, 21u);
    ASSERT_TRUE(parser.has_reply());
    // The reply has not been taken: nothing more is consumed.
    EXPECT_EQ(parser.feed(both.substr(first), ec), 0u);
    EXPECT_FALSE(ec);

    const Reply one = parser.take();
    EXPECT_EQ(one.code, 250);
    EXPECT_EQ(one.enhanced, (EnhancedStatus{2, 1, 0}));
    EXPECT_FALSE(parser.has_reply());
    EXPECT_FALSE(parser.mid_reply());

    EXPECT_EQ(parser.feed(both.substr(first), ec), both.size() - first);
    ASSERT_TRUE(parser.has_reply());
    const Reply two = parser.take();
    EXPECT_EQ(two.enhanced, (EnhancedStatus{2, 1, 5}));
    EXPECT_EQ(two.lines, (std::vector<std::string>{"2.1.5 recipient", "2.1.5 ok"}));
}

TEST(ReplyParserFraming, MidReplyTracksPartialInput) {
    ReplyParser parser;
    std::error_code ec;
    EXPECT_FALSE(parser.mid_reply());
    parser.feed("25", ec);
    EXPECT_TRUE(parser.mid_reply());
    parser.feed("0 ok\r", ec);
    EXPECT_TRUE(parser.mid_reply());
    EXPECT_FALSE(parser.has_reply());
    parser.feed("\n", ec);
    EXPECT_TRUE(parser.has_reply());
    EXPECT_FALSE(parser.mid_reply());
    EXPECT_EQ(parser.take().lines, std::vector<std::string>{"ok"});
}

TEST(ReplyParserFraming, TakeWithoutReplyIsEmpty) {
    ReplyParser parser;
    std::error_code ec;
    parser.feed("250-a\r\n", ec);
    EXPECT_TRUE(parser.take().empty());
    EXPECT_TRUE(parser.mid_reply());  // take() did not drop the partial reply
}

TEST(ReplyParserFraming, ResetDropsPartialReply) {
    ReplyParser parser;
    std::error_code ec;
    parser.feed("250-a\r\n250 b", ec);
    parser.reset();
    EXPECT_FALSE(parser.mid_reply());
    parser.feed("221 bye\r\n", ec);
    ASSERT_TRUE(parser.has_reply());
    const Reply reply = parser.take();
    EXPECT_EQ(reply.code, 221);
    EXPECT_EQ(reply.lines, std::vector<std::string>{"bye"});
}

TEST(ParseReply, ParsesExactlyOneReply) {
    std::error_code ec;
    const Reply reply = parse_reply("250-a\r\n250 b\r\n", ec);
    EXPECT_FALSE(ec);
    EXPECT_EQ(reply.code, 250);
    EXPECT_EQ(reply.lines, (std::vector<std::string>{"a", "b"}));
}

TEST(ParseReply, RejectsIncompleteAndTrailingInput) {
    std::error_code ec;
    EXPECT_TRUE(parse_reply("250-a\r\n", ec).empty());
    EXPECT_EQ(ec, error::connection_closed);
    EXPECT_TRUE(parse_reply("", ec).empty());
    EXPECT_EQ(ec, error::connection_closed);
    EXPECT_TRUE(parse_reply("250 a\r\n250 b\r\n", ec).empty());
    EXPECT_EQ(ec, error::unexpected_reply);
    EXPECT_TRUE(parse_reply("250 a\r\n\r\n", ec).empty());
    EXPECT_EQ(ec, error::unexpected_reply);
    EXPECT_TRUE(parse_reply("25x\r\n", ec).empty());
    EXPECT_EQ(ec, error::reply_not_digits);
}

// ---- Reply's own helpers -----------------------------------------------------

TEST(ReplyText, DropsTheRepeatedEnhancedCode) {
    std::error_code ec;
    const Reply reply = parse_reply(
        "550-5.1.1 The account does not exist.\r\n"
        "550-5.2.1 Another code stays\r\n"
        "550 5.1.1  https://example.com/x\r\n",
        ec);
    ASSERT_FALSE(ec);
    EXPECT_EQ(reply.text(),
              "The account does not exist.\n5.2.1 Another code stays\n https://example.com/x");
    EXPECT_EQ(reply.summary(),
              "550 5.1.1 The account does not exist. 5.2.1 Another code stays  "
              "https://example.com/x");
}

TEST(ReplyText, WithoutEnhancedCode) {
    std::error_code ec;
    const Reply reply = parse_reply("250-mx Hello\r\n250 HELP\r\n", ec);
    ASSERT_FALSE(ec);
    EXPECT_EQ(reply.text(), "mx Hello\nHELP");
    EXPECT_EQ(reply.summary(), "250 mx Hello HELP");
}

TEST(ReplyText, EmptyText) {
    std::error_code ec;
    EXPECT_EQ(parse_reply("334 \r\n", ec).summary(), "334");
    EXPECT_EQ(parse_reply("250 2.0.0\r\n", ec).summary(), "250 2.0.0");
    EXPECT_EQ(parse_reply("250 2.0.0\r\n", ec).text(), "");
}

TEST(ReplyText, EnhancedStatusToString) {
    EXPECT_EQ((EnhancedStatus{5, 1, 1}.to_string()), "5.1.1");
    EXPECT_EQ((EnhancedStatus{4, 123, 999}.to_string()), "4.123.999");
}

TEST(ReplyText, Classification) {
    std::error_code ec;
    EXPECT_TRUE(parse_reply("354 go\r\n", ec).intermediate());
    EXPECT_TRUE(parse_reply("451 later\r\n", ec).transient());
    EXPECT_TRUE(parse_reply("554 no\r\n", ec).permanent());
    EXPECT_TRUE(parse_reply("250 ok\r\n", ec).positive_completion());
}

}  // namespace
}  // namespace smtpkit::protocol
