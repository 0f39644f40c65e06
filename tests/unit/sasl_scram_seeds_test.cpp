// The SCRAM fuzz target's seeds, replayed in the plain build: each runs
// without error reports, and exactly the seeds named verified-sha1* or
// verified-sha256* reach a verified server (so the fuzzer starts from inputs
// that go all the way through).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "../../src/protocol/sasl/scram.hpp"

namespace smtpkit::protocol::sasl {
namespace {

namespace fs = std::filesystem;

Credentials creds(std::string user, std::string secret, std::string authzid) {
    Credentials c;
    c.user = std::move(user);
    c.secret = std::move(secret);
    c.authzid = std::move(authzid);
    return c;
}

// Plays the seed as the fuzz target does; true if the server was verified.
bool verified(Mechanism mechanism, const std::string& input) {
    std::error_code ec;
    auto auth = detail::make_scram(mechanism, creds("user", "pencil", ""), "fuzzcnonce", ec,
                                   detail::ScramLimits{4096});
    if (!auth || !auth->initial_response(ec)) {
        return false;
    }
    const std::size_t split = input.find('\n');
    auth->respond(input.substr(0, split), ec);
    if (!ec && split != std::string::npos) {
        auth->respond(input.substr(split + 1), ec);
    }
    return !ec && !auth->complete();
}

TEST(ScramFuzzSeeds, OnlyTheVerifiedSeedsVerify) {
    const fs::path dir = fs::path(SMTPKIT_FUZZ_CORPUS_DIR) / "fuzz_sasl_scram";
    std::size_t seeds = 0;
    std::size_t verified_seeds = 0;
    std::error_code ec;
    for (const fs::directory_entry& entry : fs::directory_iterator(dir, ec)) {
        std::ifstream in(entry.path(), std::ios::binary);
        const std::string data{std::istreambuf_iterator<char>(in),
                               std::istreambuf_iterator<char>()};
        const std::string name = entry.path().filename().string();
        const bool sha256 = name.rfind("verified-sha256", 0) == 0;
        const bool sha1 = !sha256 && name.rfind("verified-sha1", 0) == 0;
        EXPECT_EQ(verified(Mechanism::scram_sha_1, data), sha1) << name;
        EXPECT_EQ(verified(Mechanism::scram_sha_256, data), sha256) << name;
        verified_seeds += sha1 || sha256;
        ++seeds;
    }
    EXPECT_FALSE(ec) << dir << ": " << ec.message();
    EXPECT_GE(seeds, 10u);
    EXPECT_GE(verified_seeds, 2u);
}

}  // namespace
}  // namespace smtpkit::protocol::sasl
