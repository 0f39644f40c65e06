#include "message/quoted_printable.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace smtpkit::message {
namespace {

using namespace std::string_literals;
using Mode = QuotedPrintableEncoder::Mode;

std::string qp(std::string_view input, Mode mode = Mode::text, std::size_t chunk = 1 << 20) {
    QuotedPrintableEncoder encoder(mode);
    std::string out;
    for (std::size_t pos = 0; pos < input.size(); pos += chunk) {
        encoder.encode(input.substr(pos, chunk), out);
    }
    encoder.finish(out);
    return out;
}

struct Vector {
    std::string input;
    std::string text;    // text mode
    std::string binary;  // binary mode
};

TEST(QuotedPrintable, EncodesKnownVectors) {
    const std::vector<Vector> vectors = {
        {"", "", ""},
        {"Hello, world!", "Hello, world!", "Hello, world!"},
        {"a=b", "a=3Db", "a=3Db"},                  // rule 1: '=' itself
        {"caf\xc3\xa9", "caf=C3=A9", "caf=C3=A9"},  // octets >= 128
        {"a\tb c", "a\tb c", "a\tb c"},             // inner white space stays
        {"end ", "end=20", "end=20"},               // rule 3: at the end of the input
        {"end\t", "end=09", "end=09"},
        {"a \r\nb", "a=20\r\nb", "a =0D=0Ab"},  // before a line break
        {"a \nb", "a=20\r\nb", "a =0Ab"},       // bare LF: a line break in text
        {"a\rb", "a=0Db", "a=0Db"},             // bare CR: data
        {"a\r", "a=0D", "a=0D"},
        {"line1\r\nline2\r\n", "line1\r\nline2\r\n", "line1=0D=0Aline2=0D=0A"},
        {"x\n\ny", "x\r\n\r\ny", "x=0A=0Ay"},
        {".", "=2E", "=2E"},  // a line of "." would end DATA
        {"a\n.b\n", "a\r\n=2Eb\r\n", "a=0A.b=0A"},
        {"From here", "=46rom here", "=46rom here"},  // mbox "From " quoting
        {"x\nFrom y", "x\r\n=46rom y", "x=0AFrom y"},
        {"Fro", "Fro", "Fro"},
        {"From", "From", "From"},
        {"Frog ", "Frog=20", "Frog=20"},
        {"a.From ", "a.From=20", "a.From=20"},
        {"\x00\x7f"s, "=00=7F", "=00=7F"},
        {"_?", "_?", "_?"},
    };
    for (const Vector& v : vectors) {
        EXPECT_EQ(qp(v.input, Mode::text), v.text) << v.input;
        EXPECT_EQ(qp(v.input, Mode::binary), v.binary) << v.input;
    }
}

// RFC 2045 6.7 rule 5: soft line breaks keep lines within 76 characters.
TEST(QuotedPrintable, BreaksLongLinesSoftly) {
    const std::string a75(75, 'a');
    EXPECT_EQ(qp(a75), a75);
    EXPECT_EQ(qp(a75 + "b"), a75 + "=\r\nb");
    EXPECT_EQ(qp(std::string(150, 'a')), a75 + "=\r\n" + a75);
    EXPECT_EQ(qp(std::string(151, 'a')), a75 + "=\r\n" + a75 + "=\r\na");
    // An escape never straddles the break.
    EXPECT_EQ(qp(std::string(73, 'a') + "="), std::string(73, 'a') + "=\r\n=3D");
    EXPECT_EQ(qp(std::string(72, 'a') + "="), std::string(72, 'a') + "=3D");
    // What would start a line after a soft break is protected there too.
    EXPECT_EQ(qp(a75 + ".x"), a75 + "=\r\n=2Ex");
    EXPECT_EQ(qp(a75 + "From x"), a75 + "=\r\n=46rom x");
    EXPECT_EQ(qp(std::string(74, 'a') + ".x"), std::string(74, 'a') + ".=\r\nx");
    // White space before a soft break is followed by '=': not trailing.
    EXPECT_EQ(qp(std::string(74, 'a') + " b"), std::string(74, 'a') + " =\r\nb");
}

std::string random_text(std::size_t n, std::mt19937& rng) {
    // Weighted towards what the encoder treats specially.
    static const std::vector<std::string> atoms = {
        "a",    "b", " ", "\t",    "\r\n",     "\n",           "\r",
        "=",    ".", "F", "From ", "\xc3\xa9", "\xe2\x82\xac", "\x00"s,
        "\xff", "x", "y", "z",     "hello ",   "world"};
    std::string s;
    while (s.size() < n) {
        s += atoms[rng() % atoms.size()];
    }
    return s;
}

void expect_line_limits(const std::string& out, const std::string& context) {
    std::size_t pos = 0;
    while (pos <= out.size()) {
        std::size_t end = out.find("\r\n", pos);
        if (end == std::string::npos) {
            end = out.size();
        }
        const std::string_view line(out.data() + pos, end - pos);
        EXPECT_LE(line.size(), 76u) << context;
        if (!line.empty()) {
            EXPECT_NE(line.front(), '.') << context;
            EXPECT_NE(line.substr(0, 5), "From ") << context;
            const char last = line.back();
            if (end < out.size() || line.back() != '=') {
                EXPECT_TRUE(last != ' ' && last != '\t') << context;
            }
        }
        for (const char c : line) {
            const auto octet = static_cast<unsigned char>(c);
            EXPECT_TRUE(octet == '\t' || (octet >= 0x20 && octet < 0x7f)) << context;
        }
        pos = end + 2;
    }
}

TEST(QuotedPrintable, LinesStayWithinTheRulesForRandomInput) {
    std::mt19937 rng(7);
    for (int i = 0; i < 300; ++i) {
        const std::string input = random_text(rng() % 400, rng);
        for (Mode mode : {Mode::text, Mode::binary}) {
            const std::string out = qp(input, mode);
            expect_line_limits(out, "case " + std::to_string(i));
            for (std::size_t at = out.find_first_of("\r\n");
                 mode == Mode::binary && at != std::string::npos;
                 at = out.find_first_of("\r\n", at + 2)) {
                ASSERT_TRUE(at > 0 && out[at - 1] == '=' && out.compare(at, 2, "\r\n") == 0)
                    << "binary mode has soft line breaks only";
            }
        }
    }
}

TEST(QuotedPrintable, OutputDoesNotDependOnHowTheInputIsSplit) {
    std::mt19937 rng(11);
    for (int i = 0; i < 12; ++i) {
        const std::string input = random_text(200, rng);
        for (Mode mode : {Mode::text, Mode::binary}) {
            const std::string expected = qp(input, mode);
            for (std::size_t chunk = 1; chunk <= input.size(); ++chunk) {
                ASSERT_EQ(qp(input, mode, chunk), expected) << "chunks of " << chunk;
            }
        }
    }
}

TEST(QuotedPrintable, OutputDoesNotDependOnUnevenSplits) {
    std::mt19937 rng(13);
    for (int i = 0; i < 200; ++i) {
        const std::string input = random_text(300, rng);
        QuotedPrintableEncoder encoder;
        std::string out;
        for (std::size_t pos = 0; pos < input.size();) {
            const std::size_t n = rng() % 9;
            encoder.encode(std::string_view(input).substr(pos, n), out);
            pos += n;
        }
        encoder.finish(out);
        ASSERT_EQ(out, qp(input)) << i;
    }
}

TEST(QuotedPrintable, EncodedSizeMatchesTheOutput) {
    std::mt19937 rng(17);
    for (int i = 0; i < 100; ++i) {
        const std::string input = random_text(rng() % 50'000, rng);
        for (Mode mode : {Mode::text, Mode::binary}) {
            EXPECT_EQ(QuotedPrintableEncoder::encoded_size(input, mode), qp(input, mode).size());
        }
    }
    EXPECT_EQ(QuotedPrintableEncoder::encoded_size(""), 0u);
}

TEST(QuotedPrintable, IsFreshAfterFinish) {
    QuotedPrintableEncoder encoder;
    std::string out;
    encoder.encode(std::string(70, 'a') + " F", out);
    encoder.finish(out);
    const std::string first = out;
    out.clear();
    encoder.encode(std::string(70, 'a') + " F", out);
    encoder.finish(out);
    EXPECT_EQ(out, first);
}

}  // namespace
}  // namespace smtpkit::message
