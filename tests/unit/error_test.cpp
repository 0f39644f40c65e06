// Error codes say what happened in words, and fall into the conditions a
// caller tests for (timeout, transient, permanent, protocol, misuse).
#include "smtpkit/error.hpp"

#include <gtest/gtest.h>

#include <cerrno>
#include <set>
#include <string>

namespace smtpkit {
namespace {

TEST(Error, EveryCodeHasItsOwnMessage) {
    std::set<std::string> seen;
    for (int v = static_cast<int>(error::reply_not_digits);
         v <= static_cast<int>(error::proxy_refused); ++v) {
        const std::string text = make_error_code(static_cast<error>(v)).message();
        EXPECT_NE(text, "unknown smtpkit error") << v;
        EXPECT_TRUE(seen.insert(text).second) << "two codes share: " << text;
    }
    EXPECT_STREQ(make_error_code(error::timeout).category().name(), "smtpkit");
}

TEST(Error, ConditionsGroupTheCodes) {
    EXPECT_EQ(make_error_code(error::timeout), condition::timeout);
    EXPECT_EQ(make_error_code(error::timeout), condition::transient);
    EXPECT_EQ(make_error_code(error::connection_closed), condition::transient);
    EXPECT_EQ(make_error_code(error::reply_code_mismatch), condition::protocol_violation);
    EXPECT_EQ(make_error_code(error::starttls_injection), condition::protocol_violation);
    EXPECT_EQ(make_error_code(error::invalid_character), condition::misuse);
    EXPECT_EQ(make_error_code(error::invalid_address), condition::permanent);
    EXPECT_EQ(make_error_code(error::certificate_expired), condition::permanent);
    EXPECT_NE(make_error_code(error::invalid_address), condition::transient);
    EXPECT_NE(make_error_code(error::timeout), condition::permanent);
    EXPECT_NE(make_error_code(error::reply_code_mismatch), condition::misuse);
}

TEST(Error, SystemRefusalsAndResetsAreTransient) {
    EXPECT_EQ(std::error_code(ECONNREFUSED, std::system_category()), condition::transient);
    EXPECT_EQ(std::error_code(ECONNRESET, std::generic_category()), condition::transient);
    EXPECT_EQ(std::error_code(ETIMEDOUT, std::system_category()), condition::timeout);
    EXPECT_NE(std::error_code(ENOENT, std::system_category()), condition::transient);
}

}  // namespace
}  // namespace smtpkit
