#include "message/unstructured_field.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "header_lines.hpp"
#include "message/encoded_word.hpp"
#include "smtpkit/error.hpp"

namespace smtpkit::message {
namespace {

using namespace std::string_literals;
using test::well_folded;
using test::words_hold_whole_characters;

std::string subject(std::string_view value, HeaderOptions options = {}) {
    std::error_code ec;
    std::string field = encode_unstructured("Subject", value, options, ec);
    EXPECT_FALSE(ec) << value;
    return field;
}

TEST(Unstructured, EncodesKnownVectors) {
    const std::vector<std::pair<std::string, std::string>> vectors = {
        {"Hello world", "Subject: Hello world\r\n"},
        {"", "Subject:\r\n"},
        {"a\tb  c", "Subject: a\tb  c\r\n"},
        // B when shorter (8 < 9), Q when not longer.
        {"caf\xc3\xa9", "Subject: =?UTF-8?B?Y2Fmw6k=?=\r\n"},
        {"Andr\xc3\xa9 Pirard", "Subject: =?UTF-8?B?QW5kcsOp?= Pirard\r\n"},
        {"Caf\xc3\xa9 de la Gare", "Subject: =?UTF-8?B?Q2Fmw6k=?= de la Gare\r\n"},
        {"Bient\xc3\xb4t", "Subject: =?UTF-8?Q?Bient=C3=B4t?=\r\n"},
        {"\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac", "Subject: =?UTF-8?B?4oKs4oKs4oKs?=\r\n"},
        // Adjacent words to encode share a run: the space between them is
        // carried inside, white space next to plain words stays outside.
        {"Gr\xc3\xbc\xc3\x9f"
         "e aus M\xc3\xbcnchen",
         "Subject: =?UTF-8?B?R3LDvMOfZQ==?= aus =?UTF-8?Q?M=C3=BCnchen?=\r\n"},
        {"\xc3\xa9t\xc3\xa9 \xc3\xa0 Paris", "Subject: =?UTF-8?B?w6l0w6kgw6A=?= Paris\r\n"},
        {"Sch\xc3\xb6nefeld Flughafen", "Subject: =?UTF-8?Q?Sch=C3=B6nefeld?= Flughafen\r\n"},
        // What decoders would strip or misread is encoded.
        {" leading", "Subject: =?UTF-8?Q?_leading?=\r\n"},
        {"trailing ", "Subject: =?UTF-8?Q?trailing_?=\r\n"},
        {"not =?an?= encoded-word", "Subject: not =?UTF-8?B?PT9hbj89?= encoded-word\r\n"},
        {"not=?an?=encoded-word", "Subject: =?UTF-8?B?bm90PT9hbj89ZW5jb2RlZC13b3Jk?=\r\n"},
        {"bell\x07", "Subject: =?UTF-8?Q?bell=07?=\r\n"},
    };
    for (const auto& [value, expected] : vectors) {
        EXPECT_EQ(subject(value), expected) << value;
    }
}

TEST(Unstructured, WritesUtf8AsItIsWithSmtputf8) {
    EXPECT_EQ(subject("caf\xc3\xa9 \xf0\x9f\x98\x80", {.utf8 = true}),
              "Subject: caf\xc3\xa9 \xf0\x9f\x98\x80\r\n");
    // Still encoded: what no reader would give back as written.
    EXPECT_EQ(subject(" x", {.utf8 = true}), "Subject: =?UTF-8?Q?_x?=\r\n");
}

TEST(Unstructured, FoldsPlainTextAtItsSpaces) {
    const std::string text =
        "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor "
        "incididunt ut labore et dolore magna aliqua.";
    const std::string field = subject(text);
    EXPECT_EQ(field,
              "Subject: Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do\r\n"
              " eiusmod tempor incididunt ut labore et dolore magna aliqua.\r\n");
    EXPECT_EQ(test::unfold(field), "Subject: " + text + "\r\n");
}

TEST(Unstructured, EncodesWordsTooLongToFold) {
    const std::string url = "https://example.com/" + std::string(90, 'a') + "/x";
    const std::string field = subject("see " + url);
    EXPECT_TRUE(well_folded(field));
    EXPECT_EQ(field.substr(0, 14), "Subject: see =");
    // With SMTPUTF8 a long word stays plain while its line fits 998.
    EXPECT_EQ(subject("see " + url, {.utf8 = true}), "Subject: see\r\n " + url + "\r\n");
}

TEST(Unstructured, SplitsLongTextIntoWordsOfWholeCharacters) {
    std::string cjk;
    for (int i = 0; i < 40; ++i) {
        cjk += "\xe6\x97\xa5\xe6\x9c\xac";  // 日本
    }
    std::string emoji;
    for (int i = 0; i < 40; ++i) {
        emoji += "\xf0\x9f\x98\x80 ";  // 😀 and a space
    }
    for (const std::string& value : {cjk, emoji, "x" + cjk + "y", "a\xcc\x81" + cjk}) {
        const std::string field = subject(value);
        EXPECT_TRUE(well_folded(field)) << field;
        EXPECT_TRUE(words_hold_whole_characters(field)) << field;
        std::string decoded;
        for (const auto& word : test::encoded_words_in(field)) {
            decoded += word.value_or("?");
        }
        EXPECT_EQ(decoded, value);
    }
}

TEST(Unstructured, KeepsEveryLineWithinTheLimitsForRandomText) {
    static const std::vector<std::string> pieces = {"a",
                                                    "word",
                                                    " ",
                                                    "  ",
                                                    "\t",
                                                    "\xc3\xa9",
                                                    "\xe2\x82\xac",
                                                    "\xf0\x9f\x98\x80",
                                                    "=?",
                                                    "?=",
                                                    "_",
                                                    "\"",
                                                    "\\",
                                                    ";",
                                                    "(",
                                                    "x\xcc\x81",
                                                    std::string(30, 'l'),
                                                    "\xe6\x97\xa5"};
    std::mt19937 rng(5);
    for (int i = 0; i < 500; ++i) {
        std::string value;
        const std::size_t n = rng() % 60;
        for (std::size_t k = 0; k < n; ++k) {
            value += pieces[rng() % pieces.size()];
        }
        for (const bool utf8 : {false, true}) {
            const std::string field = subject(value, {.utf8 = utf8});
            ASSERT_TRUE(well_folded(field, utf8 ? 998 : 78)) << value;
            ASSERT_TRUE(words_hold_whole_characters(field)) << value;
            if (!utf8) {
                for (const char c : field) {
                    ASSERT_LT(static_cast<unsigned char>(c), 0x80) << field;
                }
            }
        }
    }
}

TEST(Unstructured, LongFieldNamesStillFit998) {
    const std::string name(76, 'X');
    std::error_code ec;
    const std::string field =
        encode_unstructured(name, "\xe2\x82\xac" + std::string(200, 'b'), {}, ec);
    ASSERT_FALSE(ec);
    EXPECT_TRUE(well_folded(field, 998));
    EXPECT_TRUE(words_hold_whole_characters(field));
}

TEST(Unstructured, RefusesHeaderInjection) {
    std::error_code ec;
    for (const std::string& bad :
         {"Hi\r\nBcc: victim@example.com"s, "Hi\nBcc: x"s, "Hi\rx"s, "nul\0"s, "bad \xff utf-8"s}) {
        EXPECT_EQ(encode_unstructured("Subject", bad, {}, ec), "");
        EXPECT_EQ(ec, error::invalid_header) << bad;
        EXPECT_EQ(encode_unstructured("Subject", bad, {.utf8 = true}, ec), "");
        EXPECT_EQ(ec, error::invalid_header) << bad;
    }
    for (const std::string& bad_name : {"Sub ject"s, "Subject:"s, ""s, "Bcc\r\nX"s}) {
        EXPECT_EQ(encode_unstructured(bad_name, "x", {}, ec), "");
        EXPECT_EQ(ec, error::invalid_header) << bad_name;
    }
}

TEST(EncodedWord, TakesTheLongestPrefixThatFits) {
    std::string_view text = "abcdefghij";
    EXPECT_EQ(take_encoded_word(text, WordContext::text, 16), "=?UTF-8?Q?abcd?=");
    EXPECT_EQ(text, "efghij");
    std::string_view euro = "\xe2\x82\xac\xe2\x82\xac";
    EXPECT_EQ(take_encoded_word(euro, WordContext::text, 15), "");  // no character fits
    EXPECT_EQ(euro.size(), 6u);
    EXPECT_EQ(take_encoded_word(euro, WordContext::text, 16), "=?UTF-8?B?4oKs?=");
    // The phrase context leaves fewer octets as they are.
    std::string_view comma = "Smith, John";
    EXPECT_EQ(take_encoded_word(comma, WordContext::phrase, 75), "=?UTF-8?Q?Smith=2C_John?=");
    std::string_view comma_text = "Smith, John";
    EXPECT_EQ(take_encoded_word(comma_text, WordContext::text, 75), "=?UTF-8?Q?Smith,_John?=");
}

}  // namespace
}  // namespace smtpkit::message
