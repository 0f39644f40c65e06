// Authentication edge cases against a scripted server: hostile or broken
// challenges, a forged SCRAM server signature, AUTH that disappears after
// STARTTLS, and the rule that AUTH never goes out on a session that needed
// TLS and lacks it. Every run goes through a SecretWatch. The first tests
// check the SecretWatch itself, so that the suite's secret grep can fail.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "scripted/client_fixture.hpp"
#include "support/secret_watch.hpp"

namespace smtpkit::test {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* user = "tim";
constexpr const char* secret = "Sup3r-s3cret";

// --- SecretWatch: the grep must catch every encoding the wire uses --------

TEST(SecretWatch, CatchesTheSecretInClearAndInEveryWireEncoding) {
    const std::string texts[] = {
        "error: Sup3r-s3cret rejected",
        "C: AUTH PLAIN AHRpbQBTdXAzci1zM2NyZXQ=",  // \0tim\0Sup3r-s3cret
        "C: U3VwM3ItczNjcmV0",                     // LOGIN's password line
        // XOAUTH2: "user=tim\1auth=Bearer Sup3r-s3cret\1\1"
        "C: AUTH XOAUTH2 dXNlcj10aW0BYXV0aD1CZWFyZXIgU3VwM3ItczNjcmV0AQE=",
        // PLAIN with an authorisation identity: "admin\0tim\0Sup3r-s3cret"
        "C: AUTH PLAIN YWRtaW4AdGltAFN1cDNyLXMzY3JldA==",
    };
    for (const auto& text : texts) {
        SecretWatch watch(user);
        watch.add_text("sample", text);
        EXPECT_FALSE(watch.free_of({secret})) << text;
    }
}

TEST(SecretWatch, PassesRedactedTracesAndFailsWhenNothingWasRecorded) {
    SecretWatch watch(user);
    EXPECT_FALSE(watch.free_of({secret})) << "an empty watch must not pass";
    watch.add_text("trace C", "AUTH PLAIN <redacted>");
    watch.add_text("trace S", "535 5.7.8 authentication failed");
    watch.add_error("ec", make_error_code(error::auth_credentials_invalid));
    EXPECT_TRUE(watch.free_of({secret}));
    EXPECT_TRUE(watch.free_of({""})) << "an empty secret matches nothing";
}

}  // namespace
}  // namespace smtpkit::test
