// RFC 5322 address lists as written by people and by real mail software,
// and hostile input: each row is an input and the exact mailboxes (or the
// exact error) expected.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "smtpkit/address.hpp"
#include "smtpkit/error.hpp"

namespace smtpkit {
namespace {

using namespace std::string_literals;
using Mailboxes = std::vector<Mailbox>;

struct GoodCase {
    const char* label;
    std::string input;
    Mailboxes expected;
};

void PrintTo(const GoodCase& c, std::ostream* os) {
    *os << c.label;
}

class AddressListGood : public ::testing::TestWithParam<GoodCase> {};

TEST_P(AddressListGood, ParsesToExactMailboxes) {
    const GoodCase& c = GetParam();
    std::error_code ec;
    ParseError where;
    const Mailboxes got = parse_address_list(c.input, ec, &where);
    ASSERT_FALSE(ec) << ec.message() << ": " << where.reason << " at " << where.offset;
    EXPECT_EQ(got, c.expected);
}

const GoodCase good_cases[] = {
    // --- the plain forms ---
    {"empty", "", {}},
    {"blank", "  \t ", {}},
    {"bare", "a@b.example", {{"", "a@b.example"}}},
    {"name_addr", "Alice <alice@example.com>", {{"Alice", "alice@example.com"}}},
    {"angle_only", "<alice@example.com>", {{"", "alice@example.com"}}},
    {"two_words", "Alice Smith <a@x.org>", {{"Alice Smith", "a@x.org"}}},
    {"runs_of_space", "Alice    \t Smith   <a@x.org>", {{"Alice Smith", "a@x.org"}}},
    {"list",
     "a@x.org, Bob <b@y.org>,c@z.org",
     {{"", "a@x.org"}, {"Bob", "b@y.org"}, {"", "c@z.org"}}},
    {"domain_case_kept", "A@Example.COM", {{"", "A@Example.COM"}}},
    {"atext_local", "!#$%&'*+-/=?^_`{|}~@x.org", {{"", "!#$%&'*+-/=?^_`{|}~@x.org"}}},
    {"dotted_local", "first.last@x.org", {{"", "first.last@x.org"}}},

    // --- quoting ---
    {"quoted_name", "\"Smith, Alice\" <a@x.org>", {{"Smith, Alice", "a@x.org"}}},
    {"quoted_escapes",
     R"("Al \"The Pal\" \\ Ice" <a@x.org>)",
     {{R"(Al "The Pal" \ Ice)", "a@x.org"}}},
    {"quoted_and_atoms", "Dr. \"Alice\" Smith <a@x.org>", {{"Dr. Alice Smith", "a@x.org"}}},
    {"quoted_adjacent", "\"Al\"ice <a@x.org>", {{"Alice", "a@x.org"}}},
    {"empty_quoted_name", "\"\" <a@x.org>", {{"", "a@x.org"}}},
    {"quoted_local_needed", "\"a b\"@x.org", {{"", "\"a b\"@x.org"}}},
    {"quoted_local_unneeded", "\"john.doe\"@x.org", {{"", "john.doe@x.org"}}},
    {"quoted_local_escape_dropped", R"("j\ohn"@x.org)", {{"", "john@x.org"}}},
    {"quoted_local_keeps_needed_escape", R"("a\"b"@x.org)", {{"", R"("a\"b"@x.org)"}}},
    {"quoted_local_with_at", "\"a@b\"@x.org", {{"", "\"a@b\"@x.org"}}},
    {"obs_local_mixed", "\"john\".doe@x.org", {{"", "john.doe@x.org"}}},
    {"obs_local_spaced", "john . doe @ x . org", {{"", "john.doe@x.org"}}},
    {"name_with_dot", "John Q. Public <jqp@x.org>", {{"John Q. Public", "jqp@x.org"}}},
    {"name_with_at_quoted", "\"a@b.org\" <a@b.org>", {{"a@b.org", "a@b.org"}}},
    {"bare_address_as_name", "a@b.org <a@b.org>", {{"a@b.org", "a@b.org"}}},

    // --- comments, anywhere white space may be ---
    {"comment_after", "a@x.org (Alice)", {{"", "a@x.org"}}},
    {"comment_before", "(Alice) a@x.org", {{"", "a@x.org"}}},
    {"comment_in_name", "Alice (the boss) Smith <a@x.org>", {{"Alice Smith", "a@x.org"}}},
    {"comment_in_angle", "< (x) a(y)@(z)x.org (w) >", {{"", "a@x.org"}}},
    {"comment_nested", "a@x.org (one (two (three)) \\) four)", {{"", "a@x.org"}}},
    {"comment_glues_words", "Al(x)ice <a@x.org>", {{"Al ice", "a@x.org"}}},
    {"comment_only", "(nobody)", {}},

    // --- groups ---
    {"group", "Friends: a@x.org, Bob <b@y.org>;", {{"", "a@x.org"}, {"Bob", "b@y.org"}}},
    {"group_empty", "undisclosed-recipients:;", {}},
    {"group_empty_spaced", "undisclosed-recipients: ;", {}},
    {"group_then_more", "G: a@x.org; c@z.org", {{"", "a@x.org"}, {"", "c@z.org"}}},
    {"group_then_comma", "G: a@x.org;, c@z.org", {{"", "a@x.org"}, {"", "c@z.org"}}},
    {"group_unclosed_at_end", "G: a@x.org, b@y.org", {{"", "a@x.org"}, {"", "b@y.org"}}},
    {"two_groups", "A: a@x.org; B: b@y.org;", {{"", "a@x.org"}, {"", "b@y.org"}}},
    {"group_quoted_name", "\"My: Friends\": a@x.org;", {{"", "a@x.org"}}},
    {"group_empty_members", "G: , a@x.org,, ;", {{"", "a@x.org"}}},

    // --- separators ---
    {"semicolons", "a@x.org; b@y.org;c@z.org", {{"", "a@x.org"}, {"", "b@y.org"}, {"", "c@z.org"}}},
    {"mixed_separators",
     "a@x.org; b@y.org, c@z.org",
     {{"", "a@x.org"}, {"", "b@y.org"}, {"", "c@z.org"}}},
    {"trailing_comma", "a@x.org,", {{"", "a@x.org"}}},
    {"trailing_semicolon", "a@x.org;", {{"", "a@x.org"}}},
    {"leading_and_double_commas", ", a@x.org,,, b@y.org", {{"", "a@x.org"}, {"", "b@y.org"}}},
    {"only_commas", " , ; ,", {}},
    {"separator_inside_quotes", "\"a, b; c\" <a@x.org>", {{"a, b; c", "a@x.org"}}},

    // --- folding (CRLF or LF followed by white space) ---
    {"folded_crlf",
     "Alice\r\n Smith <a@x.org>,\r\n\tb@y.org",
     {{"Alice Smith", "a@x.org"}, {"", "b@y.org"}}},
    {"folded_lf", "Alice\n Smith <a@x.org>", {{"Alice Smith", "a@x.org"}}},
    {"folded_in_quotes", "\"Alice\r\n Smith\" <a@x.org>", {{"Alice Smith", "a@x.org"}}},
    {"folded_in_angle", "<a@x.org\r\n >", {{"", "a@x.org"}}},
    {"folded_in_comment", "a@x.org (a\r\n comment)", {{"", "a@x.org"}}},

    // --- domain literals ---
    {"ipv4_literal", "a@[192.0.2.1]", {{"", "a@[192.0.2.1]"}}},
    {"ipv6_literal", "Bob <b@[IPv6:2001:db8::1]>", {{"Bob", "b@[IPv6:2001:db8::1]"}}},

    // --- UTF-8 (RFC 6532) ---
    {"utf8_name", "Jürgen Müller <jm@x.org>", {{"Jürgen Müller", "jm@x.org"}}},
    {"utf8_quoted_name", "\"山田 太郎\" <t@x.jp>", {{"山田 太郎", "t@x.jp"}}},
    {"utf8_local", "δοκιμή@παράδειγμα.δοκιμή", {{"", "δοκιμή@παράδειγμα.δοκιμή"}}},
    {"utf8_domain_kept", "<info@bücher.example>", {{"", "info@bücher.example"}}},
    {"latin1_name_repaired", "J\xFCrgen <j@x.org>", {{"J\xEF\xBF\xBDrgen", "j@x.org"}}},

    // --- RFC 2047 encoded-words ---
    {"ew_q_utf8",
     "=?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?= <jm@x.org>",
     {{"Jürgen Müller", "jm@x.org"}}},
    {"ew_b_utf8", "=?utf-8?b?SsO8cmdlbg==?= <j@x.org>", {{"Jürgen", "j@x.org"}}},
    {"ew_b_unpadded", "=?UTF-8?B?SsO8cmdlbg?= <j@x.org>", {{"Jürgen", "j@x.org"}}},
    {"ew_latin1", "=?ISO-8859-1?Q?Andr=E9?= Pirard <ap@x.org>", {{"André Pirard", "ap@x.org"}}},
    {"ew_ascii", "=?US-ASCII?Q?Keith_Moore?= <moore@x.org>", {{"Keith Moore", "moore@x.org"}}},
    {"ew_adjacent_joined", "=?UTF-8?Q?Ali?= =?UTF-8?Q?ce?= <a@x.org>", {{"Alice", "a@x.org"}}},
    {"ew_then_word", "=?UTF-8?Q?Ali?= ce <a@x.org>", {{"Ali ce", "a@x.org"}}},
    {"ew_language_tag", "=?UTF-8*en?Q?Alice?= <a@x.org>", {{"Alice", "a@x.org"}}},
    {"ew_windows1252_iconv",
     "=?windows-1252?Q?=93Hi=94?= <a@x.org>",
     {{"\u201CHi\u201D", "a@x.org"}}},
    {"ew_unknown_charset_kept",
     "=?x-nonsense?Q?Hi?= <a@x.org>",
     {{"=?x-nonsense?Q?Hi?=", "a@x.org"}}},
    {"ew_bad_base64_kept", "=?UTF-8?B?!!!!?= <a@x.org>", {{"=?UTF-8?B?!!!!?=", "a@x.org"}}},
    {"ew_bad_utf8_kept", "=?UTF-8?Q?=FF?= <a@x.org>", {{"=?UTF-8?Q?=FF?=", "a@x.org"}}},
    {"ew_control_kept", "=?UTF-8?Q?a=0D=0Ab?= <a@x.org>", {{"=?UTF-8?Q?a=0D=0Ab?=", "a@x.org"}}},
    {"ew_in_quotes_not_decoded",
     "\"=?UTF-8?Q?Alice?=\" <a@x.org>",
     {{"=?UTF-8?Q?Alice?=", "a@x.org"}}},
    {"ew_with_dot", "=?UTF-8?Q?J.Doe?= <j@x.org>", {{"J.Doe", "j@x.org"}}},
    {"ew_in_group_name", "=?UTF-8?Q?Fr=C3=BCnde?=: a@x.org;", {{"", "a@x.org"}}},

    // --- obsolete routes ---
    {"route", "<@relay.example:a@x.org>", {{"", "a@x.org"}}},
    {"route_list", "Bob <@r1.example,@r2.example:b@y.org>", {{"Bob", "b@y.org"}}},
    {"route_spaced", "< @r1.example , , @r2.example : b@y.org >", {{"", "b@y.org"}}},
};

INSTANTIATE_TEST_SUITE_P(Address, AddressListGood, ::testing::ValuesIn(good_cases),
                         [](const auto& info) { return std::string(info.param.label); });

struct BadCase {
    const char* label;
    std::string input;
    error expected;
};

void PrintTo(const BadCase& c, std::ostream* os) {
    *os << c.label;
}

class AddressListBad : public ::testing::TestWithParam<BadCase> {};

TEST_P(AddressListBad, FailsWithTheExactError) {
    const BadCase& c = GetParam();
    std::error_code ec;
    ParseError where;
    const Mailboxes got = parse_address_list(c.input, ec, &where);
    EXPECT_EQ(ec, make_error_code(c.expected)) << ec.message();
    EXPECT_TRUE(got.empty());
    EXPECT_FALSE(where.reason.empty());
    EXPECT_LE(where.offset, c.input.size());
}

const BadCase bad_cases[] = {
    // --- injection and controls ---
    {"crlf_injection", "a@b.example\r\nRCPT TO:<x@evil.example>", error::invalid_character},
    {"lf_injection", "a@b.example\nRCPT TO:<x@evil.example>", error::invalid_character},
    {"bare_cr", "a@b.example\rX", error::invalid_character},
    {"cr_before_space", "a@b.example\r x", error::invalid_character},
    {"trailing_crlf", "a@b.example\r\n", error::invalid_character},
    {"nul", "a@b.example\0x"s, error::invalid_character},
    {"nul_in_quotes", "\"a\0b\"@x.org"s, error::invalid_character},
    {"nul_in_comment", "a@x.org (\0)"s, error::invalid_character},
    {"del", "a\x7F@x.org", error::invalid_character},
    {"escape", "\x1B[31m <a@x.org>", error::invalid_character},
    {"tab_in_quoted_local", "\"a\tb\"@x.org", error::invalid_character},

    // --- unterminated things ---
    {"unterminated_quote", "\"Alice <a@x.org>", error::invalid_address_list},
    {"unterminated_quote_escape", "\"Alice\\", error::invalid_address_list},
    {"unterminated_comment", "a@x.org (Alice", error::invalid_address_list},
    {"unterminated_nested_comment", "a@x.org (a (b)", error::invalid_address_list},
    {"unterminated_angle", "Alice <a@x.org", error::invalid_address_list},
    {"unterminated_literal", "a@[192.0.2.1", error::invalid_address_list},
    {"unbalanced_close", "a@x.org)", error::invalid_address_list},
    {"stray_close_angle", "a@x.org>", error::invalid_address_list},

    // --- grammar ---
    {"no_at", "alice", error::invalid_address_list},
    {"name_without_angle", "Alice a@x.org", error::invalid_address_list},
    {"quoted_name_without_angle", "\"Alice\" a@x.org", error::invalid_address_list},
    {"empty_angle", "<>", error::invalid_address_list},
    {"named_empty_angle", "Alice <>", error::invalid_address_list},
    {"no_local", "@x.org", error::invalid_address_list},
    {"no_domain", "a@", error::invalid_address_list},
    {"leading_dot", ".a@x.org", error::invalid_address_list},
    {"double_dot", "a..b@x.org", error::invalid_address_list},
    {"trailing_dot_domain", "a@x.org.", error::invalid_address_list},
    {"double_at", "a@b@x.org", error::invalid_address_list},
    {"missing_separator", "a@x.org b@y.org", error::invalid_address_list},
    {"nested_group", "A: B: b@y.org;;", error::invalid_address_list},
    {"group_without_name", ": a@x.org;", error::invalid_address_list},
    {"group_member_junk", "G: a@x.org b@y.org;", error::invalid_address_list},
    {"route_without_colon", "<@r.example a@x.org>", error::invalid_address_list},
    {"backslash_outside", "a\\b@x.org", error::invalid_address_list},
    {"bracket_in_literal", "a@[1[2]", error::invalid_address_list},
    {"text_after_angle", "<a@x.org> junk", error::invalid_address_list},

    // --- RFC 5322 but no RFC 5321 mailbox ---
    {"underscore_domain", "a@x_y.org", error::invalid_address},
    {"bad_literal", "a@[300.0.0.1]", error::invalid_address},
    {"long_local", std::string(65, 'a') + "@x.org", error::invalid_address},
    {"bad_utf8_local", "a\xC3@x.org", error::invalid_address},
    {"hyphen_label", "a@-x.org", error::invalid_address},
};

INSTANTIATE_TEST_SUITE_P(Address, AddressListBad, ::testing::ValuesIn(bad_cases),
                         [](const auto& info) { return std::string(info.param.label); });

// --- groups kept, single mailboxes, the throwing forms ----------------------

TEST(AddressGroups, ParseAddressesKeepsGroups) {
    const std::vector<Address> got =
        parse_addresses("a@x.org, =?UTF-8?Q?Fr=C3=BCnde?=: Bob <b@y.org>, c@z.org; undisclosed:;");
    ASSERT_EQ(got.size(), 3u);
    EXPECT_EQ(std::get<Mailbox>(got[0]), (Mailbox{"", "a@x.org"}));
    EXPECT_EQ(std::get<AddressGroup>(got[1]),
              (AddressGroup{"Fründe", {{"Bob", "b@y.org"}, {"", "c@z.org"}}}));
    EXPECT_EQ(std::get<AddressGroup>(got[2]), (AddressGroup{"undisclosed", {}}));
}

TEST(AddressMailbox, ExactlyOne) {
    std::error_code ec;
    EXPECT_EQ(parse_mailbox("  Alice (x) <a@x.org> (y) ", ec), (Mailbox{"Alice", "a@x.org"}));
    EXPECT_FALSE(ec);
    EXPECT_EQ(parse_mailbox("\"a.b\"@x.org", ec), (Mailbox{"", "a.b@x.org"}));
    EXPECT_FALSE(ec);
}

TEST(AddressMailbox, AnythingElseIsAnError) {
    for (const char* input :
         {"", "  ", "a@x.org, b@y.org", "a@x.org;", "G: a@x.org;", "a@x.org junk", "alice"}) {
        std::error_code ec;
        ParseError where;
        EXPECT_EQ(parse_mailbox(input, ec, &where), Mailbox{}) << input;
        EXPECT_EQ(ec, error::invalid_address_list) << input;
        EXPECT_FALSE(where.reason.empty()) << input;
    }
    std::error_code ec;
    parse_mailbox("a@x.org\r\nRCPT TO:<x@y>", ec);
    EXPECT_EQ(ec, error::invalid_character);
}

TEST(AddressErrors, WhereSaysWhereAndWhy) {
    std::error_code ec;
    ParseError where;
    parse_address_list("a@x.org, \"Bob <b@y.org>", ec, &where);
    EXPECT_EQ(ec, error::invalid_address_list);
    EXPECT_EQ(where.offset, 9u);
    EXPECT_EQ(where.reason, "unterminated quoted string");

    parse_address_list("a@x.org,\r\nBcc: x@y", ec, &where);
    EXPECT_EQ(ec, error::invalid_character);
    EXPECT_EQ(where.offset, 8u);

    parse_address_list("a@x.org", ec, &where);  // success clears it
    EXPECT_FALSE(ec);
    EXPECT_EQ(where.reason, "");
}

TEST(AddressErrors, ThrowingFormsCarryTheCodeAndReason) {
    try {
        parse_address_list("Alice <a@x.org");
        FAIL() << "no exception";
    } catch (const system_error& e) {
        EXPECT_EQ(e.code(), error::invalid_address_list);
        EXPECT_NE(std::string(e.what()).find("'<' without '>'"), std::string::npos) << e.what();
    }
    EXPECT_THROW(parse_mailbox("a@x.org, b@y.org"), system_error);
    EXPECT_THROW(parse_addresses("a\0@x"s), system_error);
    EXPECT_EQ(parse_mailbox("<a@x.org>").address, "a@x.org");
}

// --- limits and hostile sizes ----------------------------------------------

TEST(AddressLimits, DeepCommentsAreRefused) {
    std::error_code ec;
    ParseError where;
    const std::string ok = "a@x.org " + std::string(32, '(') + std::string(32, ')');
    EXPECT_EQ(parse_address_list(ok, ec).size(), 1u);
    EXPECT_FALSE(ec);
    const std::string deep = "a@x.org " + std::string(33, '(') + std::string(33, ')');
    parse_address_list(deep, ec, &where);
    EXPECT_EQ(ec, error::invalid_address_list);
    EXPECT_EQ(where.reason, "comments nested too deeply");
}

TEST(AddressLimits, TooManyAddresses) {
    std::string text;
    for (int i = 0; i < 11; ++i) {
        text += "a@x.org,";
    }
    std::error_code ec;
    AddressListLimits limits;
    limits.max_addresses = 10;
    EXPECT_TRUE(parse_address_list(text, ec, nullptr, limits).empty());
    EXPECT_EQ(ec, error::invalid_address_list);
    limits.max_addresses = 11;
    EXPECT_EQ(parse_address_list(text, ec, nullptr, limits).size(), 11u);
    EXPECT_FALSE(ec);
}

TEST(AddressLimits, TheDefaultCapIsTenThousand) {
    std::string text;
    for (int i = 0; i < 10'001; ++i) {
        text += "a@b,";
    }
    std::error_code ec;
    AddressListLimits limits;
    limits.max_size = text.size();
    parse_address_list(text, ec, nullptr, limits);
    EXPECT_EQ(ec, error::invalid_address_list);
}

TEST(AddressLimits, OversizedInputIsRefusedAtOnce) {
    const std::string huge(1 << 20, 'a');
    std::error_code ec;
    ParseError where;
    EXPECT_TRUE(parse_address_list(huge, ec, &where).empty());
    EXPECT_EQ(ec, error::invalid_address_list);
    EXPECT_EQ(where.offset, 64u * 1024u);
}

// Inputs built to make a careless parser quadratic or deep, each as large
// as the limits allow; together they must finish in well under a second.
TEST(AddressLimits, WorstCaseInputsAreFast) {
    const auto started = std::chrono::steady_clock::now();
    AddressListLimits big;
    big.max_size = 1 << 20;
    big.max_addresses = 1 << 20;
    std::error_code ec;

    std::string many;  // 1 MiB of short addresses
    while (many.size() < big.max_size - 16) {
        many += "a@b.c,";
    }
    EXPECT_EQ(parse_address_list(many, ec, nullptr, big).size(), many.size() / 6);
    EXPECT_FALSE(ec);

    const std::string parens(big.max_size, '(');  // refused at depth 33
    parse_address_list(parens, ec, nullptr, big);
    EXPECT_EQ(ec, error::invalid_address_list);

    const std::string flat_comments = [&] {  // depth 1, many times
        std::string s;
        while (s.size() < big.max_size - 8) {
            s += "(x)";
        }
        return s;
    }();
    EXPECT_TRUE(parse_address_list(flat_comments, ec, nullptr, big).empty());
    EXPECT_FALSE(ec);

    const std::string open_quote = "\"" + std::string(big.max_size - 1, 'a');
    parse_address_list(open_quote, ec, nullptr, big);
    EXPECT_EQ(ec, error::invalid_address_list);

    std::string words;  // one enormous display name of encoded-words
    while (words.size() < big.max_size - 32) {
        words += "=?x-unknown?Q?a?= ";
    }
    words += "<a@b.c>";
    EXPECT_EQ(parse_address_list(words, ec, nullptr, big).size(), 1u);

    std::string dots = "a";  // a huge obs-local-part
    while (dots.size() < big.max_size - 16) {
        dots += " . a";
    }
    parse_address_list(dots + "@b.c", ec, nullptr, big);
    EXPECT_EQ(ec, error::invalid_address);  // over 64 octets

    const auto elapsed = std::chrono::steady_clock::now() - started;
    EXPECT_LT(elapsed, std::chrono::seconds(2));
}

// --- IDNA --------------------------------------------------------------------

struct IdnCase {
    const char* input;
    const char* expected;  // nullptr: invalid_idn
};

TEST(AddressIdna, DomainsBecomeALabels) {
    const IdnCase cases[] = {
        {"bücher.example", "xn--bcher-kva.example"},
        {"Bücher.Example", "xn--bcher-kva.example"},  // UTS #46 maps case
        {"παράδειγμα.δοκιμή", "xn--hxajbheg2az3al.xn--jxalpdlp"},
        {"faß.de", "xn--fa-hia.de"},  // non-transitional: ß is kept
        {"例え.テスト", "xn--r8jz45g.xn--zckzah"},
        {"example.com", "example.com"},  // ASCII: as written
        {"Example.COM", "Example.COM"},  // ASCII: case kept
        {"[192.0.2.1]", "[192.0.2.1]"},  // literal: as written
        {"xn--bcher-kva.example", "xn--bcher-kva.example"},
        {"bu\xCC\x88"
         "cher.example",
         "xn--bcher-kva.example"},  // NFC first
        {"a\xE2\x80\x8D"
         "b.example",
         nullptr},                           // ZWJ outside its context
        {"\xC3(.example", nullptr},          // not UTF-8
        {"ab--c\xC3\xBC.example", nullptr},  // "--" in positions 3-4
        {"\xE2\x84\x80.example", nullptr},   // maps to "a/c": no host name
        {"[192.0.2.\xC3\xBC]", nullptr},     // a literal is ASCII or nothing (found by fuzzing)
    };
    for (const IdnCase& c : cases) {
        std::error_code ec;
        const std::string got = to_ascii_domain(c.input, ec);
        if (c.expected == nullptr) {
            EXPECT_EQ(ec, error::invalid_idn) << c.input << " -> " << got;
            EXPECT_EQ(got, "");
        } else {
            EXPECT_FALSE(ec) << c.input << ": " << ec.message();
            EXPECT_EQ(got, c.expected) << c.input;
        }
    }
}

TEST(AddressIdna, ControlsAreInvalidCharacters) {
    std::error_code ec;
    EXPECT_EQ(to_ascii_domain("b\xC3\xBC\r\nx.example", ec), "");
    EXPECT_EQ(ec, error::invalid_character);
    EXPECT_EQ(to_ascii_domain("x\0.example"s, ec), "");
    EXPECT_EQ(ec, error::invalid_character);
}

TEST(AddressIdna, AddressesKeepTheirLocalPart) {
    std::error_code ec;
    EXPECT_EQ(to_ascii_address("info@bücher.example", ec), "info@xn--bcher-kva.example");
    EXPECT_FALSE(ec);
    EXPECT_EQ(to_ascii_address("<\"a b\"@bücher.example>", ec), "\"a b\"@xn--bcher-kva.example");
    EXPECT_EQ(to_ascii_address("\"a@b\"@faß.de", ec), "\"a@b\"@xn--fa-hia.de");
    // Only SMTPUTF8 can carry this one: the local part stays UTF-8.
    EXPECT_EQ(to_ascii_address("δοκιμή@παράδειγμα.δοκιμή", ec),
              "δοκιμή@xn--hxajbheg2az3al.xn--jxalpdlp");
    EXPECT_FALSE(ec);
    EXPECT_EQ(to_ascii_address("plain@example.com", ec), "plain@example.com");

    EXPECT_EQ(to_ascii_address("not an address", ec), "");
    EXPECT_EQ(ec, error::invalid_address);
    EXPECT_EQ(to_ascii_address("a@a\xE2\x80\x8D"
                               "b.example",
                               ec),
              "");
    EXPECT_EQ(ec, error::invalid_idn);
    EXPECT_THROW(to_ascii_address("a@\xE2\x84\x80.example"), system_error);
    EXPECT_EQ(to_ascii_domain("bücher.example"), "xn--bcher-kva.example");
}

TEST(AddressIdna, ParsedListsConvertPerAddress) {
    const Mailboxes list = parse_address_list("Jürgen <j@bücher.example>, b@y.org");
    ASSERT_EQ(list.size(), 2u);
    EXPECT_EQ(list[0].address, "j@bücher.example");  // the parser keeps U-labels
    EXPECT_EQ(to_ascii_address(list[0].address), "j@xn--bcher-kva.example");
    EXPECT_EQ(to_ascii_address(list[1].address), "b@y.org");
}

}  // namespace
}  // namespace smtpkit
