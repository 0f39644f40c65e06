// BDAT framing (RFC 3030) and its equivalence with DATA.
#include "smtpkit/protocol/detail/chunk_encoder.hpp"

#include <gtest/gtest.h>

#include <string>

#include "common/data_decoder.hpp"

namespace smtpkit::protocol {
namespace {

TEST(ChunkEncoder, TextIsNormalisedNotDotStuffedAndEndsWithCrlf) {
    ChunkEncoder enc;
    std::string out;
    EXPECT_EQ(enc.encode(".dot\nline", false, out), 10u);
    EXPECT_EQ(out, "BDAT 10\r\n.dot\r\nline");
    out.clear();
    EXPECT_EQ(enc.encode(" end", true, out), 6u);
    EXPECT_EQ(out, "BDAT 6 LAST\r\n end\r\n");
}

TEST(ChunkEncoder, CrAtTheEndOfAChunkAndLfAtTheStartOfTheNext) {
    ChunkEncoder enc;
    std::string out;
    enc.encode("a\r", false, out);
    enc.encode("\nb", true, out);
    EXPECT_EQ(out, "BDAT 3\r\na\r\nBDAT 3 LAST\r\nb\r\n");
}

TEST(ChunkEncoder, EmptyLastChunk) {
    ChunkEncoder enc;
    std::string out;
    EXPECT_EQ(enc.encode("", true, out), 0u);
    EXPECT_EQ(out, "BDAT 0 LAST\r\n");
}

TEST(ChunkEncoder, BinaryGoesAsItIs) {
    ChunkEncoder enc(true);
    std::string out;
    const std::string raw("a\nb\r\0.c", 7);
    EXPECT_EQ(enc.encode(raw, true, out), 7u);
    EXPECT_EQ(out, "BDAT 7 LAST\r\n" + raw);
}

TEST(ChunkEncoder, SameOctetsAsDataDelivers) {
    const std::string text = ".first\nsecond\r\n\r.third\r\n..x\rlast";
    DataEncoder data;
    std::string wire;
    data.encode(text, wire);
    data.finish(wire);
    const test::DecodedData decoded = test::decode_data(wire);
    ASSERT_TRUE(decoded.ok()) << decoded.problem;

    ChunkEncoder enc;
    std::string framed;
    enc.encode(text, true, framed);
    EXPECT_EQ(framed.substr(framed.find("\r\n") + 2), decoded.content);
}

}  // namespace
}  // namespace smtpkit::protocol
