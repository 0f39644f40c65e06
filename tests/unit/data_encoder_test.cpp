#include "smtpkit/protocol/detail/data_encoder.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "common/data_decoder.hpp"
#include "fuzz/data_encoder_invariants.hpp"

namespace {

using smtpkit::protocol::DataEncoder;
using smtpkit::test::check_data_wire;
using smtpkit::test::decode_data;
using smtpkit::test::encode_in_chunks;
using smtpkit::test::normalise_line_endings;

std::string encode(std::string_view content) {
    DataEncoder enc;
    std::string wire;
    enc.encode(content, wire);
    enc.finish(wire);
    return wire;
}

struct FixedCase {
    const char* name;
    std::string input;
    std::string wire;
};

void PrintTo(const FixedCase& c, std::ostream* os) {
    *os << c.name << ": " << testing::PrintToString(c.input);
}

class DataEncoderFixed : public ::testing::TestWithParam<FixedCase> {};

TEST_P(DataEncoderFixed, ExactWireBytes) {
    const auto& c = GetParam();
    EXPECT_EQ(encode(c.input), c.wire);
    // Every split point gives the same bytes.
    for (std::size_t cut = 0; cut <= c.input.size(); ++cut) {
        DataEncoder enc;
        std::string wire;
        enc.encode(std::string_view(c.input).substr(0, cut), wire);
        enc.encode(std::string_view(c.input).substr(cut), wire);
        enc.finish(wire);
        EXPECT_EQ(wire, c.wire) << "split at " << cut;
    }
}

using namespace std::string_literals;

INSTANTIATE_TEST_SUITE_P(
    Cases, DataEncoderFixed,
    ::testing::Values(FixedCase{"empty", "", ".\r\n"}, FixedCase{"dot", ".", "..\r\n.\r\n"},
                      FixedCase{"two_dots", "..", "...\r\n.\r\n"},
                      FixedCase{"dot_line", ".\r\n", "..\r\n.\r\n"},
                      FixedCase{"bare_cr", "a\rb", "a\r\nb\r\n.\r\n"},
                      FixedCase{"bare_lf", "a\nb", "a\r\nb\r\n.\r\n"},
                      FixedCase{"lf_cr", "a\n\rb", "a\r\n\r\nb\r\n.\r\n"},
                      FixedCase{"terminator_inside", "a\r\n.\r\nb\r\n", "a\r\n..\r\nb\r\n.\r\n"},
                      FixedCase{"no_trailing_newline", "hello", "hello\r\n.\r\n"},
                      FixedCase{"ends_with_crlf", "hello\r\n", "hello\r\n.\r\n"},
                      FixedCase{"ends_with_cr", "hello\r", "hello\r\n.\r\n"},
                      FixedCase{"ends_with_lf", "hello\n", "hello\r\n.\r\n"},
                      FixedCase{"blank_lines", "\r\n\n\r", "\r\n\r\n\r\n.\r\n"},
                      FixedCase{"dot_after_bare_lf", "x\n.y", "x\r\n..y\r\n.\r\n"},
                      FixedCase{"dot_after_bare_cr", "x\r.y", "x\r\n..y\r\n.\r\n"},
                      FixedCase{"dot_mid_line", "a.b\r\n", "a.b\r\n.\r\n"},
                      FixedCase{"nul_and_8bit", "a\0\xff"s, "a\0\xff\r\n.\r\n"s}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(DataEncoder, CrAtChunkEndThenLfStartsNextChunk) {
    DataEncoder enc;
    std::string wire;
    enc.encode("line\r", wire);
    enc.encode("\n.next", wire);
    enc.finish(wire);
    EXPECT_EQ(wire, "line\r\n..next\r\n.\r\n");
}

TEST(DataEncoder, CrAtChunkEndSurvivesEmptyChunks) {
    DataEncoder enc;
    std::string wire;
    enc.encode("a\r", wire);
    enc.encode("", wire);
    enc.encode("\nb", wire);
    enc.finish(wire);
    EXPECT_EQ(wire, "a\r\nb\r\n.\r\n");
}

TEST(DataEncoder, CrAtChunkEndThenOtherOctet) {
    DataEncoder enc;
    std::string wire;
    enc.encode("a\r", wire);
    enc.encode("\r\n", wire);
    enc.finish(wire);
    EXPECT_EQ(wire, "a\r\n\r\n.\r\n");
}

TEST(DataEncoder, CountsBytesInAndResets) {
    DataEncoder enc;
    std::string wire;
    enc.encode("ab\ncd", wire);
    enc.encode("\r", wire);
    EXPECT_EQ(enc.bytes_in(), 6u);
    enc.reset();
    EXPECT_EQ(enc.bytes_in(), 0u);
    wire.clear();
    enc.encode(".x", wire);
    enc.finish(wire);
    EXPECT_EQ(wire, "..x\r\n.\r\n");
}

TEST(DataEncoder, AppendsToExistingOutput) {
    DataEncoder enc;
    std::string wire = "DATA\r\n";
    enc.encode("x", wire);
    enc.finish(wire);
    EXPECT_EQ(wire, "DATA\r\nx\r\n.\r\n");
}

TEST(DataEncoder, LargeBodyWithLongRuns) {
    std::string input;
    std::string expected;
    for (int i = 0; i < 1000; ++i) {
        const std::string line(997, static_cast<char>('a' + i % 26));
        input += (i % 3 == 0 ? "." : "") + line + (i % 2 == 0 ? "\n" : "\r\n");
        expected += (i % 3 == 0 ? ".." : "") + line + "\r\n";
    }
    expected += ".\r\n";
    EXPECT_EQ(encode(input), expected);
}

// Draws octets with heavy weight on the ones the encoder cares about.
std::string random_content(std::mt19937& rng) {
    std::uniform_int_distribution<int> len_dist(0, 200);
    std::uniform_int_distribution<int> kind(0, 99);
    std::uniform_int_distribution<int> any(0, 255);
    std::uniform_int_distribution<int> letter('a', 'z');
    const int len = len_dist(rng);
    std::string s;
    for (int i = 0; i < len; ++i) {
        const int k = kind(rng);
        if (k < 22) {
            s += '\r';
        } else if (k < 44) {
            s += '\n';
        } else if (k < 64) {
            s += '.';
        } else if (k < 74) {
            s += static_cast<char>(any(rng) | 0x80);
        } else {
            s += static_cast<char>(letter(rng));
        }
    }
    return s;
}

std::vector<std::size_t> random_chunking(std::mt19937& rng) {
    std::uniform_int_distribution<int> count(1, 6);
    std::uniform_int_distribution<std::size_t> size(0, 9);
    std::vector<std::size_t> sizes(static_cast<std::size_t>(count(rng)));
    for (auto& s : sizes) {
        s = size(rng);
    }
    return sizes;
}

TEST(DataEncoderProperty, RandomInputsRoundTripInAnyChunking) {
    std::mt19937 rng(20240521);
    for (int iteration = 0; iteration < 2000; ++iteration) {
        const std::string content = random_content(rng);
        const std::string whole = encode_in_chunks(content, {}).wire;

        const auto decoded = decode_data(whole);
        ASSERT_TRUE(decoded.no_bare_cr_lf) << testing::PrintToString(whole);
        ASSERT_TRUE(decoded.terminator_only_at_end) << testing::PrintToString(whole);
        ASSERT_EQ(decoded.content, normalise_line_endings(content))
            << testing::PrintToString(content);

        for (int chunking = 0; chunking < 4; ++chunking) {
            const auto sizes = random_chunking(rng);
            ASSERT_EQ(encode_in_chunks(content, sizes).wire, whole)
                << testing::PrintToString(content) << " chunks " << testing::PrintToString(sizes);
        }
        ASSERT_EQ(encode_in_chunks(content, {1}).wire, whole);
    }
}

// The checker itself must reject broken wire forms, or the property test
// above could not fail.
TEST(DataDecoder, RejectsBrokenWireForms) {
    EXPECT_FALSE(decode_data("a\nb\r\n.\r\n").ok());               // bare LF
    EXPECT_FALSE(decode_data("a\rb\r\n.\r\n").ok());               // bare CR
    EXPECT_FALSE(decode_data("a\r\n").ok());                       // no terminator
    EXPECT_FALSE(decode_data("a\r\n.\r\nb\r\n.\r\n").ok());        // early terminator
    EXPECT_FALSE(check_data_wire(".x", ".x\r\n.\r\n").empty());    // missing stuffing
    EXPECT_FALSE(check_data_wire("a", "a\r\n\r\n.\r\n").empty());  // extra line
}

TEST(DataDecoder, DecodesAndReportsTheEnd) {
    // A server reading a stream: the terminator ends the message, and the
    // next command follows it.
    const std::string_view stream = "..a\r\n\r\nb\r\n.\r\nQUIT\r\n";
    const auto d = decode_data(stream);
    EXPECT_EQ(d.content, ".a\r\n\r\nb\r\n");
    EXPECT_EQ(stream.substr(d.end), "QUIT\r\n");
    EXPECT_FALSE(d.terminator_only_at_end);
    const auto whole = decode_data(stream.substr(0, d.end));
    EXPECT_TRUE(whole.ok()) << whole.problem;
    EXPECT_EQ(whole.content, d.content);
    const auto empty = decode_data(".\r\n");
    EXPECT_TRUE(empty.ok());
    EXPECT_EQ(empty.content, "");
}

TEST(DataEncoderFuzzCorpus, EveryCorpusFileKeepsTheInvariants) {
    const std::filesystem::path dir = SMTPKIT_FUZZ_CORPUS_DIR "/fuzz_data_encoder";
    ASSERT_TRUE(std::filesystem::is_directory(dir)) << dir;
    int files = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        if (!entry.is_regular_file()) {
            continue;
        }
        std::ifstream in(entry.path(), std::ios::binary);
        const std::string bytes{std::istreambuf_iterator<char>(in),
                                std::istreambuf_iterator<char>()};
        EXPECT_EQ(smtpkit::test::check_data_encoder_input(
                      reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()),
                  "")
            << entry.path();
        ++files;
    }
    EXPECT_GT(files, 0);
}

}  // namespace
