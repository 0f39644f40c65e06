#include "smtpkit/protocol/address.hpp"

#include <gtest/gtest.h>

#include <string>

#include "smtpkit/error.hpp"

namespace {

using smtpkit::error;
using smtpkit::protocol::AddressRules;
using smtpkit::protocol::canonical_address;
using smtpkit::protocol::is_utf8_address;
using smtpkit::protocol::is_valid_domain;
using smtpkit::protocol::is_valid_utf8;
using namespace std::string_literals;

constexpr AddressRules ascii{};
constexpr AddressRules utf8{.allow_utf8 = true};
constexpr AddressRules null_ok{.allow_null = true};

struct GoodCase {
    std::string input;
    std::string canonical;
    AddressRules rules = ascii;
};

void PrintTo(const GoodCase& c, std::ostream* os) {
    *os << testing::PrintToString(c.input);
}

class AddressGood : public ::testing::TestWithParam<GoodCase> {};

TEST_P(AddressGood, IsAcceptedInCanonicalForm) {
    const auto& c = GetParam();
    std::error_code ec = error::timeout;  // must be cleared on success
    EXPECT_EQ(canonical_address(c.input, c.rules, ec), c.canonical) << c.input;
    EXPECT_FALSE(ec) << c.input << ": " << ec.message();
}

INSTANTIATE_TEST_SUITE_P(
    Cases, AddressGood,
    ::testing::Values(
        GoodCase{"user@example.com", "user@example.com"},
        GoodCase{"<user@example.com>", "user@example.com"},
        GoodCase{"first.last+tag@sub.example.co.uk", "first.last+tag@sub.example.co.uk"},
        GoodCase{"!#$%&'*+-/=?^_`{|}~@x", "!#$%&'*+-/=?^_`{|}~@x"},
        GoodCase{"u@localhost", "u@localhost"}, GoodCase{"u@123.example", "u@123.example"},
        GoodCase{"u@a-b.c-d", "u@a-b.c-d"},
        // Quoted local parts: unquoted when the content is a Dot-string...
        GoodCase{"\"john\"@x.org", "john@x.org"},
        GoodCase{"\"john.smith\"@x.org", "john.smith@x.org"},
        GoodCase{"\"\\j\\o\\h\\n\"@x.org", "john@x.org"},
        // ...otherwise quoted, escaping only '"' and '\'.
        GoodCase{"\"a b\"@x.org", "\"a b\"@x.org"}, GoodCase{"\"a\\ b\"@x.org", "\"a b\"@x.org"},
        GoodCase{"\"a\\\"b\"@x.org", "\"a\\\"b\"@x.org"},
        GoodCase{"\"a\\\\b\"@x.org", "\"a\\\\b\"@x.org"},
        GoodCase{"\"a@b\"@x.org", "\"a@b\"@x.org"},
        GoodCase{"\"john..doe\"@x.org", "\"john..doe\"@x.org"},
        GoodCase{"\".john\"@x.org", "\".john\"@x.org"}, GoodCase{"\"\"@x.org", "\"\"@x.org"},
        // Address literals.
        GoodCase{"u@[192.0.2.1]", "u@[192.0.2.1]"}, GoodCase{"u@[0.0.0.0]", "u@[0.0.0.0]"},
        GoodCase{"u@[255.255.255.255]", "u@[255.255.255.255]"},
        GoodCase{"u@[IPv6:2001:db8::1]", "u@[IPv6:2001:db8::1]"},
        GoodCase{"u@[IPv6:::1]", "u@[IPv6:::1]"}, GoodCase{"u@[IPv6:::]", "u@[IPv6:::]"},
        GoodCase{"u@[ipv6:1:2:3:4:5:6:7:8]", "u@[ipv6:1:2:3:4:5:6:7:8]"},
        GoodCase{"u@[IPv6:1:2:3:4:5:6:1.2.3.4]", "u@[IPv6:1:2:3:4:5:6:1.2.3.4]"},
        GoodCase{"u@[IPv6:::ffff:192.0.2.1]", "u@[IPv6:::ffff:192.0.2.1]"},
        GoodCase{"u@[IPv6:1:2:3:4::1.2.3.4]", "u@[IPv6:1:2:3:4::1.2.3.4]"},
        GoodCase{"u@[IPv6:1:2:3::6:7:8]", "u@[IPv6:1:2:3::6:7:8]"},
        GoodCase{"u@[IPv6:fe80::ABCD]", "u@[IPv6:fe80::ABCD]"},
        GoodCase{"u@[x-tag:any!thing~]", "u@[x-tag:any!thing~]"},
        // UTF-8 (RFC 6531) when allowed.
        GoodCase{"d\xc3\xa9jà@ex\xc3\xa4mple.de", "d\xc3\xa9jà@ex\xc3\xa4mple.de", utf8},
        GoodCase{"\xe7\x94\xa8\xe6\x88\xb7@\xe4\xbe\x8b\xe5\xad\x90.\xe5\xb9\xbf\xe5\x91\x8a",
                 "\xe7\x94\xa8\xe6\x88\xb7@\xe4\xbe\x8b\xe5\xad\x90.\xe5\xb9\xbf\xe5\x91\x8a",
                 utf8},
        GoodCase{"\"\xf0\x9f\x98\x80 x\"@x.org", "\"\xf0\x9f\x98\x80 x\"@x.org", utf8},
        GoodCase{"ascii@x.org", "ascii@x.org", utf8},
        // The null path when allowed.
        GoodCase{"<>", "", null_ok}, GoodCase{"", "", null_ok}, GoodCase{"<u@x>", "u@x", null_ok}));

struct BadCase {
    std::string input;
    error expected;
    AddressRules rules = ascii;
};

void PrintTo(const BadCase& c, std::ostream* os) {
    *os << testing::PrintToString(c.input);
}

class AddressBad : public ::testing::TestWithParam<BadCase> {};

TEST_P(AddressBad, IsRejectedWithItsError) {
    const auto& c = GetParam();
    std::error_code ec;
    EXPECT_EQ(canonical_address(c.input, c.rules, ec), "") << testing::PrintToString(c.input);
    EXPECT_EQ(ec, c.expected) << testing::PrintToString(c.input) << ": " << ec.message();
}

const std::string local64(64, 'a');
const std::string label63(63, 'b');

INSTANTIATE_TEST_SUITE_P(
    Injection, AddressBad,
    ::testing::Values(BadCase{"u@x.org\r\nRCPT TO:<evil@x.org>", error::invalid_character},
                      BadCase{"u@x.org\r", error::invalid_character},
                      BadCase{"u@x.org\n", error::invalid_character},
                      BadCase{"u\n@x.org", error::invalid_character},
                      BadCase{"u@x\0.org"s, error::invalid_character},
                      BadCase{"\x01u@x.org", error::invalid_character},
                      BadCase{"u\t@x.org", error::invalid_character},
                      BadCase{"u@x.org\x7f", error::invalid_character},
                      BadCase{"\"a\r\nb\"@x.org", error::invalid_character},
                      BadCase{"\"a\\\nb\"@x.org", error::invalid_character},
                      // Controls win over every other fault, UTF-8 included.
                      BadCase{"\xc3\xa9\r\n@@", error::invalid_character},
                      BadCase{"<\r\n>", error::invalid_character, null_ok},
                      BadCase{"u@[1.2.3.4\n]", error::invalid_character, utf8}));

INSTANTIATE_TEST_SUITE_P(
    Syntax, AddressBad,
    ::testing::Values(
        BadCase{"", error::invalid_address}, BadCase{"<>", error::invalid_address},
        BadCase{"user", error::invalid_address}, BadCase{"user@", error::invalid_address},
        BadCase{"@x.org", error::invalid_address}, BadCase{"u@@x.org", error::invalid_address},
        BadCase{"a@b@x.org", error::invalid_address}, BadCase{".u@x", error::invalid_address},
        BadCase{"u.@x", error::invalid_address}, BadCase{"u..v@x", error::invalid_address},
        BadCase{"a b@x", error::invalid_address}, BadCase{" u@x", error::invalid_address},
        BadCase{"u@x ", error::invalid_address}, BadCase{"u(c)@x", error::invalid_address},
        BadCase{"<u@x", error::invalid_address}, BadCase{"u@x>", error::invalid_address},
        BadCase{"<<u@x>>", error::invalid_address},
        BadCase{"<@a,@b:user@c>", error::invalid_address},
        BadCase{"@a:user@c", error::invalid_address},
        // Quoted strings.
        BadCase{"\"abc@x", error::invalid_address}, BadCase{"\"a\"b@x", error::invalid_address},
        BadCase{"a\"b\"@x", error::invalid_address}, BadCase{"\"a\\\"@x", error::invalid_address},
        BadCase{"\"a\"\"b\"@x", error::invalid_address},
        // Domains.
        BadCase{"u@-x.org", error::invalid_address}, BadCase{"u@x-.org", error::invalid_address},
        BadCase{"u@x..org", error::invalid_address}, BadCase{"u@.x.org", error::invalid_address},
        BadCase{"u@x.org.", error::invalid_address}, BadCase{"u@x_y.org", error::invalid_address},
        BadCase{"u@x.org:25", error::invalid_address},
        // Address literals.
        BadCase{"u@[256.0.0.1]", error::invalid_address},
        BadCase{"u@[1.2.3]", error::invalid_address},
        BadCase{"u@[1.2.3.4.5]", error::invalid_address},
        BadCase{"u@[1.2.3.1234]", error::invalid_address},
        BadCase{"u@[1..3.4]", error::invalid_address},
        BadCase{"u@[1.2.3.4", error::invalid_address},
        BadCase{"u@1.2.3.4]", error::invalid_address}, BadCase{"u@[]", error::invalid_address},
        BadCase{"u@[-1.2.3.4]", error::invalid_address},
        BadCase{"u@[2001:db8::1]", error::invalid_address},
        BadCase{"u@[IPv6:1:2:3:4:5:6:7]", error::invalid_address},
        BadCase{"u@[IPv6:1:2:3:4:5:6:7:8:9]", error::invalid_address},
        BadCase{"u@[IPv6:1::2::3]", error::invalid_address},
        BadCase{"u@[IPv6::::1]", error::invalid_address},
        BadCase{"u@[IPv6:12345::1]", error::invalid_address},
        BadCase{"u@[IPv6:g::1]", error::invalid_address},
        BadCase{"u@[IPv6:1:2:3:4:5:6:7::]", error::invalid_address},  // "::" is >= 2 groups
        BadCase{"u@[IPv6:1:2:3:4:5::1.2.3.4]", error::invalid_address},
        BadCase{"u@[IPv6:::1.2.3.256]", error::invalid_address},
        BadCase{"u@[IPv6:1.2.3.4::]", error::invalid_address},
        BadCase{"u@[IPv6:1:]", error::invalid_address},
        BadCase{"u@[IPv6:]", error::invalid_address}, BadCase{"u@[tag-:x]", error::invalid_address},
        BadCase{"u@[tag:]", error::invalid_address}, BadCase{"u@[tag:a b]", error::invalid_address},
        BadCase{"u@[tag:a[b]", error::invalid_address}));

INSTANTIATE_TEST_SUITE_P(
    Lengths, AddressBad,
    ::testing::Values(BadCase{local64 + "a@x.org", error::invalid_address},
                      // 63 octets of content become 65 with quotes.
                      BadCase{"\"" + std::string(62, 'a') + " \"@x.org", error::invalid_address},
                      BadCase{"u@" + label63 + "b.org", error::invalid_address},
                      // 4 labels of 63 + 3 dots = 255 octets of domain, but the
                      // path "<u@...>" is then 259 octets.
                      BadCase{"u@" + label63 + "." + label63 + "." + label63 + "." + label63,
                              error::invalid_address}));

INSTANTIATE_TEST_SUITE_P(
    Utf8, AddressBad,
    ::testing::Values(BadCase{"d\xc3\xa9j\xc3\xa0@x.org", error::utf8_not_allowed},
                      BadCase{"u@ex\xc3\xa4mple.de", error::utf8_not_allowed},
                      BadCase{"\"\xc3\xa9\"@x.org", error::utf8_not_allowed},
                      BadCase{"\xff@x.org", error::utf8_not_allowed},
                      // Malformed UTF-8 when UTF-8 is allowed.
                      BadCase{"\xff@x.org", error::invalid_address, utf8},
                      BadCase{"\xc3@x.org", error::invalid_address, utf8},      // truncated
                      BadCase{"\xc0\xaf@x.org", error::invalid_address, utf8},  // overlong
                      BadCase{"\xe0\x80\xaf@x.org", error::invalid_address, utf8},
                      BadCase{"\xed\xa0\x80@x.org", error::invalid_address, utf8},  // surrogate
                      BadCase{"\xf4\x90\x80\x80@x.org", error::invalid_address, utf8},
                      BadCase{"u@x\xc3.org", error::invalid_address, utf8},
                      BadCase{"\"a\\\xc3\xa9\"@x.org", error::invalid_address, utf8},
                      BadCase{"u@[IPv6:\xc3\xa9::1]", error::invalid_address, utf8}));

TEST(Address, LimitsAreInclusive) {
    std::error_code ec;
    EXPECT_EQ(canonical_address(local64 + "@x.org", ascii, ec), local64 + "@x.org");
    EXPECT_FALSE(ec);
    EXPECT_EQ(canonical_address("u@" + label63 + ".org", ascii, ec), "u@" + label63 + ".org");
    EXPECT_FALSE(ec);
    // The longest path: "<" + 254 octets + ">" = 256.
    const std::string domain = label63 + "." + label63 + "." + label63 + "." + std::string(60, 'c');
    const std::string address = "u@" + domain;
    ASSERT_EQ(address.size(), 254u);
    EXPECT_EQ(canonical_address(address, ascii, ec), address);
    EXPECT_FALSE(ec);
    EXPECT_EQ(canonical_address(address + "c", ascii, ec), "");
    EXPECT_EQ(ec, error::invalid_address);
}

TEST(Address, Utf8Detection) {
    EXPECT_FALSE(is_utf8_address("user@example.com"));
    EXPECT_TRUE(is_utf8_address("d\xc3\xa9j\xc3\xa0@x.org"));
    EXPECT_TRUE(is_utf8_address("u@x\xff"));
    EXPECT_TRUE(is_valid_utf8(""));
    EXPECT_TRUE(is_valid_utf8("plain"));
    EXPECT_TRUE(is_valid_utf8("\xf4\x8f\xbf\xbf"));  // U+10FFFF
    EXPECT_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));
    EXPECT_FALSE(is_valid_utf8("\x80"));
}

TEST(Address, DomainsForHello) {
    EXPECT_TRUE(is_valid_domain("mail.example.com", false));
    EXPECT_TRUE(is_valid_domain("localhost", false));
    EXPECT_TRUE(is_valid_domain("[192.0.2.1]", false));
    EXPECT_TRUE(is_valid_domain("[IPv6:::1]", false));
    EXPECT_FALSE(is_valid_domain("", false));
    EXPECT_FALSE(is_valid_domain("mail.example.com\r\nMAIL FROM:<x@y>", false));
    EXPECT_FALSE(is_valid_domain("a\0b"s, false));
    EXPECT_FALSE(is_valid_domain("bad_name", false));
    EXPECT_FALSE(is_valid_domain("-x.org", false));
    EXPECT_FALSE(is_valid_domain("x.org.", false));
    EXPECT_FALSE(is_valid_domain("[300.1.1.1]", false));
    EXPECT_FALSE(is_valid_domain("u@x.org", false));
    EXPECT_FALSE(is_valid_domain(std::string(64, 'a') + ".org", false));
    EXPECT_FALSE(is_valid_domain("ex\xc3\xa4mple.de", false));
    EXPECT_TRUE(is_valid_domain("ex\xc3\xa4mple.de", true));
    EXPECT_FALSE(is_valid_domain("ex\xc3mple.de", true));
}

}  // namespace
