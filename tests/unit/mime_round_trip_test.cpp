// Round trips through an independent decoder: what src/message encodes,
// Python's email package (policy.default, python_email.hpp) decodes back to
// exactly the input, for fixed edge cases and random Unicode text.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "header_lines.hpp"
#include "message/address_field.hpp"
#include "message/base64_encoder.hpp"
#include "message/parameter_field.hpp"
#include "message/quoted_printable.hpp"
#include "message/unstructured_field.hpp"
#include "python_email.hpp"

namespace smtpkit::message {
namespace {

using namespace std::string_literals;
using test::Decoded;
using test::DecodeRequest;

// Pieces random text is made of: scripts, emoji (one with joiners),
// combining marks, and everything header syntax treats specially.
const std::vector<std::string>& pieces() {
    static const std::vector<std::string> all = {
        "a",
        "Word",
        "x",
        " ",
        " ",
        "  ",
        "\t",
        "\xc3\xa9",
        "e\xcc\x81",
        "\xe2\x82\xac",
        "\xf0\x9f\x98\x80",
        "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa7",
        "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e",
        "\xd8\xb9\xd8\xb1\xd8\xa8\xd9\x8a",
        "\xd0\x96",
        "\"",
        "\\",
        ";",
        ",",
        "=",
        "?",
        "=?",
        "?=",
        "_",
        "(",
        ")",
        "<",
        ">",
        "@",
        ":",
        ".",
        "'",
        "%",
        "*",
        "[",
        "]",
        "\x01",
        std::string(40, 'L'),
        "=?UTF-8?Q?x?="};
    return all;
}

std::string random_text(std::mt19937& rng, std::size_t max_pieces) {
    std::string s;
    const std::size_t n = 1 + rng() % max_pieces;
    for (std::size_t i = 0; i < n; ++i) {
        s += pieces()[rng() % pieces().size()];
    }
    return s;
}

std::vector<std::string> edge_texts() {
    return {"Hello",
            "caf\xc3\xa9",
            " leading and trailing ",
            "   ",
            "tab\tseparated\t",
            "a  b   c",
            "\xf0\x9f\x98\x80\xf0\x9f\x98\x80 \xf0\x9f\x98\x80",
            "e\xcc\x81\xcc\x81\xcc\x81 combining",
            std::string(200, 'x'),
            "https://example.com/" + std::string(120, 'p') + "?q=1&r=2",
            "\"quoted\" \\back\\slash; semi=colon? under_score",
            "=?UTF-8?B?Zm9v?= not really",
            "x=?y?=z",
            "Re: [list] \xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82 \xe4\xb8\x96\xe7\x95\x8c",
            "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe3\x81\xae\xe4\xbb\xb6\xe5\x90\x8d\xe3\x81\xa7"
            "\xe3\x81\x99\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe3\x81\xae\xe4\xbb\xb6\xe5\x90\x8d"
            "\xe3\x81\xa7\xe3\x81\x99\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe3\x81\xae"};
}

std::vector<Decoded> decode_all(const std::vector<DecodeRequest>& requests) {
    const auto results = test::python_decode(requests);
    EXPECT_TRUE(results.has_value()) << "mime_decode.py failed (see stderr)";
    return results.value_or(std::vector<Decoded>(requests.size()));
}

#define SKIP_WITHOUT_PYTHON()                                                         \
    if (!test::python_available()) {                                                  \
        GTEST_SKIP() << test::system_python << " is missing: no round trip possible"; \
    }

TEST(MimeRoundTrip, UnstructuredFieldsDecodeToTheExactText) {
    SKIP_WITHOUT_PYTHON();
    std::vector<std::string> texts = edge_texts();
    std::mt19937 rng(2047);
    for (int i = 0; i < 400; ++i) {
        texts.push_back(random_text(rng, 40));
    }
    std::vector<DecodeRequest> requests;
    for (const std::string& text : texts) {
        for (const bool utf8 : {false, true}) {
            std::error_code ec;
            const std::string field = encode_unstructured("Subject", text, {.utf8 = utf8}, ec);
            ASSERT_FALSE(ec) << text;
            requests.push_back(
                {utf8 ? "unstructured8" : "unstructured", "Subject", field + "\r\n"});
        }
    }
    const std::vector<Decoded> results = decode_all(requests);
    for (std::size_t i = 0; i < requests.size(); ++i) {
        ASSERT_EQ(results[i].values.size(), 1u);
        EXPECT_EQ(results[i].values[0], texts[i / 2]) << requests[i].raw;
        EXPECT_EQ(results[i].defects, 0) << requests[i].raw;
    }
}

// Python's modern address parser departs from RFC 2047 in two ways the
// checks allow for, and its older decoder (email.header, which follows the
// RFC) checks every encoded name exactly as well:
//   - before 3.14 (gh-128110) it keeps the white space between two adjacent
//     encoded-words of a display name (RFC 2047 6.2 says to drop it);
//   - it reads a run of white space in a decoded name as one space, as if
//     the text had been written plain (RFC 5322 3.2.2).
bool has_adjacent_encoded_words(std::string_view text) {
    const std::size_t end = text.find("?=");
    if (end == std::string_view::npos) {
        return false;
    }
    const std::size_t next = text.find_first_not_of(" \t\r\n", end + 2);
    return (next != std::string_view::npos && text.substr(next, 2) == "=?") ||
           has_adjacent_encoded_words(text.substr(end + 2));
}

std::string white_runs_as_one_space(std::string_view s) {
    std::string out;
    for (const char c : s) {
        const bool white = c == ' ' || c == '\t';
        if (!white || out.empty() || out.back() != ' ') {
            out += white ? ' ' : c;
        }
    }
    return out;
}

bool has_control(std::string_view s) {
    return std::any_of(s.begin(), s.end(), [](char c) {
        return (static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f;
    });
}

TEST(MimeRoundTrip, AddressFieldsDecodeToTheExactNamesAndAddresses) {
    SKIP_WITHOUT_PYTHON();
    std::vector<std::string> names = edge_texts();
    names.push_back("");
    names.push_back("Smith, John");
    names.push_back("John Q. Public");
    std::mt19937 rng(5322);
    for (int i = 0; i < 300; ++i) {
        names.push_back(random_text(rng, 12));
    }
    constexpr std::string_view first = "first@example.com";
    struct Case {
        std::string name;
        std::string phrase;  // the name as written in the field
    };
    std::vector<Case> cases;
    std::vector<DecodeRequest> requests;  // per case: the field, then the phrase alone
    for (const std::string& name : names) {
        for (const bool utf8 : {false, true}) {
            const std::vector<MailboxRef> boxes = {{name, first}, {"Second", "second@example.org"}};
            std::error_code ec;
            const std::string field =
                encode_address_field("To", std::span<const MailboxRef>(boxes), {.utf8 = utf8}, ec);
            ASSERT_FALSE(ec) << name;
            const std::string unfolded = test::unfold(field);
            cases.push_back({name, unfolded.substr(4, unfolded.find(" <first@") - 4)});
            requests.push_back({utf8 ? "addresses8" : "addresses", "To", field + "\r\n"});
            requests.push_back({"words", "-", cases.back().phrase});
        }
    }
    // The words request only means something for encoded names.
    std::vector<DecodeRequest> sent;
    for (std::size_t i = 0; i < requests.size(); ++i) {
        if (i % 2 == 0 || cases[i / 2].phrase.starts_with("=?")) {
            sent.push_back(requests[i]);
        }
    }
    const std::vector<Decoded> results = decode_all(sent);
    std::size_t next = 0;
    std::size_t adjacent = 0;
    for (const Case& c : cases) {
        const Decoded& field = results.at(next++);
        const bool encoded = c.phrase.starts_with("=?");
        ASSERT_EQ(field.values.size(), 4u) << c.phrase;
        if (!has_adjacent_encoded_words(c.phrase)) {
            EXPECT_EQ(field.values[0], encoded ? white_runs_as_one_space(c.name) : c.name)
                << c.phrase;
        } else {
            ++adjacent;
        }
        const std::vector<std::string> rest(field.values.begin() + 1, field.values.end());
        EXPECT_EQ(rest,
                  (std::vector<std::string>{std::string(first), "Second", "second@example.org"}))
            << c.phrase;
        // Python flags control characters in a display name.
        EXPECT_EQ(field.defects, has_control(c.name) ? 1 : 0) << c.phrase;
        if (encoded) {
            EXPECT_EQ(results.at(next++).values, std::vector<std::string>{c.name}) << c.phrase;
        }
    }
    EXPECT_GT(adjacent, 10u) << "names long enough for several words were tried";
}

// get_filename() strips white space at either end, whatever the encoding.
std::string strip(std::string_view s) {
    const std::size_t first = s.find_first_not_of(" \t");
    const std::size_t last = s.find_last_not_of(" \t");
    return first == std::string_view::npos ? "" : std::string(s.substr(first, last - first + 1));
}

// get_filename() also unquotes its result once more (email.utils.unquote in
// collapse_rfc2231_value), so a name that is itself "..." or <...> comes
// back altered from any encoding; Content-Type's name= is checked for those.
bool python_unquotes(std::string_view name) {
    const std::string s = strip(name);
    return s.size() >= 2 &&
           ((s.front() == '"' && s.back() == '"') || (s.front() == '<' && s.back() == '>'));
}

TEST(MimeRoundTrip, ParametersDecodeToTheExactFileName) {
    SKIP_WITHOUT_PYTHON();
    std::vector<std::string> names = edge_texts();
    names.push_back("report.pdf");
    names.push_back("100% done*'.txt");
    names.push_back("'quote");
    names.push_back("\"quoted\"");
    std::mt19937 rng(2231);
    for (int i = 0; i < 300; ++i) {
        names.push_back(random_text(rng, 30));
    }
    std::vector<DecodeRequest> requests;
    for (const std::string& name : names) {
        for (const bool utf8 : {false, true}) {
            std::error_code ec;
            const std::vector<Parameter> type_params = {{"name", name, true}};
            const std::vector<Parameter> disposition_params = {{"filename", name}};
            const std::string raw =
                encode_parameter_field("Content-Type", "application/octet-stream", type_params,
                                       {.utf8 = utf8}, ec) +
                encode_parameter_field("Content-Disposition", "attachment", disposition_params,
                                       {.utf8 = utf8}, ec) +
                "\r\n";
            ASSERT_FALSE(ec) << name;
            requests.push_back({utf8 ? "filename8" : "filename", "-", raw});
            requests.push_back({utf8 ? "param8" : "param", "Content-Type/name", raw});
        }
    }
    const std::vector<Decoded> results = decode_all(requests);
    std::size_t unquoted = 0;
    for (std::size_t i = 0; i < requests.size(); ++i) {
        const std::string& name = names[i / 4];
        const bool filename = i % 2 == 0;
        ASSERT_EQ(results[i].values.size(), 1u);
        if (filename && python_unquotes(name)) {
            ++unquoted;
        } else {
            EXPECT_EQ(results[i].values[0], filename ? strip(name) : name) << requests[i].raw;
        }
        // Encoded-words in a quoted string (the name= for old readers) are
        // not standard, and Python says so; the filename has no defect.
        const bool rfc2047_name =
            !filename && requests[i].raw.find("name=\"=?") != std::string::npos;
        if (!rfc2047_name) {
            EXPECT_EQ(results[i].defects, 0) << requests[i].raw;
        }
    }
    EXPECT_LT(unquoted, requests.size() / 20);
}

std::string random_bytes(std::mt19937& rng, std::size_t n, bool texty) {
    static const std::string text_pieces[] = {"a", "b", " ",     "\t",       "\r\n", "\n",   "\r",
                                              "=", ".", "From ", "\xc3\xa9", "x",    "line "};
    std::string s;
    while (s.size() < n) {
        s += texty ? text_pieces[rng() % std::size(text_pieces)]
                   : std::string(1, static_cast<char>(rng() & 0xff));
    }
    return s;
}

// Text mode writes every line break, CRLF or bare LF, as CRLF; a bare CR is
// data.
std::string crlf_lines(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) {
            out += '\r';
        }
        out += text[i];
    }
    return out;
}

TEST(MimeRoundTrip, BodiesDecodeToTheExactOctets) {
    SKIP_WITHOUT_PYTHON();
    std::mt19937 rng(2045);
    std::vector<std::string> bodies = {
        "", "x", "\r\n", "From the start", ".", "end with space ", "trailing\t\r\nwhite \nspace  "};
    for (int i = 0; i < 150; ++i) {
        bodies.push_back(random_bytes(rng, rng() % 3000, i % 2 == 0));
    }
    std::vector<DecodeRequest> requests;
    for (const std::string& body : bodies) {
        std::string b64;
        Base64Encoder base64;
        base64.encode(body, b64);
        base64.finish(b64);
        requests.push_back({"body", "-", "Content-Transfer-Encoding: base64\r\n\r\n" + b64});
        for (const auto mode :
             {QuotedPrintableEncoder::Mode::text, QuotedPrintableEncoder::Mode::binary}) {
            std::string qp;
            QuotedPrintableEncoder encoder(mode);
            encoder.encode(body, qp);
            encoder.finish(qp);
            requests.push_back(
                {"body", "-", "Content-Transfer-Encoding: quoted-printable\r\n\r\n" + qp});
        }
    }
    const std::vector<Decoded> results = decode_all(requests);
    for (std::size_t i = 0; i < requests.size(); ++i) {
        const std::string& body = bodies[i / 3];
        ASSERT_EQ(results[i].values.size(), 1u);
        const std::string want = i % 3 == 1 ? crlf_lines(body) : body;
        EXPECT_EQ(results[i].values[0], want) << "case " << i / 3 << " encoding " << i % 3;
        EXPECT_EQ(results[i].defects, 0) << i;
    }
}

}  // namespace
}  // namespace smtpkit::message
