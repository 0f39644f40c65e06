// A message's Date (RFC 5322 3.3, local time with its offset, whatever the
// locale) and Message-ID (random, unique, in the sender's domain).
#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <optional>
#include <regex>
#include <set>
#include <string>

#include "message/identity.hpp"

namespace smtpkit::message {
namespace {

class WithTimeZone {
  public:
    explicit WithTimeZone(const char* tz) {
        if (const char* old = std::getenv("TZ")) {
            old_ = old;
        }
        ::setenv("TZ", tz, 1);
        ::tzset();
    }
    ~WithTimeZone() {
        if (old_) {
            ::setenv("TZ", old_->c_str(), 1);
        } else {
            ::unsetenv("TZ");
        }
        ::tzset();
    }
    WithTimeZone(const WithTimeZone&) = delete;
    WithTimeZone& operator=(const WithTimeZone&) = delete;

  private:
    std::optional<std::string> old_;
};

std::chrono::system_clock::time_point at(std::time_t t) {
    return std::chrono::system_clock::from_time_t(t);
}

TEST(MessageIdentity, DateIsRfc5322WithTheLocalOffset) {
    {
        WithTimeZone utc("UTC");
        EXPECT_EQ(rfc5322_date(at(0)), "Thu, 01 Jan 1970 00:00:00 +0000");
        EXPECT_EQ(rfc5322_date(at(951782400)), "Tue, 29 Feb 2000 00:00:00 +0000");
    }
    {
        WithTimeZone india("IST-5:30");
        EXPECT_EQ(rfc5322_date(at(0)), "Thu, 01 Jan 1970 05:30:00 +0530");
    }
    {
        WithTimeZone newfoundland("NST3:30");
        EXPECT_EQ(rfc5322_date(at(0)), "Wed, 31 Dec 1969 20:30:00 -0330");
    }
}

TEST(MessageIdentity, IdTokensAreRandomBase32) {
    std::set<std::string> seen;
    for (int i = 0; i < 1000; ++i) {
        const std::string token = random_id_token();
        EXPECT_TRUE(std::regex_match(token, std::regex("[a-z2-7]{26}"))) << token;
        EXPECT_TRUE(seen.insert(token).second) << "repeated: " << token;
    }
}

TEST(MessageIdentity, MessageIdIsInTheSendersDomain) {
    EXPECT_EQ(message_id_for("tok", "me@example.com"), "tok@example.com");
    EXPECT_EQ(message_id_for("tok", "\"a@b\"@mail.example.org"), "tok@mail.example.org");
    EXPECT_EQ(message_id_for("tok", ""), "tok@smtpkit.invalid");
    EXPECT_EQ(message_id_for("tok", "nodomain@"), "tok@smtpkit.invalid");
}

}  // namespace
}  // namespace smtpkit::message
