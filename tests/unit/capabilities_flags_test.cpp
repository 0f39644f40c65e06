// Capabilities::flags(): the EHLO keywords as GetExtendedOptions flags.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "smtpkit/protocol/capabilities.hpp"

namespace smtpkit::protocol {
namespace {

Capabilities caps_of(const std::vector<std::string>& extensions) {
    Reply reply;
    reply.code = 250;
    reply.lines.push_back("mx.example.org");
    reply.lines.insert(reply.lines.end(), extensions.begin(), extensions.end());
    return Capabilities::from_ehlo(reply);
}

TEST(CapabilitiesFlags, EmptyOfferIsNone) {
    EXPECT_EQ(caps_of({}).flags(), ExtendedOption::none);
    EXPECT_EQ(Capabilities{}.flags(), ExtendedOption::none);
}

TEST(CapabilitiesFlags, EachKeywordItsFlag) {
    const std::vector<std::pair<std::string, ExtendedOption>> table = {
        {"PIPELINING", ExtendedOption::pipelining},
        {"SIZE 1000", ExtendedOption::size},
        {"8BITMIME", ExtendedOption::eight_bit_mime},
        {"BINARYMIME", ExtendedOption::binary_mime},
        {"CHUNKING", ExtendedOption::chunking},
        {"SMTPUTF8", ExtendedOption::smtputf8},
        {"DSN", ExtendedOption::dsn},
        {"STARTTLS", ExtendedOption::starttls},
        {"ENHANCEDSTATUSCODES", ExtendedOption::enhanced_status_codes},
        {"REQUIRETLS", ExtendedOption::requiretls},
        {"MT-PRIORITY MIXER", ExtendedOption::mt_priority},
        {"DELIVERBY 60", ExtendedOption::deliverby},
        {"VRFY", ExtendedOption::vrfy},
        {"EXPN", ExtendedOption::expn},
        {"ETRN", ExtendedOption::etrn},
        {"HELP", ExtendedOption::help},
    };
    for (const auto& [keyword, flag] : table) {
        EXPECT_EQ(caps_of({keyword}).flags(), flag) << keyword;
    }
}

TEST(CapabilitiesFlags, AuthMechanismsAndTheirUnion) {
    const ExtendedOption f =
        caps_of({"PIPELINING", "auth plain login SCRAM-SHA-256 XOAUTH2", "chunking"}).flags();
    EXPECT_TRUE(has(f, ExtendedOption::auth));
    EXPECT_TRUE(has(f, ExtendedOption::auth_plain));
    EXPECT_TRUE(has(f, ExtendedOption::auth_login));
    EXPECT_TRUE(has(f, ExtendedOption::auth_scram_sha_256));
    EXPECT_TRUE(has(f, ExtendedOption::auth_xoauth2));
    EXPECT_FALSE(has(f, ExtendedOption::auth_cram_md5));
    EXPECT_FALSE(has(f, ExtendedOption::auth_external));
    EXPECT_TRUE(has(f, ExtendedOption::pipelining));
    EXPECT_TRUE(has(f, ExtendedOption::chunking)) << "keywords are case-insensitive";
    EXPECT_FALSE(has(f, ExtendedOption::dsn));
    EXPECT_FALSE(has(caps_of({"DSN"}).flags(), ExtendedOption::auth));
}

}  // namespace
}  // namespace smtpkit::protocol
