#include "message/base64_encoder.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "smtpkit/protocol/sasl.hpp"

namespace smtpkit::message {
namespace {

using namespace std::string_literals;

std::string encode_all(std::string_view input, std::size_t chunk_size) {
    Base64Encoder encoder;
    std::string out;
    for (std::size_t pos = 0; pos < input.size(); pos += chunk_size) {
        encoder.encode(input.substr(pos, chunk_size), out);
    }
    encoder.finish(out);
    return out;
}

std::string random_bytes(std::size_t n, unsigned seed) {
    std::mt19937 rng(seed);
    std::string s(n, '\0');
    for (char& c : s) {
        c = static_cast<char>(rng() & 0xff);
    }
    return s;
}

// RFC 4648 10, each as a one-line body.
TEST(Base64Encoder, EncodesTheRfc4648Vectors) {
    EXPECT_EQ(encode_all("", 1), "");
    EXPECT_EQ(encode_all("f", 1), "Zg==\r\n");
    EXPECT_EQ(encode_all("fo", 1), "Zm8=\r\n");
    EXPECT_EQ(encode_all("foo", 1), "Zm9v\r\n");
    EXPECT_EQ(encode_all("foob", 1), "Zm9vYg==\r\n");
    EXPECT_EQ(encode_all("fooba", 1), "Zm9vYmE=\r\n");
    EXPECT_EQ(encode_all("foobar", 1), "Zm9vYmFy\r\n");
}

TEST(Base64Encoder, Writes76CharacterLinesOf57Octets) {
    const std::string a57(57, 'a');
    const std::string line(76, 'x');
    const std::string out = encode_all(a57 + "a", 1000);
    ASSERT_EQ(out.size(), 76 + 2 + 4 + 2);
    EXPECT_EQ(out.substr(0, 78), protocol::sasl::base64_encode(a57) + "\r\n");
    EXPECT_EQ(out.substr(78), "YQ==\r\n");
}

TEST(Base64Encoder, EveryLineIsAtMost76AndTheTextDecodesBack) {
    for (std::size_t n : {0u, 1u, 56u, 57u, 58u, 113u, 114u, 115u, 1000u, 4096u}) {
        const std::string input = random_bytes(n, static_cast<unsigned>(n));
        const std::string out = encode_all(input, 7);
        std::string joined;
        std::size_t pos = 0;
        while (pos < out.size()) {
            const std::size_t end = out.find("\r\n", pos);
            ASSERT_NE(end, std::string::npos) << "every line ends in CRLF";
            EXPECT_LE(end - pos, 76u);
            if (out.find("\r\n", end + 2) != std::string::npos) {
                EXPECT_EQ(end - pos, 76u) << "only the last line is short";
            }
            joined.append(out, pos, end - pos);
            pos = end + 2;
        }
        EXPECT_EQ(protocol::sasl::base64_decode(joined), input) << n;
    }
}

TEST(Base64Encoder, OutputDoesNotDependOnHowTheInputIsSplit) {
    const std::string input = random_bytes(300, 1);
    const std::string expected = encode_all(input, input.size());
    for (std::size_t chunk = 1; chunk <= input.size(); ++chunk) {
        ASSERT_EQ(encode_all(input, chunk), expected) << "chunks of " << chunk;
    }
}

TEST(Base64Encoder, HoldsBackOnlyAPartialLine) {
    Base64Encoder encoder;
    std::string out;
    encoder.encode(std::string(56, 'x'), out);
    EXPECT_EQ(out, "");
    encoder.encode("x", out);
    EXPECT_EQ(out.size(), 78u);
    encoder.encode(std::string(57 * 3 + 10, 'x'), out);
    EXPECT_EQ(out.size(), 78u * 4);
    encoder.finish(out);
    EXPECT_EQ(out.size(), 78u * 4 + 16 + 2);
}

TEST(Base64Encoder, IsFreshAfterFinish) {
    Base64Encoder encoder;
    std::string first;
    encoder.encode("hello", first);
    encoder.finish(first);
    std::string second;
    encoder.encode("hello", second);
    encoder.finish(second);
    EXPECT_EQ(first, second);
    EXPECT_EQ(first, "aGVsbG8=\r\n");
}

// An independent form of the size: 4 characters per 3 octets (rounded up)
// plus a CRLF per started line of 57 octets.
std::uint64_t reference_size(std::uint64_t n) {
    return (n + 2) / 3 * 4 + (n + 56) / 57 * 2;
}

TEST(Base64Encoder, EncodedSizeIsExactForEverySmallSize) {
    std::string input;
    for (std::size_t n = 0; n <= 2000; ++n) {
        ASSERT_EQ(Base64Encoder::encoded_size(n), encode_all(input, 64).size()) << n;
        ASSERT_EQ(Base64Encoder::encoded_size(n), reference_size(n)) << n;
        input += static_cast<char>(n * 31);
    }
}

TEST(Base64Encoder, EncodedSizeIsExactForLargeSizes) {
    for (std::uint64_t n : {65'536ull, 1'000'000ull, 1'048'577ull}) {
        EXPECT_EQ(Base64Encoder::encoded_size(n), encode_all(std::string(n, 'z'), 65'536).size());
    }
    // 1 GB, 1 TiB and beyond without reading anything.
    for (std::uint64_t n : {1'000'000'000ull, 1ull << 40, (1ull << 62) + 5}) {
        EXPECT_EQ(Base64Encoder::encoded_size(n), reference_size(n)) << n;
    }
    EXPECT_EQ(Base64Encoder::encoded_size(1'000'000'000), 1'368'421'056u);
    static_assert(Base64Encoder::encoded_size(57) == 78);
}

}  // namespace
}  // namespace smtpkit::message
