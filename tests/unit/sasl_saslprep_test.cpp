#include "../../src/protocol/sasl/saslprep.hpp"

#include <gtest/gtest.h>

#include <string>

namespace smtpkit::protocol::sasl::detail {
namespace {

using namespace std::string_literals;

// RFC 4013 3, the examples table.
TEST(SaslPrep, Rfc4013Examples) {
    EXPECT_EQ(saslprep("I\xC2\xADX"), "IX");    // SOFT HYPHEN mapped to nothing
    EXPECT_EQ(saslprep("user"), "user");        // no transformation
    EXPECT_EQ(saslprep("USER"), "USER");        // case preserved
    EXPECT_EQ(saslprep("\xC2\xAA"), "a");       // NFKC: FEMININE ORDINAL -> a
    EXPECT_EQ(saslprep("\xE2\x85\xA8"), "IX");  // NFKC: ROMAN NUMERAL NINE
    EXPECT_EQ(saslprep("\x07"), std::nullopt);  // prohibited: control
    EXPECT_EQ(saslprep("\xD8\xA7"
                       "1"),
              std::nullopt);  // bidi: RandALCat then L/number
}

TEST(SaslPrep, MapsNonAsciiSpaceToSpace) {
    EXPECT_EQ(saslprep("a\xC2\xA0"
                       "b"),
              "a b");  // NO-BREAK SPACE (RFC 4013 2.1)
}

TEST(SaslPrep, RefusesWhatCannotBePrepared) {
    EXPECT_EQ(saslprep("a\0b"s), std::nullopt);         // NUL, not a cut at 'a'
    EXPECT_EQ(saslprep("pass\x7f"), std::nullopt);      // DEL
    EXPECT_EQ(saslprep("\xff\xfe"), std::nullopt);      // not UTF-8
    EXPECT_EQ(saslprep("caf\xc3"), std::nullopt);       // truncated UTF-8
    EXPECT_EQ(saslprep("\xed\xa0\x80"), std::nullopt);  // an encoded surrogate
    EXPECT_EQ(saslprep("\xEE\x80\x80"), std::nullopt);  // U+E000, private use
}

// U+0237 was unassigned in Unicode 3.2, the version stringprep uses: a query
// string (SCRAM, RFC 5802 5.1) may hold it, a stored string may not.
TEST(SaslPrep, UnassignedCodePointsOnlyInQueries) {
    EXPECT_EQ(saslprep("\xC8\xB7", StringKind::query), "\xC8\xB7");
    EXPECT_EQ(saslprep("\xC8\xB7", StringKind::stored), std::nullopt);
    EXPECT_EQ(saslprep("user", StringKind::stored), "user");
}

TEST(SaslPrep, EmptyStaysEmpty) {
    EXPECT_EQ(saslprep(""), "");
}

}  // namespace
}  // namespace smtpkit::protocol::sasl::detail
