#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "smtpkit/protocol/sasl.hpp"

namespace smtpkit::protocol::sasl {
namespace {

using namespace std::string_literals;

// RFC 4648 10 test vectors.
TEST(Base64, EncodesTheRfc4648Vectors) {
    EXPECT_EQ(base64_encode(""), "");
    EXPECT_EQ(base64_encode("f"), "Zg==");
    EXPECT_EQ(base64_encode("fo"), "Zm8=");
    EXPECT_EQ(base64_encode("foo"), "Zm9v");
    EXPECT_EQ(base64_encode("foob"), "Zm9vYg==");
    EXPECT_EQ(base64_encode("fooba"), "Zm9vYmE=");
    EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
}

TEST(Base64, DecodesTheRfc4648VectorsToTheExactBytes) {
    EXPECT_EQ(base64_decode(""), "");
    EXPECT_EQ(base64_decode("Zg=="), "f");
    EXPECT_EQ(base64_decode("Zm8="), "fo");
    EXPECT_EQ(base64_decode("Zm9v"), "foo");
    EXPECT_EQ(base64_decode("Zm9vYg=="), "foob");
    EXPECT_EQ(base64_decode("Zm9vYmE="), "fooba");
    EXPECT_EQ(base64_decode("Zm9vYmFy"), "foobar");
    // Zero bytes survive, including at the end where padding used to be.
    EXPECT_EQ(base64_decode("AAAA"), "\0\0\0"s);
    EXPECT_EQ(base64_decode("AA=="), "\0"s);
    EXPECT_EQ(base64_decode("+/8="), "\xfb\xff"s);
}

TEST(Base64, RoundTripsEveryLengthAndByte) {
    std::string bytes;
    for (int i = 0; i < 300; ++i) {
        const std::string encoded = base64_encode(bytes);
        EXPECT_EQ(encoded.size(), (bytes.size() + 2) / 3 * 4);
        EXPECT_EQ(base64_decode(encoded), bytes) << "length " << bytes.size();
        bytes += static_cast<char>(i * 7 + 3);
    }
}

TEST(Base64, RoundTripsInputLargerThanOneBlock) {
    std::string bytes(200'000, '\0');  // not a multiple of 3: one "="
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        bytes[i] = static_cast<char>(i % 251);
    }
    const std::string encoded = base64_encode(bytes);
    EXPECT_EQ(encoded.find('='), encoded.size() - 1);  // padding only at the very end
    EXPECT_EQ(base64_decode(encoded), bytes);
}

TEST(Base64, RejectsNonCanonicalText) {
    const std::vector<std::string> bad = {
        "Zg",                // missing padding
        "Zg=",               // short padding
        "Zm9",               // not a whole quad
        "Zg===",             // too much padding
        "Z===",              // three '='
        "====",              // padding only
        "Zm=v",              // '=' in the middle
        "Zg==Zm9v",          // data after padding
        "Zm9v\r\n",          // CRLF at the end
        "Zm9v\nZm9v",        // embedded line break
        " Zm9v",             // leading space
        "Zm9v ",             // trailing space
        "Zm 9v",             // embedded space
        "Zm9\tv",            // tab
        "Zm9-",              // URL-safe alphabet
        "Zm9_",              // URL-safe alphabet
        "Zm9*",              // not base64 at all
        "Zm9v\0"s,           // NUL
        "Zh==",              // non-zero bits under the padding (canonical is Zg==)
        "Zm9=",              // non-zero bits under one '=' (canonical is Zm8=)
        "\xc3\xa9\xc3\xa9",  // non-ASCII
    };
    for (const std::string& text : bad) {
        EXPECT_EQ(base64_decode(text), std::nullopt) << '"' << text << '"';
    }
}

}  // namespace
}  // namespace smtpkit::protocol::sasl
