// Replays the seed corpora of the libFuzzer targets that drive the session,
// the codecs, the proxies and the MIME builder through the same invariant
// checks, so a plain g++ build runs them too (the clang fuzz build replays
// them as fuzz.replay.* tests). fuzz_config_file is replayed there only: it
// needs the CLI sources.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>
#include <string_view>

#include "fuzz/base64_invariants.hpp"
#include "fuzz/capabilities_invariants.hpp"
#include "fuzz/chunk_encoder_invariants.hpp"
#include "fuzz/envelope_address_invariants.hpp"
#include "fuzz/header_reader_invariants.hpp"
#include "fuzz/mime_builder_invariants.hpp"
#include "fuzz/proxy_reply_invariants.hpp"
#include "fuzz/quoted_printable_invariants.hpp"
#include "fuzz/sasl_mechanisms_invariants.hpp"
#include "fuzz/session_invariants.hpp"

namespace smtpkit::fuzz {
namespace {

namespace fs = std::filesystem;
using Check = std::function<std::string(std::string_view)>;

const std::uint8_t* bytes_of(std::string_view s) {
    return reinterpret_cast<const std::uint8_t*>(s.data());
}

struct Target {
    const char* name;
    Check check;
    std::size_t min_seeds;
};

void PrintTo(const Target& t, std::ostream* os) {
    *os << t.name;
}

class FuzzTargetSeeds : public ::testing::TestWithParam<Target> {};

TEST_P(FuzzTargetSeeds, EverySeedKeepsTheInvariants) {
    const Target& t = GetParam();
    const fs::path dir = fs::path(SMTPKIT_FUZZ_CORPUS_DIR) / t.name;
    std::size_t seeds = 0;
    std::error_code ec;
    for (const fs::directory_entry& entry : fs::directory_iterator(dir, ec)) {
        if (!entry.is_regular_file()) {
            continue;
        }
        std::ifstream in(entry.path(), std::ios::binary);
        const std::string data{std::istreambuf_iterator<char>(in),
                               std::istreambuf_iterator<char>()};
        EXPECT_EQ(t.check(data), "") << entry.path();
        ++seeds;
    }
    EXPECT_FALSE(ec) << dir << ": " << ec.message();
    EXPECT_GE(seeds, t.min_seeds) << "seed corpus missing under " << dir;
}

INSTANTIATE_TEST_SUITE_P(
    Targets, FuzzTargetSeeds,
    ::testing::Values(
        Target{"fuzz_session",
               [](std::string_view d) { return session::check_session(bytes_of(d), d.size()); },
               15},
        Target{"fuzz_capabilities", check_capabilities_input, 10},
        Target{"fuzz_bdat_encoder",
               [](std::string_view d) { return check_chunk_encoder_input(bytes_of(d), d.size()); },
               5},
        Target{"fuzz_envelope_address", check_envelope_address_input, 15},
        Target{"fuzz_sasl_mechanisms",
               [](std::string_view d) { return check_sasl_mechanism_input(bytes_of(d), d.size()); },
               10},
        Target{"fuzz_base64", check_base64_input, 5},
        Target{"fuzz_quoted_printable", check_quoted_printable_input, 5},
        Target{"fuzz_proxy_reply", check_proxy_input, 15},
        Target{"fuzz_mime_builder",
               [](std::string_view d) {
                   return mime::check_mime_builder_input(bytes_of(d), d.size());
               },
               10},
        Target{"fuzz_header_reader", check_header_reader, 10}),
    [](const auto& info) { return std::string(info.param.name); });

// The checkers must be able to fail.
TEST(FuzzTargetCheckers, RejectWhatTheyMust) {
    // A server's view of the wire: a bare LF, a command behind DATA.
    session::ServerView bare;
    bare.outstanding.clear();
    bare.traced = {"NOOP"};
    bare.write("NOOP\n");
    EXPECT_NE(bare.violation, "");
    session::ServerView behind;
    behind.outstanding.clear();
    behind.pipelining = true;
    behind.traced = {"MAIL FROM:<a@b.example>", "DATA", "RSET"};
    behind.write("MAIL FROM:<a@b.example>\r\nDATA\r\nRSET\r\n");
    EXPECT_NE(behind.violation, "");
    session::ServerView untraced;
    untraced.outstanding.clear();
    untraced.write("QUIT\r\n");
    EXPECT_NE(untraced.violation, "");

    EXPECT_FALSE(reference_base64_decode("QR=="));  // bits left over
    EXPECT_FALSE(reference_base64_decode("QUJD RA=="));
    EXPECT_EQ(reference_base64_decode("QUJDRA=="), std::optional<std::string>("ABCD"));
    std::string problem;
    decode_quoted_printable(".starts with a dot", problem);
    EXPECT_NE(problem, "");
    problem.clear();
    decode_quoted_printable("trailing space \r\n", problem);
    EXPECT_NE(problem, "");
    EXPECT_FALSE(reference_utf8("\xC0\xAF"));      // overlong
    EXPECT_FALSE(reference_utf8("\xED\xA0\x80"));  // a surrogate
    EXPECT_TRUE(reference_utf8("\xF0\x9F\x93\xA7"));
    EXPECT_EQ(mime::decode_unstructured("=?UTF-8?Q?a?= =?UTF-8?B?Yg==?= c"), "ab c");
    EXPECT_EQ(mime::parse_parameters("attachment; filename*0*=UTF-8''%C3%BC; filename*1=x")
                  .params.at("filename"),
              "\xC3\xBCx");
}

}  // namespace
}  // namespace smtpkit::fuzz
