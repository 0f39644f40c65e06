// Replays fuzz_address_list's seed corpus through the same invariant checks
// as the libFuzzer target, so a plain g++ build runs them too.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "fuzz/address_list_invariants.hpp"

namespace smtpkit::fuzz {
namespace {

namespace fs = std::filesystem;
using namespace std::string_literals;

TEST(AddressFuzzSeeds, EverySeedKeepsTheInvariants) {
    const fs::path dir = fs::path(SMTPKIT_FUZZ_CORPUS_DIR) / "fuzz_address_list";
    std::size_t seeds = 0;
    std::error_code ec;
    for (const fs::directory_entry& entry : fs::directory_iterator(dir, ec)) {
        if (!entry.is_regular_file()) {
            continue;
        }
        std::ifstream in(entry.path(), std::ios::binary);
        const std::string data{std::istreambuf_iterator<char>(in),
                               std::istreambuf_iterator<char>()};
        EXPECT_EQ(check_message_readers(data), "") << entry.path();
        ++seeds;
    }
    EXPECT_FALSE(ec) << dir << ": " << ec.message();
    EXPECT_GE(seeds, 20u) << "seed corpus missing under " << dir;
}

// The checks must be able to fail: mailboxes the parser must never produce.
TEST(AddressFuzzSeeds, CheckerRejectsImpossibleMailboxes) {
    EXPECT_NE(mailbox_violation({"a\r\nb", "a@x.org"}), "");
    EXPECT_NE(mailbox_violation({"", "a@x.org\r\nRCPT TO:<b@y.org>"}), "");
    EXPECT_NE(mailbox_violation({"\xFF", "a@x.org"}), "");
    EXPECT_NE(mailbox_violation({"", "\"john\"@x.org"}), "");  // not canonical
    EXPECT_NE(mailbox_violation({"", ""}), "");
    EXPECT_EQ(mailbox_violation({"A \"B\" \\ C",
                                 "\"a b\"@b\xC3\xBC"
                                 "cher.example"}),
              "");
}

TEST(AddressFuzzSeeds, OddInputsKeepTheInvariants) {
    for (const std::string& input :
         {""s, "\0"s, "\r\n\r\n"s, ":"s, ";;;"s, "<"s, "\"\\"s, "=?"s, "=?UTF-8?Q?=?= <a@b>"s,
          std::string(5000, '('), "a@b\r\n "s, "X: a\r\n\r"s, "Bcc:\r\n"s, "\xFF\xFE"s}) {
        EXPECT_EQ(check_message_readers(input), "") << input;
    }
}

}  // namespace
}  // namespace smtpkit::fuzz
