// Reading RFC 5322 dates back (SMTPMESSAGEEX::lpszDate): the standard form,
// the obsolete forms of RFC 5322 4.3, and what is refused.
#include <gtest/gtest.h>

#include "message/date_parse.hpp"
#include "message/identity.hpp"

namespace smtpkit::message {
namespace {

using std::chrono::seconds;
using std::chrono::system_clock;

std::int64_t epoch_of(std::string_view text) {
    const auto t = parse_rfc5322_date(text);
    return t ? std::chrono::duration_cast<seconds>(t->time_since_epoch()).count() : -1;
}

TEST(DateParse, TheStandardFormWithItsZone) {
    EXPECT_EQ(epoch_of("Tue, 04 Mar 2025 14:05:09 +0100"), 1741093509);
    EXPECT_EQ(epoch_of("Tue, 4 Mar 2025 13:05:09 +0000"), 1741093509);
    EXPECT_EQ(epoch_of("4 Mar 2025 08:05:09 -0500"), 1741093509);     // no day of the week
    EXPECT_EQ(epoch_of("Tue, 04 Mar 2025 13:05 +0000"), 1741093500);  // no seconds
}

TEST(DateParse, ObsoleteFormsRealMailHas) {
    EXPECT_EQ(epoch_of("Tue, 04 Mar 2025 13:05:09 GMT"), 1741093509);
    EXPECT_EQ(epoch_of("Tue, 04 Mar 2025 08:05:09 EST"), 1741093509);
    EXPECT_EQ(epoch_of("tue, 04 mar 25 13:05:09 UT"), 1741093509);  // two-digit year, any case
    EXPECT_EQ(epoch_of("Fri, 01 Jan 99 00:00:00 +0000"), 915148800);
}

TEST(DateParse, WhatIsNoDate) {
    for (const char* bad :
         {"", "yesterday", "Tue, 31 Feb 2025 10:00:00 +0000", "Tue, 04 Mar 2025 24:00:00 +0000",
          "Tue, 04 Mar 2025 13:05:09", "Tue 04 Mar 2025 13:05:09 +0000",
          "Tue, 04 Mar 2025 13:05:09 +01", "Tue, 04 Mar 2025 13:05:09 +0000 trailing"}) {
        EXPECT_FALSE(parse_rfc5322_date(bad)) << bad;
    }
}

TEST(DateParse, ReadsWhatTheBuilderWrites) {
    const system_clock::time_point when = system_clock::from_time_t(1764660000);
    EXPECT_EQ(parse_rfc5322_date(rfc5322_date(when)), when);
}

}  // namespace
}  // namespace smtpkit::message
