// Replays the fuzz target's seed corpus through the same invariant checks as
// the libFuzzer target, so a plain g++ build runs them too.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "fuzz/reply_parser_invariants.hpp"

namespace smtpkit::fuzz {
namespace {

namespace fs = std::filesystem;

TEST(FuzzSeedReplay, EverySeedKeepsTheInvariants) {
    const fs::path dir = fs::path(SMTPKIT_FUZZ_CORPUS_DIR) / "fuzz_reply_parser";
    std::size_t seeds = 0;
    std::error_code ec;
    for (const fs::directory_entry& entry : fs::directory_iterator(dir, ec)) {
        if (!entry.is_regular_file()) {
            continue;
        }
        std::ifstream in(entry.path(), std::ios::binary);
        const std::string data{std::istreambuf_iterator<char>(in),
                               std::istreambuf_iterator<char>()};
        EXPECT_EQ(check_reply_parser(data), "") << entry.path();
        ++seeds;
    }
    EXPECT_FALSE(ec) << dir << ": " << ec.message();
    EXPECT_GE(seeds, 10u) << "seed corpus missing under " << dir;
}

// The checks must be able to fail: a reply the parser must never produce.
TEST(FuzzSeedReplay, CheckerRejectsImpossibleReplies) {
    const protocol::ReplyLimits limits;
    Reply with_cr{250, std::nullopt, {"a\rb"}};
    EXPECT_NE(reply_violation(with_cr, limits), "");
    Reply out_of_range{150, std::nullopt, {"x"}};
    EXPECT_NE(reply_violation(out_of_range, limits), "");
    Reply no_lines{250, std::nullopt, {}};
    EXPECT_NE(reply_violation(no_lines, limits), "");
    Reply wrong_class{250, EnhancedStatus{5, 0, 0}, {"5.0.0 x"}};
    EXPECT_NE(reply_violation(wrong_class, limits), "");
    Reply fine{250, EnhancedStatus{2, 0, 0}, {"2.0.0 ok"}};
    EXPECT_EQ(reply_violation(fine, limits), "");
}

TEST(FuzzSeedReplay, MixedInputKeepsTheInvariants) {
    EXPECT_EQ(check_reply_parser("250-a\r\n250 b\r\n550 5.1.1 x\r\n"), "");
    EXPECT_EQ(check_reply_parser(std::string(5000, '2')), "");
    EXPECT_EQ(check_reply_parser(std::string("250 a\0", 6)), "");
    EXPECT_EQ(check_reply_parser(""), "");
}

}  // namespace
}  // namespace smtpkit::fuzz
