#include "message/address_field.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "header_lines.hpp"
#include "smtpkit/error.hpp"

namespace smtpkit::message {
namespace {

using namespace std::string_literals;
using test::well_folded;

std::string field(std::vector<MailboxRef> boxes, HeaderOptions options = {}) {
    std::error_code ec;
    std::string out = encode_address_field("To", std::span<const MailboxRef>(boxes), options, ec);
    EXPECT_FALSE(ec) << ec.message();
    return out;
}

TEST(AddressField, WritesEachDisplayNameInTheFirstFormThatCarriesIt) {
    const std::vector<std::pair<std::string, std::string>> vectors = {
        {"", "To: joe@example.com\r\n"},
        {"Joe", "To: Joe <joe@example.com>\r\n"},
        {"John Q Public", "To: John Q Public <joe@example.com>\r\n"},
        {"O'Brien-Smith", "To: O'Brien-Smith <joe@example.com>\r\n"},
        // specials, or white space atoms would lose: a quoted-string
        {"Smith, John", "To: \"Smith, John\" <joe@example.com>\r\n"},
        {"John Q. Public", "To: \"John Q. Public\" <joe@example.com>\r\n"},
        {"a \"quoted\" \\ name", "To: \"a \\\"quoted\\\" \\\\ name\" <joe@example.com>\r\n"},
        {"two  spaces", "To: \"two  spaces\" <joe@example.com>\r\n"},
        {" padded ", "To: \" padded \" <joe@example.com>\r\n"},
        {"<joe@evil.example>", "To: \"<joe@evil.example>\" <joe@example.com>\r\n"},
        // RFC 2047 8, in UTF-8: Q under the phrase rules, or B when shorter
        {"Keld J\xc3\xb8rn Simonsen",
         "To: =?UTF-8?Q?Keld_J=C3=B8rn_Simonsen?= <joe@example.com>\r\n"},
        {"J\xc3\xb6rg", "To: =?UTF-8?B?SsO2cmc=?= <joe@example.com>\r\n"},
        {"M\xc3\xbcller, Hans", "To: =?UTF-8?Q?M=C3=BCller=2C_Hans?= <joe@example.com>\r\n"},
        {"tab\there", "To: =?UTF-8?Q?tab=09here?= <joe@example.com>\r\n"},
        {"=?x?= y", "To: =?UTF-8?B?PT94Pz0geQ==?= <joe@example.com>\r\n"},
    };
    for (const auto& [name, expected] : vectors) {
        EXPECT_EQ(field({{name, "joe@example.com"}}), expected) << name;
    }
}

TEST(AddressField, WritesUtf8NamesAndAddressesAsTheyAreWithSmtputf8) {
    EXPECT_EQ(field({{"J\xc3\xb6rg M\xc3\xbcller",
                      "j\xc3\xb6rg@b\xc3\xbc"
                      "cher.de"}},
                    {.utf8 = true}),
              "To: J\xc3\xb6rg M\xc3\xbcller <j\xc3\xb6rg@b\xc3\xbc"
              "cher.de>\r\n");
    EXPECT_EQ(field({{"M\xc3\xbcller, Hans", "h@example.de"}}, {.utf8 = true}),
              "To: \"M\xc3\xbcller, Hans\" <h@example.de>\r\n");
}

TEST(AddressField, FoldsTheListBetweenAddresses) {
    const std::string out = field({{"Alice Example", "alice@example.com"},
                                   {"Bob Example", "bob@example.com"},
                                   {"", "carol@example.com"},
                                   {"Dave", "dave@example.com"}});
    EXPECT_EQ(out,
              "To: Alice Example <alice@example.com>, Bob Example <bob@example.com>,\r\n"
              " carol@example.com, Dave <dave@example.com>\r\n");
}

TEST(AddressField, SplitsLongNamesIntoSeveralWords) {
    std::string cjk;
    for (int i = 0; i < 30; ++i) {
        cjk += "\xe5\x90\x8d";  // 名
    }
    const std::string ascii_long(90, 'n');
    for (const std::string& name : {cjk, ascii_long + ".", "x " + cjk + " y"}) {
        const std::string out = field({{name, "joe@example.com"}, {name, "ann@example.com"}});
        EXPECT_TRUE(well_folded(out)) << out;
        EXPECT_TRUE(test::words_hold_whole_characters(out)) << out;
        std::string decoded;
        for (const auto& word : test::encoded_words_in(out.substr(0, out.find("<joe")))) {
            decoded += word.value_or("?");
        }
        EXPECT_EQ(decoded, name);
    }
}

struct Person {  // what smtpkit::Mailbox looks like
    std::string name;
    std::string address;
};

TEST(AddressField, TakesAnyRangeOfNameAndAddress) {
    const std::vector<Person> people = {{"Ann", "ann@example.com"}, {"", "bob@example.com"}};
    std::error_code ec;
    EXPECT_EQ(encode_address_field("Cc", people, {}, ec),
              "Cc: Ann <ann@example.com>, bob@example.com\r\n");
    EXPECT_FALSE(ec);
}

TEST(AddressField, RefusesWhatCannotBeSent) {
    struct Bad {
        std::string name;
        std::string address;
        error expected;
    };
    const std::vector<Bad> cases = {
        {"Eve\r\nBcc: victim@example.com", "eve@example.com", error::invalid_header},
        {"Eve\n", "eve@example.com", error::invalid_header},
        {"Eve\0"s, "eve@example.com", error::invalid_header},
        {"\xff", "eve@example.com", error::invalid_header},
        {"Eve", "eve@example.com\r\nBcc: victim@example.com", error::invalid_character},
        {"Eve", "eve@example.com>, victim@example.com", error::invalid_address},
        {"Eve", "<eve@example.com>", error::invalid_address},
        {"Eve", "", error::invalid_address},
        {"Eve", "no-at-sign", error::invalid_address},
        {"J\xc3\xb6rg", "j\xc3\xb6rg@example.com", error::utf8_not_allowed},
    };
    for (const Bad& c : cases) {
        std::error_code ec;
        const std::vector<MailboxRef> boxes = {{c.name, c.address}};
        EXPECT_EQ(encode_address_field("To", std::span<const MailboxRef>(boxes), {}, ec), "");
        EXPECT_EQ(ec, c.expected) << c.name << " / " << c.address;
    }
    std::error_code ec;
    EXPECT_EQ(encode_address_field("To", std::span<const MailboxRef>(), {}, ec), "");
    EXPECT_EQ(ec, error::invalid_header);
    const std::vector<MailboxRef> ok = {{"", "a@example.com"}};
    EXPECT_EQ(encode_address_field("T o", std::span<const MailboxRef>(ok), {}, ec), "");
    EXPECT_EQ(ec, error::invalid_header);
}

}  // namespace
}  // namespace smtpkit::message
