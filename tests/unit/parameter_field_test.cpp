#include "message/parameter_field.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "header_lines.hpp"
#include "smtpkit/error.hpp"

namespace smtpkit::message {
namespace {

using namespace std::string_literals;
using test::well_folded;

std::string field(std::string_view name, std::string_view value, std::vector<Parameter> params,
                  HeaderOptions options = {}) {
    std::error_code ec;
    std::string out = encode_parameter_field(name, value, params, options, ec);
    EXPECT_FALSE(ec) << ec.message();
    return out;
}

std::string disposition(std::string_view filename, HeaderOptions options = {}) {
    return field("Content-Disposition", "attachment", {{"filename", filename}}, options);
}

TEST(ParameterField, WritesTokensAndQuotedStrings) {
    EXPECT_EQ(field("Content-Type", "text/plain", {{"charset", "utf-8"}}),
              "Content-Type: text/plain; charset=utf-8\r\n");
    EXPECT_EQ(field("Content-Type", "multipart/mixed", {{"boundary", "=_b0und4ry"}}),
              "Content-Type: multipart/mixed; boundary=\"=_b0und4ry\"\r\n");
    EXPECT_EQ(field("Content-Disposition", "inline", {}), "Content-Disposition: inline\r\n");
    EXPECT_EQ(disposition("report.pdf"),
              "Content-Disposition: attachment; filename=report.pdf\r\n");
    EXPECT_EQ(disposition("my report (v2).pdf"),
              "Content-Disposition: attachment; filename=\"my report (v2).pdf\"\r\n");
    EXPECT_EQ(disposition("a \"b\" \\ c;d=e?.txt"),
              "Content-Disposition: attachment; filename=\"a \\\"b\\\" \\\\ c;d=e?.txt\"\r\n");
    EXPECT_EQ(disposition(""), "Content-Disposition: attachment; filename=\"\"\r\n");
}

// RFC 2231 4: charset'language'percent-encoded octets.
TEST(ParameterField, WritesNonAsciiAsRfc2231ExtendedValues) {
    EXPECT_EQ(disposition("\xe2\x82\xac rates.pdf"),
              "Content-Disposition: attachment; filename*=UTF-8''%E2%82%AC%20rates.pdf\r\n");
    EXPECT_EQ(disposition("\xe2\x82\xac\xe2\x82\xac rates.pdf"),
              "Content-Disposition: attachment;\r\n"
              " filename*=UTF-8''%E2%82%AC%E2%82%AC%20rates.pdf\r\n");
    EXPECT_EQ(disposition("tab\there.txt"),
              "Content-Disposition: attachment; filename*=UTF-8''tab%09here.txt\r\n");
    // What would be read as an encoded-word even in quotes.
    EXPECT_EQ(disposition("=?x?=.txt"),
              "Content-Disposition: attachment; filename*=UTF-8''%3D%3Fx%3F%3D.txt\r\n");
    // '*', '\'' and '%' are not attribute-chars.
    EXPECT_EQ(disposition("\xc3\xa9*'%.txt"),
              "Content-Disposition: attachment; filename*=UTF-8''%C3%A9%2A%27%25.txt\r\n");
}

TEST(ParameterField, SplitsLongValuesIntoContinuations) {
    const std::string long_ascii =
        "a very long file name with many many words in it that goes on and on and on.pdf";
    EXPECT_EQ(disposition(long_ascii),
              "Content-Disposition: attachment;\r\n"
              " filename*0=\"a very long file name with many many words in it that goes on a\";\r\n"
              " filename*1=\"nd on and on.pdf\"\r\n");
    std::string cjk;
    for (int i = 0; i < 20; ++i) {
        cjk += "\xe6\x97\xa5";  // 日
    }
    const std::string out = disposition(cjk + ".pdf");
    EXPECT_EQ(out,
              "Content-Disposition: attachment;\r\n"
              " filename*0*=UTF-8''%E6%97%A5%E6%97%A5%E6%97%A5%E6%97%A5%E6%97%A5%E6%97%A5;\r\n"
              " filename*1*=%E6%97%A5%E6%97%A5%E6%97%A5%E6%97%A5%E6%97%A5%E6%97%A5%E6%97%A5;\r\n"
              " filename*2*=%E6%97%A5%E6%97%A5%E6%97%A5%E6%97%A5%E6%97%A5%E6%97%A5%E6%97%A5.;\r\n"
              " filename*3*=pdf\r\n");
}

TEST(ParameterField, KeepsLinesWithinTheLimits) {
    std::vector<std::string> names;
    for (const std::string& unit :
         {"a"s, "a b"s, "\"\\"s, "\xc3\xa9"s, "\xf0\x9f\x98\x80"s, "%"s}) {
        std::string name;
        for (int i = 0; i < 150; ++i) {
            name += unit;
            names.push_back(name);
        }
    }
    for (const std::string& name : names) {
        for (const bool rfc2047 : {false, true}) {
            const std::vector<Parameter> params = {{"name", name, rfc2047}, {"x-more", name}};
            ASSERT_TRUE(well_folded(field("Content-Type", "application/octet-stream", params)));
            ASSERT_TRUE(well_folded(
                field("Content-Type", "application/octet-stream", params, {.utf8 = true}), 998));
        }
    }
}

TEST(ParameterField, Rfc2047NamesForOldReaders) {
    EXPECT_EQ(
        field("Content-Type", "application/pdf", {{"name", "r\xc3\xa9sum\xc3\xa9.pdf", true}}),
        "Content-Type: application/pdf; name=\"=?UTF-8?B?csOpc3Vtw6kucGRm?=\"\r\n");
    // ASCII stays a plain quoted-string.
    EXPECT_EQ(field("Content-Type", "application/pdf", {{"name", "cv.pdf", true}}),
              "Content-Type: application/pdf; name=cv.pdf\r\n");
    std::string cjk;
    for (int i = 0; i < 40; ++i) {
        cjk += "\xe6\x97\xa5";
    }
    const std::string out = field("Content-Type", "application/pdf", {{"name", cjk, true}});
    EXPECT_TRUE(well_folded(out));
    EXPECT_TRUE(test::words_hold_whole_characters(out));
    EXPECT_EQ(out.substr(0, 49), "Content-Type: application/pdf;\r\n name=\"=?UTF-8?B?");
    EXPECT_EQ(out.substr(out.size() - 5), "?=\"\r\n");
}

TEST(ParameterField, WritesUtf8QuotedWithSmtputf8) {
    EXPECT_EQ(disposition("\xe2\x82\xac rates.pdf", {.utf8 = true}),
              "Content-Disposition: attachment; filename=\"\xe2\x82\xac rates.pdf\"\r\n");
}

TEST(ParameterField, RefusesWhatCannotBeSent) {
    struct Bad {
        std::string value;
        std::string param;
        std::string param_value;
    };
    const std::vector<Bad> cases = {
        {"text/plain", "charset", "utf-8\r\nBcc: victim@example.com"},
        {"text/plain", "charset", "a\nb"},
        {"text/plain", "charset", "a\0b"s},
        {"text/plain", "charset", "\xff"},
        {"text/plain", "char set", "x"},
        {"text/plain", "name*", "x"},
        {"text/plain", "it's", "x"},
        {"text/plain", "", "x"},
        {"text/plain", std::string(77, 'n'), "x"},
        {"text/plain\r\nBcc: x", "charset", "x"},
        {"text/plain; x=y", "charset", "x"},
        {"", "charset", "x"},
        {"text/" + std::string(251, 'x'), "charset", "x"},
    };
    for (const Bad& c : cases) {
        std::error_code ec;
        const std::vector<Parameter> params = {{c.param, c.param_value}};
        EXPECT_EQ(encode_parameter_field("Content-Type", c.value, params, {}, ec), "");
        EXPECT_EQ(ec, error::invalid_header) << c.value << " " << c.param << "=" << c.param_value;
    }
}

}  // namespace
}  // namespace smtpkit::message
