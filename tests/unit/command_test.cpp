#include "smtpkit/protocol/command.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "smtpkit/error.hpp"

namespace {

using smtpkit::error;
using smtpkit::protocol::Command;
using smtpkit::protocol::has_forbidden_octet;
using smtpkit::protocol::max_command_line;
using smtpkit::protocol::max_mail_rcpt_line;
using smtpkit::protocol::to_string;
using smtpkit::protocol::Verb;
using namespace std::string_literals;

// Checks the command and returns what write_to() appends.
std::string wire_of(Command cmd, bool allow_utf8 = false) {
    std::string out;
    const auto ec = cmd.check(allow_utf8);
    EXPECT_FALSE(ec) << ec.message();
    cmd.write_to(out);
    return out;
}

struct WireCase {
    const char* name;
    std::function<Command()> make;
    std::string wire;
    bool allow_utf8 = false;
};

void PrintTo(const WireCase& c, std::ostream* os) {
    *os << c.name;
}

class CommandWire : public ::testing::TestWithParam<WireCase> {};

TEST_P(CommandWire, ExactBytes) {
    const auto& c = GetParam();
    EXPECT_EQ(wire_of(c.make(), c.allow_utf8), c.wire);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, CommandWire,
    ::testing::Values(
        WireCase{"ehlo", [] { return Command::ehlo("client.example.org"); },
                 "EHLO client.example.org\r\n"},
        WireCase{"ehlo_ipv4_literal", [] { return Command::ehlo("[192.0.2.7]"); },
                 "EHLO [192.0.2.7]\r\n"},
        WireCase{"ehlo_ipv6_literal", [] { return Command::ehlo("[IPv6:2001:db8::7]"); },
                 "EHLO [IPv6:2001:db8::7]\r\n"},
        WireCase{"helo", [] { return Command::helo("localhost"); }, "HELO localhost\r\n"},
        WireCase{"mail", [] { return Command::mail("a@x.org"); }, "MAIL FROM:<a@x.org>\r\n"},
        WireCase{"mail_brackets", [] { return Command::mail("<a@x.org>"); },
                 "MAIL FROM:<a@x.org>\r\n"},
        WireCase{"mail_null", [] { return Command::mail("<>"); }, "MAIL FROM:<>\r\n"},
        WireCase{"mail_empty_is_null", [] { return Command::mail(""); }, "MAIL FROM:<>\r\n"},
        WireCase{"mail_params",
                 [] {
                     return Command::mail("a@x.org", {"SIZE=1000", "BODY=8BITMIME"});
                 },
                 "MAIL FROM:<a@x.org> SIZE=1000 BODY=8BITMIME\r\n"},
        WireCase{"mail_keyword_only", [] { return Command::mail("a@x.org", {"SMTPUTF8"}); },
                 "MAIL FROM:<a@x.org> SMTPUTF8\r\n"},
        WireCase{"mail_canonical", [] { return Command::mail("\"john\"@x.org"); },
                 "MAIL FROM:<john@x.org>\r\n"},
        WireCase{"mail_utf8", [] { return Command::mail("j\xc3\xb6rg@x.org", {"SMTPUTF8"}); },
                 "MAIL FROM:<j\xc3\xb6rg@x.org> SMTPUTF8\r\n", true},
        WireCase{"rcpt", [] { return Command::rcpt("b@y.org"); }, "RCPT TO:<b@y.org>\r\n"},
        WireCase{"rcpt_quoted", [] { return Command::rcpt("\"b c\"@y.org"); },
                 "RCPT TO:<\"b c\"@y.org>\r\n"},
        WireCase{
            "rcpt_dsn",
            [] {
                return Command::rcpt("b@y.org", {"NOTIFY=SUCCESS,FAILURE", "ORCPT=rfc822;b@y.org"});
            },
            "RCPT TO:<b@y.org> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;b@y.org\r\n"},
        WireCase{"rcpt_postmaster", [] { return Command::rcpt("Postmaster"); },
                 "RCPT TO:<Postmaster>\r\n"},
        WireCase{"rcpt_postmaster_any_case", [] { return Command::rcpt("<postMASTER>"); },
                 "RCPT TO:<Postmaster>\r\n"},
        WireCase{"rcpt_postmaster_at_domain", [] { return Command::rcpt("postmaster@y.org"); },
                 "RCPT TO:<postmaster@y.org>\r\n"},
        WireCase{"data", [] { return Command::data(); }, "DATA\r\n"},
        WireCase{"rset", [] { return Command::rset(); }, "RSET\r\n"},
        WireCase{"noop", [] { return Command::noop(); }, "NOOP\r\n"},
        WireCase{"noop_text", [] { return Command::noop("hello there"); }, "NOOP hello there\r\n"},
        WireCase{"vrfy", [] { return Command::vrfy("Smith"); }, "VRFY Smith\r\n"},
        WireCase{"expn", [] { return Command::expn("staff-list"); }, "EXPN staff-list\r\n"},
        WireCase{"help", [] { return Command::help(); }, "HELP\r\n"},
        WireCase{"help_topic", [] { return Command::help("MAIL"); }, "HELP MAIL\r\n"},
        WireCase{"quit", [] { return Command::quit(); }, "QUIT\r\n"},
        WireCase{"raw", [] { return Command::raw("XCLIENT NAME=spike.porcupine.org"); },
                 "XCLIENT NAME=spike.porcupine.org\r\n"},
        WireCase{"raw_verb_only", [] { return Command::raw("TURN"); }, "TURN\r\n"},
        WireCase{"raw_mail", [] { return Command::raw("MAIL FROM:<a@x.org>"); },
                 "MAIL FROM:<a@x.org>\r\n"},
        WireCase{"vrfy_utf8", [] { return Command::vrfy("J\xc3\xb6rg"); }, "VRFY J\xc3\xb6rg\r\n",
                 true}),
    [](const auto& info) { return std::string(info.param.name); });

struct BadCase {
    std::string name;
    std::function<Command()> make;
    error expected;
    bool allow_utf8 = false;
};

void PrintTo(const BadCase& c, std::ostream* os) {
    *os << c.name;
}

class CommandBad : public ::testing::TestWithParam<BadCase> {};

TEST_P(CommandBad, IsRefusedAndWritesNothing) {
    const auto& c = GetParam();
    Command cmd = c.make();
    EXPECT_EQ(cmd.check(c.allow_utf8), c.expected);
    std::string out = "before";
    cmd.write_to(out);
    EXPECT_EQ(out, "before");
    EXPECT_EQ(cmd.line(), "");
}

// Every way a caller could try to smuggle a second command onto the wire.
const std::vector<std::string> injections = {
    "\r\nRCPT TO:<evil@x.org>", "\r", "\n", "\r\n", "\0"s, "\x01", "\x1f", "\t", "\x7f"};

std::vector<BadCase> injection_cases() {
    std::vector<BadCase> cases;
    const auto add = [&](const char* name, std::function<Command(const std::string&)> make) {
        for (std::size_t i = 0; i < injections.size(); ++i) {
            const std::string bad = injections[i];
            const std::string id = std::string(name) + "_" + std::to_string(i);
            cases.push_back({id, [make, bad] { return make(bad); }, error::invalid_character});
            cases.push_back(
                {id + "_utf8", [make, bad] { return make(bad); }, error::invalid_character, true});
        }
    };
    add("mail_address", [](const std::string& s) { return Command::mail("a@x.org" + s); });
    add("mail_address_inside", [](const std::string& s) { return Command::mail("a" + s + "@x"); });
    add("mail_param",
        [](const std::string& s) { return Command::mail("a@x.org", {"SIZE=1" + s}); });
    add("mail_bad_address_and_param",
        [](const std::string& s) { return Command::mail("not an address", {"X" + s}); });
    add("rcpt_address", [](const std::string& s) { return Command::rcpt("b@y.org" + s); });
    add("rcpt_postmaster", [](const std::string& s) { return Command::rcpt("Postmaster" + s); });
    add("rcpt_param", [](const std::string& s) { return Command::rcpt("b@y.org", {"N" + s}); });
    add("ehlo", [](const std::string& s) { return Command::ehlo("host.example" + s); });
    add("helo", [](const std::string& s) { return Command::helo(s + "host.example"); });
    add("vrfy", [](const std::string& s) { return Command::vrfy("Smith" + s); });
    add("expn", [](const std::string& s) { return Command::expn("list" + s); });
    add("noop", [](const std::string& s) { return Command::noop("x" + s); });
    add("help", [](const std::string& s) { return Command::help(s); });
    add("raw", [](const std::string& s) { return Command::raw("XFOO bar" + s); });
    add("raw_verb", [](const std::string& s) { return Command::raw("XF" + s + "OO"); });
    return cases;
}

INSTANTIATE_TEST_SUITE_P(Injection, CommandBad, ::testing::ValuesIn(injection_cases()),
                         [](const auto& info) { return info.param.name; });

const std::string long_text(512 - 2 - 5, 'a');  // "VRFY " + text + CRLF = 512

INSTANTIATE_TEST_SUITE_P(
    Syntax, CommandBad,
    ::testing::Values(
        BadCase{"ehlo_empty", [] { return Command::ehlo(""); }, error::invalid_domain},
        BadCase{"ehlo_underscore", [] { return Command::ehlo("my_host"); }, error::invalid_domain},
        BadCase{"ehlo_space", [] { return Command::ehlo("a b"); }, error::invalid_domain},
        BadCase{"ehlo_bad_literal", [] { return Command::ehlo("[1.2.3.999]"); },
                error::invalid_domain},
        BadCase{"ehlo_utf8_not_allowed", [] { return Command::ehlo("b\xc3\xbc.de"); },
                error::invalid_domain},
        BadCase{"mail_bad", [] { return Command::mail("no-at-sign"); }, error::invalid_address},
        BadCase{"mail_source_route", [] { return Command::mail("<@a,@b:u@c>"); },
                error::invalid_address},
        BadCase{"mail_utf8_not_allowed", [] { return Command::mail("j\xc3\xb6rg@x.org"); },
                error::utf8_not_allowed},
        BadCase{"rcpt_null", [] { return Command::rcpt("<>"); }, error::invalid_address},
        BadCase{"rcpt_empty", [] { return Command::rcpt(""); }, error::invalid_address},
        BadCase{"rcpt_postmaster_quoted", [] { return Command::rcpt("\"Postmaster\""); },
                error::invalid_address},
        BadCase{"param_empty", [] { return Command::mail("a@x", {""}); }, error::invalid_command},
        BadCase{"param_space", [] { return Command::mail("a@x", {"SIZE 1"}); },
                error::invalid_command},
        BadCase{"param_two_params_in_one", [] { return Command::mail("a@x", {"A=1 B=2"}); },
                error::invalid_command},
        BadCase{"param_empty_value", [] { return Command::mail("a@x", {"SIZE="}); },
                error::invalid_command},
        BadCase{"param_equals_in_value", [] { return Command::mail("a@x", {"A=b=c"}); },
                error::invalid_command},
        BadCase{"param_keyword_dash_first", [] { return Command::mail("a@x", {"-A=1"}); },
                error::invalid_command},
        BadCase{"param_keyword_bad_char", [] { return Command::rcpt("a@x", {"A_B=1"}); },
                error::invalid_command},
        BadCase{"param_utf8_not_allowed", [] { return Command::rcpt("a@x", {"A=\xc3\xa9"}); },
                error::utf8_not_allowed},
        BadCase{"param_bad_utf8", [] { return Command::rcpt("a@x", {"A=\xc3"}); },
                error::invalid_command, true},
        BadCase{"vrfy_empty", [] { return Command::vrfy(""); }, error::invalid_command},
        BadCase{"expn_empty", [] { return Command::expn(""); }, error::invalid_command},
        BadCase{"vrfy_utf8_not_allowed", [] { return Command::vrfy("J\xc3\xb6rg"); },
                error::utf8_not_allowed},
        BadCase{"vrfy_bad_utf8", [] { return Command::vrfy("J\xf6rg"); }, error::invalid_command,
                true},
        BadCase{"raw_empty", [] { return Command::raw(""); }, error::invalid_command},
        BadCase{"raw_leading_space", [] { return Command::raw(" NOOP"); }, error::invalid_command},
        BadCase{"raw_verb_digits", [] { return Command::raw("X1 foo"); }, error::invalid_command},
        BadCase{"raw_verb_punct", [] { return Command::raw("X-FOO"); }, error::invalid_command},
        BadCase{"raw_data", [] { return Command::raw("DATA"); }, error::invalid_command},
        BadCase{"raw_bdat", [] { return Command::raw("BDAT 100 LAST"); }, error::invalid_command},
        BadCase{"raw_starttls", [] { return Command::raw("starttls"); }, error::invalid_command},
        BadCase{"raw_auth", [] { return Command::raw("Auth PLAIN AGFAYg=="); },
                error::invalid_command},
        BadCase{"raw_ehlo", [] { return Command::raw("EHLO x"); }, error::invalid_command},
        BadCase{"raw_helo", [] { return Command::raw("helo x"); }, error::invalid_command},
        BadCase{"raw_quit", [] { return Command::raw("QUIT"); }, error::invalid_command},
        BadCase{"vrfy_too_long", [] { return Command::vrfy(long_text + "a"); },
                error::command_too_long},
        BadCase{"raw_too_long", [] { return Command::raw("XFOO " + long_text + "a"); },
                error::command_too_long},
        BadCase{"ehlo_name_too_long", [] { return Command::helo(std::string(600, 'a')); },
                error::invalid_domain},
        BadCase{"ehlo_literal_too_long",
                [] { return Command::ehlo("[x:" + std::string(600, 'a') + "]"); },
                error::command_too_long},
        BadCase{"mail_too_long",
                [] {
                    return Command::mail("a@x.org",
                                         std::vector<std::string>(200, "XPARAM=0123456789"));
                },
                error::command_too_long}),
    [](const auto& info) { return info.param.name; });

TEST(Command, LineLimitIsInclusive) {
    Command ok = Command::vrfy(long_text);
    EXPECT_FALSE(ok.check());
    EXPECT_EQ(ok.line().size() + 2, max_command_line);

    // MAIL and RCPT may use the longer limit for their parameters.
    std::vector<std::string> params;
    std::string expected = "MAIL FROM:<a@x.org>";
    while (expected.size() + 12 + 2 <= max_mail_rcpt_line) {
        params.push_back("XPARAM=0123");  // 11 octets plus a space
        expected += " XPARAM=0123";
    }
    // Fill up to exactly the limit with one last parameter.
    const std::string last = "X=" + std::string(max_mail_rcpt_line - 2 - expected.size() - 3, 'v');
    params.push_back(last);
    expected += " " + last;
    ASSERT_EQ(expected.size() + 2, max_mail_rcpt_line);
    Command mail = Command::mail("a@x.org", params);
    EXPECT_FALSE(mail.check());
    EXPECT_EQ(mail.line(), expected);

    params.back() += "v";
    Command too_long = Command::mail("a@x.org", params);
    EXPECT_EQ(too_long.check(), error::command_too_long);
}

TEST(Command, UncheckedCommandWritesNothing) {
    std::string out;
    Command::data().write_to(out);
    Command::mail("a@x.org").write_to(out);
    EXPECT_EQ(out, "");
}

TEST(Command, FailedRecheckWritesNothing) {
    Command cmd = Command::mail("j\xc3\xb6rg@x.org");
    ASSERT_FALSE(cmd.check(true));
    EXPECT_EQ(cmd.check(false), error::utf8_not_allowed);
    std::string out;
    cmd.write_to(out);
    EXPECT_EQ(out, "");
}

TEST(Command, VerbNames) {
    EXPECT_STREQ(to_string(Verb::ehlo), "EHLO");
    EXPECT_STREQ(to_string(Verb::mail), "MAIL");
    EXPECT_STREQ(to_string(Verb::rcpt), "RCPT");
    EXPECT_STREQ(to_string(Verb::quit), "QUIT");
    EXPECT_STREQ(to_string(Verb::raw), "RAW");
    EXPECT_EQ(Command::expn("x").verb(), Verb::expn);
    EXPECT_EQ(Command::raw("X").verb(), Verb::raw);
}

TEST(Command, ForbiddenOctets) {
    EXPECT_FALSE(has_forbidden_octet("plain text ~!"));
    EXPECT_FALSE(has_forbidden_octet("\xc3\xa9\x80\xff"));
    for (int c = 0; c < 0x20; ++c) {
        EXPECT_TRUE(has_forbidden_octet(std::string("a") + static_cast<char>(c))) << c;
    }
    EXPECT_TRUE(has_forbidden_octet("\x7f"));
}

}  // namespace
