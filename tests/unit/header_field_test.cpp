#include "message/header_field.hpp"

#include <gtest/gtest.h>

#include <string>

#include "header_lines.hpp"
#include "smtpkit/error.hpp"

namespace smtpkit::message {
namespace {

using namespace std::string_literals;
using test::well_folded;

TEST(HeaderField, FieldNamesAreFtext) {
    for (const char* good : {"Subject", "X-Mailer", "x", "List-Unsubscribe-Post", "A!#~"}) {
        EXPECT_FALSE(check_field_name(good)) << good;
    }
    const std::string long_name(77, 'X');
    for (const std::string& bad : {""s, "Bad Name"s, "A:b"s, "Tab\tName"s, "Nul\0"s, "Sub\r\nBcc"s,
                                   "Caf\xc3\xa9"s, "Del\x7f"s, long_name}) {
        EXPECT_EQ(check_field_name(bad), error::invalid_header) << bad;
    }
    EXPECT_FALSE(check_field_name(std::string(76, 'X')));
}

TEST(HeaderField, TextWithLineBreaksNulOrBadUtf8IsRefused) {
    for (const std::string& bad : {"a\r\nBcc: evil@example.com"s, "a\rb"s, "a\nb"s, "a\0b"s,
                                   "\xff"s, "\xc3"s, "\xed\xa0\x80"s, "\xc0\xaf"s}) {
        EXPECT_EQ(check_header_text(bad), error::invalid_header) << bad;
    }
    for (const std::string& good : {""s, "tab\there"s, "\x01 control"s, "\xe2\x82\xac"s}) {
        EXPECT_FALSE(check_header_text(good)) << good;
    }
}

TEST(FieldWriter, FoldsBeforeWhiteSpaceWhenTheLineIsFull) {
    FieldWriter writer("Keywords");
    for (int i = 0; i < 12; ++i) {
        writer.put(" ", "word" + std::to_string(i) + ",");
    }
    const std::string field = writer.finish();
    EXPECT_EQ(field,
              "Keywords: word0, word1, word2, word3, word4, word5, word6, word7, word8,\r\n"
              " word9, word10, word11,\r\n");
    EXPECT_TRUE(well_folded(field));
}

TEST(FieldWriter, NeverFoldsRightAfterTheName) {
    FieldWriter writer(std::string(70, 'X'));
    writer.put(" ", std::string(20, 'a'));
    writer.put(" ", "b");
    EXPECT_EQ(writer.finish(), std::string(70, 'X') + ": " + std::string(20, 'a') + "\r\n b\r\n");
}

TEST(FieldWriter, KeepsLinesWithEncodedWordsTo76) {
    FieldWriter writer("Subject");
    writer.put(" ", std::string(66, 'a'));
    writer.put(" ", "=?UTF-8?Q?b?=", true);  // 76 + 1 + 13 > 76: folds
    writer.put(" ", "c");
    EXPECT_EQ(writer.finish(), "Subject: " + std::string(66, 'a') + "\r\n =?UTF-8?Q?b?= c\r\n");
    EXPECT_EQ(FieldWriter::fresh_room(1, true), 75u);
    EXPECT_EQ(FieldWriter::fresh_room(1, false), 77u);
}

TEST(FoldStructured, FoldsReferencesBetweenMessageIds) {
    std::string value;
    for (int i = 0; i < 6; ++i) {
        value += std::string(i ? " " : "") + "<message." + std::to_string(i) +
                 ".1234567@mail.example.com>";
    }
    std::error_code ec;
    const std::string field = fold_structured("References", value, {}, ec);
    ASSERT_FALSE(ec);
    EXPECT_TRUE(well_folded(field));
    EXPECT_EQ(test::unfold(field), "References: " + value + "\r\n");
    EXPECT_EQ(field.substr(0, field.find("\r\n") + 2),
              "References: <message.0.1234567@mail.example.com>\r\n");
}

TEST(FoldStructured, KeepsQuotedStringsWholeAndDropsOuterWhiteSpace) {
    std::error_code ec;
    const std::string value = std::string(50, 'a') + " \"quoted string with  spaces\"  tail  ";
    const std::string field = fold_structured("X-Test", "  " + value, {}, ec);
    ASSERT_FALSE(ec);
    EXPECT_EQ(field,
              "X-Test: " + std::string(50, 'a') + "\r\n \"quoted string with  spaces\"  tail\r\n");
    EXPECT_EQ(fold_structured("MIME-Version", "1.0", {}, ec), "MIME-Version: 1.0\r\n");
    EXPECT_EQ(fold_structured("X-Empty", "", {}, ec), "X-Empty:\r\n");
}

TEST(FoldStructured, RefusesWhatCannotBeSent) {
    std::error_code ec;
    for (const std::string& bad :
         {"<a@b>\r\nBcc: x@y"s, "a\0"s, "caf\xc3\xa9"s, "\x01"s, std::string(999, 'a')}) {
        EXPECT_EQ(fold_structured("X-Test", bad, {}, ec), "");
        EXPECT_EQ(ec, error::invalid_header) << bad;
    }
    EXPECT_EQ(fold_structured("X Test", "a", {}, ec), "");
    EXPECT_EQ(ec, error::invalid_header);
    // UTF-8 passes with RFC 6532; a 998-octet line is still the limit.
    EXPECT_EQ(fold_structured("X-Test", "caf\xc3\xa9", {.utf8 = true}, ec),
              "X-Test: caf\xc3\xa9\r\n");
    EXPECT_FALSE(ec);
    EXPECT_FALSE(fold_structured("X-Test", "a " + std::string(997, 'b'), {}, ec).empty());
    EXPECT_FALSE(ec);
}

}  // namespace
}  // namespace smtpkit::message
