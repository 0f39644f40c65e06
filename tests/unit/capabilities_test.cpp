#include "smtpkit/protocol/capabilities.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace smtpkit::protocol {
namespace {

using Strings = std::vector<std::string>;

Capabilities caps_of(std::vector<std::string> lines, int code = 250) {
    Reply reply;
    reply.code = code;
    reply.lines = std::move(lines);
    return Capabilities::from_ehlo(reply);
}

TEST(Capabilities, OnlyA250ReplyCounts) {
    EXPECT_TRUE(caps_of({"mx", "SIZE 100", "PIPELINING"}, 550).empty());
    EXPECT_TRUE(caps_of({"mx", "SIZE 100"}, 220).empty());
    EXPECT_EQ(caps_of({"mx", "SIZE 100"}, 502).server_name(), "");
    EXPECT_TRUE(Capabilities::from_ehlo(Reply{}).empty());
    EXPECT_TRUE(Capabilities{}.auth_mechanisms().empty());
}

TEST(Capabilities, FirstLineIsTheServerNotAnExtension) {
    const Capabilities caps = caps_of({"SIZE 100 hello there", "PIPELINING"});
    EXPECT_EQ(caps.server_name(), "SIZE");
    EXPECT_FALSE(caps.has("SIZE"));
    EXPECT_TRUE(caps.pipelining());
    EXPECT_EQ(caps.all().size(), 1u);
}

TEST(Capabilities, SingleLineReplyHasNameOnly) {
    const Capabilities caps = caps_of({"mx.example.com Hello [127.0.0.1]"});
    EXPECT_TRUE(caps.empty());
    EXPECT_EQ(caps.server_name(), "mx.example.com");
}

TEST(Capabilities, KeywordsAreUpperCasedAndLookupIgnoresCase) {
    const Capabilities caps = caps_of({"mx", "size 100", "Pipelining", "x-Vendor a B"});
    ASSERT_EQ(caps.all().size(), 3u);
    EXPECT_EQ(caps.all()[0].keyword, "SIZE");
    EXPECT_EQ(caps.all()[1].keyword, "PIPELINING");
    EXPECT_EQ(caps.all()[2].keyword, "X-VENDOR");
    EXPECT_TRUE(caps.has("Size"));
    EXPECT_TRUE(caps.has("pipelining"));
    ASSERT_NE(caps.params("x-vendor"), nullptr);
    EXPECT_EQ(*caps.params("x-vendor"), (Strings{"a", "B"}));  // parameters as sent
    EXPECT_EQ(caps.params("STARTTLS"), nullptr);
    EXPECT_FALSE(caps.has("SIZ"));
}

TEST(Capabilities, ExtraSpacesAndTabsSeparateParameters) {
    const Capabilities caps = caps_of({"mx", "AUTH  PLAIN\tLOGIN ", "  SIZE 5"});
    EXPECT_EQ(caps.auth_mechanisms(), (Strings{"PLAIN", "LOGIN"}));
    EXPECT_EQ(caps.size_limit(), 5u);
}

TEST(Capabilities, EveryFlagAccessor) {
    const Capabilities caps = caps_of({"mx", "PIPELINING", "CHUNKING", "8BITMIME", "BINARYMIME",
                                       "SMTPUTF8", "DSN", "STARTTLS", "ENHANCEDSTATUSCODES"});
    EXPECT_TRUE(caps.pipelining());
    EXPECT_TRUE(caps.chunking());
    EXPECT_TRUE(caps.eightbitmime());
    EXPECT_TRUE(caps.binarymime());
    EXPECT_TRUE(caps.smtputf8());
    EXPECT_TRUE(caps.dsn());
    EXPECT_TRUE(caps.starttls());
    EXPECT_TRUE(caps.enhanced_status_codes());
    const Capabilities none = caps_of({"mx", "HELP"});
    EXPECT_FALSE(none.pipelining());
    EXPECT_FALSE(none.starttls());
    EXPECT_FALSE(none.eightbitmime());
}

TEST(Capabilities, AuthMechanismsUpperCasedDeduplicatedInServerOrder) {
    const Capabilities caps = caps_of({"mx", "AUTH login Plain CRAM-MD5 PLAIN", "AUTH XOAUTH2"});
    EXPECT_EQ(caps.auth_mechanisms(), (Strings{"LOGIN", "PLAIN", "CRAM-MD5", "XOAUTH2"}));
    EXPECT_TRUE(caps.supports_auth("cram-md5"));
    EXPECT_TRUE(caps.supports_auth("XOAUTH2"));
    EXPECT_FALSE(caps.supports_auth("GSSAPI"));
    EXPECT_FALSE(caps.supports_auth(""));
}

TEST(Capabilities, LegacyAuthEqualsMergesIntoAuth) {
    const Capabilities caps = caps_of({"mx", "AUTH LOGIN", "AUTH=LOGIN PLAIN", "STARTTLS"});
    EXPECT_EQ(caps.auth_mechanisms(), (Strings{"LOGIN", "PLAIN"}));
    EXPECT_TRUE(caps.has("AUTH"));
    EXPECT_FALSE(caps.has("AUTH=LOGIN"));
    EXPECT_EQ(caps.all().size(), 2u);
}

TEST(Capabilities, LegacyAuthEqualsAlone) {
    const Capabilities caps = caps_of({"mx", "auth=plain login"});
    EXPECT_TRUE(caps.has("AUTH"));
    EXPECT_EQ(caps.auth_mechanisms(), (Strings{"PLAIN", "LOGIN"}));
    EXPECT_TRUE(caps.supports_auth("PLAIN"));
}

TEST(Capabilities, SizeLimit) {
    EXPECT_EQ(caps_of({"mx", "SIZE 35882577"}).size_limit(), 35882577u);
    EXPECT_EQ(caps_of({"mx", "SIZE 1"}).size_limit(), 1u);
    EXPECT_EQ(caps_of({"mx", "SIZE 18446744073709551615"}).size_limit(), 18446744073709551615u);
    EXPECT_EQ(caps_of({"mx", "SIZE"}).size_limit(), std::nullopt);
    EXPECT_EQ(caps_of({"mx", "SIZE 0"}).size_limit(), std::nullopt);
    EXPECT_EQ(caps_of({"mx", "SIZE abc"}).size_limit(), std::nullopt);
    EXPECT_EQ(caps_of({"mx", "SIZE -1"}).size_limit(), std::nullopt);
    EXPECT_EQ(caps_of({"mx", "SIZE 12abc"}).size_limit(), std::nullopt);
    EXPECT_EQ(caps_of({"mx", "SIZE 18446744073709551616"}).size_limit(), std::nullopt);
    EXPECT_EQ(caps_of({"mx", "PIPELINING"}).size_limit(), std::nullopt);
}

TEST(Capabilities, BadKeywordLinesAreSkipped) {
    const Capabilities caps =
        caps_of({"mx", "_BAD x", "-DASH", "SI_ZE 1", "", "   ", "AUTH=", "\xc3\xa9T", "DSN"});
    ASSERT_EQ(caps.all().size(), 1u);
    EXPECT_EQ(caps.all()[0].keyword, "DSN");
    EXPECT_TRUE(caps.auth_mechanisms().empty());
}

TEST(Capabilities, OddButValidLinesAreKept) {
    // Yahoo's "8 BITMIME" and a final "250 Ok"/"250 HELP" are harmless keywords.
    const Capabilities caps = caps_of({"mx", "8 BITMIME", "HELP", "Ok"});
    EXPECT_FALSE(caps.eightbitmime());
    ASSERT_NE(caps.params("8"), nullptr);
    EXPECT_EQ(*caps.params("8"), Strings{"BITMIME"});
    EXPECT_TRUE(caps.has("help"));
    EXPECT_TRUE(caps.has("OK"));
}

TEST(Capabilities, RepeatedKeywordIsOneExtension) {
    const Capabilities caps = caps_of({"mx", "SIZE 100", "SIZE 200"});
    EXPECT_EQ(caps.all().size(), 1u);
    EXPECT_EQ(caps.size_limit(), 100u);  // the first one given wins
}

}  // namespace
}  // namespace smtpkit::protocol
