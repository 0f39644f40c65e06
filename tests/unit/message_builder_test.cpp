// The message builder, read back by an independent MIME parser: Python's
// email package with its default policy (tests/data/parse_mime.py, run with
// /usr/bin/python3). Every test checks what a mail reader would see: the
// structure, the headers decoded to the same text, attachment names and
// bytes identical, Bcc absent, no line over 998 octets.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "common/python_mime.hpp"
#include "smtpkit/error.hpp"
#include "smtpkit/message.hpp"

namespace smtpkit {
namespace {

using Json = nlohmann::json;
namespace fs = std::filesystem;

// A scratch directory for the test's files, removed afterwards.
class Scratch {
  public:
    Scratch() {
        std::string tmpl = (fs::temp_directory_path() / "smtpkit-msg-XXXXXX").string();
        dir_ = ::mkdtemp(tmpl.data());
    }
    ~Scratch() {
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }
    fs::path write(const std::string& name, const std::string& content) const {
        const fs::path p = dir_ / name;
        std::ofstream(p, std::ios::binary) << content;
        return p;
    }
    const fs::path& dir() const { return dir_; }

  private:
    fs::path dir_;
};

Json parse_with_python(const std::string& raw) {
    return test::parse_mime_with_python(raw);
}

std::string base64_decode(const std::string& text) {
    return test::decode_part_bytes(text);
}

std::string lf(std::string s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n') {
            continue;
        }
        out += s[i];
    }
    return out;
}

const Json* find_part(const Json& node, const std::string& type) {
    return test::find_mime_part(node, type);
}

std::vector<std::string> child_types(const Json& node) {
    std::vector<std::string> out;
    for (const Json& child : node["parts"]) {
        out.push_back(child["type"]);
    }
    return out;
}

// Every header line within 78 octets where it can be, and every line of the
// message within RFC 5322's 998.
void expect_wire_limits(const std::string& raw, const Json& parsed) {
    EXPECT_LE(parsed["longest_line"].get<int>(), 998);
    EXPECT_EQ(parsed["bare_lf"].get<int>(), 0);
    const std::string head = raw.substr(0, raw.find("\r\n\r\n"));
    std::size_t start = 0;
    while (start < head.size()) {
        std::size_t end = head.find("\r\n", start);
        if (end == std::string::npos) {
            end = head.size();
        }
        EXPECT_LE(end - start, 78u) << head.substr(start, end - start);
        start = end + 2;
    }
    EXPECT_TRUE(parsed["defects"].empty()) << parsed["defects"];
}

const auto when = std::chrono::system_clock::from_time_t(1764660000);

TEST(MessageBuilder, TextMessageWithUtf8SubjectAndNamesReadsBackTheSame) {
    Message m;
    m.from("Jörg Müller <joerg@example.com>")
        .to("\"Doe, Jane\" <jane@example.org>, bob@example.net")
        .cc("Carol <carol@example.org>")
        .bcc("hidden@example.com")
        .subject(
            "Grüße aus Köln – ein sehr langer Betreff, der über mehrere Zeilen gefaltet "
            "werden muss, weil er so lang ist 🎉")
        .date(when)
        .text("Hallo Jane,\nwie geht's?\n");
    const std::string raw = m.to_string();
    const Json p = parse_with_python(raw);
    EXPECT_EQ(p["subject"],
              "Grüße aus Köln – ein sehr langer Betreff, der über mehrere Zeilen "
              "gefaltet werden muss, weil er so lang ist 🎉");
    EXPECT_EQ(p["from"][0]["name"], "Jörg Müller");
    EXPECT_EQ(p["from"][0]["address"], "joerg@example.com");
    EXPECT_EQ(p["to"][0]["name"], "Doe, Jane");
    EXPECT_EQ(p["to"][1]["address"], "bob@example.net");
    EXPECT_EQ(p["cc"][0]["name"], "Carol");
    EXPECT_TRUE(p["bcc"].is_null());  // never written
    EXPECT_EQ(raw.find("hidden@example.com"), std::string::npos);
    EXPECT_EQ(p["body"]["type"], "text/plain");
    EXPECT_EQ(p["body"]["charset"], "utf-8");
    EXPECT_EQ(lf(p["body"]["text"]), "Hallo Jane,\nwie geht's?\n");
    EXPECT_NE(p["message_id"].get<std::string>().find("@example.com>"), std::string::npos);
    expect_wire_limits(raw, p);
}

TEST(MessageBuilder, TextAndHtmlWithAnInlineImageAndAPdf) {
    Scratch s;
    std::string png(3000, '\0');
    std::string pdf = "%PDF-1.4\n";
    std::mt19937 random(42);
    for (char& c : png) {
        c = static_cast<char>(random());
    }
    pdf.append(100000, 'p');
    pdf[50] = '\0';
    const fs::path logo = s.write("logo.png", png);
    const fs::path report = s.write("Bericht März.pdf", pdf);
    Message m;
    m.from("me@example.com")
        .to("you@example.org")
        .subject("Report")
        .text("See the report.")
        .html("<p>See the report. <img src=\"cid:logo@smtpkit\"></p>")
        .embed_file(logo, "logo@smtpkit")
        .attach_file(report);
    const std::string raw = m.to_string();
    const Json p = parse_with_python(raw);
    ASSERT_EQ(p["body"]["type"], "multipart/mixed");
    EXPECT_EQ(child_types(p["body"]),
              (std::vector<std::string>{"multipart/alternative", "application/pdf"}));
    const Json& alternative = p["body"]["parts"][0];
    EXPECT_EQ(child_types(alternative),
              (std::vector<std::string>{"text/plain", "multipart/related"}));
    EXPECT_EQ(child_types(alternative["parts"][1]),
              (std::vector<std::string>{"text/html", "image/png"}));
    const Json* image = find_part(p["body"], "image/png");
    ASSERT_NE(image, nullptr);
    EXPECT_EQ((*image)["content_id"], "<logo@smtpkit>");
    EXPECT_EQ((*image)["disposition"], "inline");
    EXPECT_EQ(base64_decode((*image)["bytes"]), png);
    const Json* attachment = find_part(p["body"], "application/pdf");
    ASSERT_NE(attachment, nullptr);
    EXPECT_EQ((*attachment)["filename"], "Bericht März.pdf");
    EXPECT_EQ((*attachment)["disposition"], "attachment");
    EXPECT_EQ(base64_decode((*attachment)["bytes"]), pdf);
    expect_wire_limits(raw, p);
}

TEST(MessageBuilder, TextEncodingFollowsTheContentAndTheServer) {
    const std::string ascii = "plain ascii\nlines\n";
    const std::string utf8 = "Grüße aus Köln: this text is mostly plain ASCII.\n";
    const std::string long_line(2000, 'x');
    for (bool eight_bit : {false, true}) {
        for (const std::string& body : {ascii, utf8, long_line}) {
            Message m;
            m.from("a@example.com").to("b@example.org").text(body);
            const std::string raw = m.to_string({.smtputf8 = false, .eight_bit = eight_bit});
            const Json p = parse_with_python(raw);
            EXPECT_EQ(lf(p["body"]["text"]), body == long_line ? body + "\n" : body);
            const std::string encoding = p["body"]["encoding"];
            if (body == ascii) {
                EXPECT_EQ(encoding, "7bit");
            } else if (body == utf8) {
                EXPECT_EQ(encoding, eight_bit ? "8bit" : "quoted-printable");
            } else {
                EXPECT_NE(encoding, "7bit");  // no line over 998 octets
            }
            expect_wire_limits(raw, p);
            EXPECT_EQ(m.source({.smtputf8 = false, .eight_bit = eight_bit}).content_class(),
                      encoding == "8bit" ? ContentClass::eight_bit : ContentClass::seven_bit);
        }
    }
}

TEST(MessageBuilder, SizeIsKnownAndTheSourceRestarts) {
    Scratch s;
    const fs::path file = s.write("data.bin", std::string(123457, 'z'));
    Message m;
    m.from("a@example.com").to("b@example.org").text("x").attach_file(file);
    const MessageSource source = m.source();
    ASSERT_TRUE(source.size().has_value());
    EXPECT_TRUE(source.restartable());
    std::string first;
    std::string second;
    for (std::string* out : {&first, &second}) {
        std::error_code ec;
        MessageSource::Reader reader = source.open(ec);
        ASSERT_FALSE(ec);
        char buf[4096];
        while (const std::size_t n = reader(buf, sizeof buf, ec)) {
            out->append(buf, n);
        }
        ASSERT_FALSE(ec);
    }
    EXPECT_EQ(first.size(), *source.size());
    EXPECT_EQ(first, second);  // the same Message-ID, Date and boundaries each time
}

TEST(MessageBuilder, AStreamPartMakesTheMessageOneShotOfUnknownSize) {
    auto stream = std::make_shared<std::istringstream>(std::string(5000, 's'));
    Message m;
    m.from("a@example.com")
        .to("b@example.org")
        .attach(MimePart::stream(MessageSource::from_stream(*stream), "application/octet-stream",
                                 "s.bin"));
    const MessageSource source = m.source();
    EXPECT_FALSE(source.restartable());
    EXPECT_FALSE(source.size().has_value());
    const Json p = parse_with_python(m.to_string());
    const Json* part = find_part(p["body"], "application/octet-stream");
    ASSERT_NE(part, nullptr);
    EXPECT_EQ(base64_decode((*part)["bytes"]), std::string(5000, 's'));
}

TEST(MessageBuilder, ForwardedMessageIsMessageRfc822) {
    Message inner;
    inner.from("x@example.com").to("y@example.org").subject("Inner Grüße").text("inside");
    Message outer;
    outer.from("a@example.com").to("b@example.org").subject("Fwd").text("see below");
    outer.attach(MimePart::message(inner));
    const Json p = parse_with_python(outer.to_string());
    const Json* forwarded = find_part(p["body"], "message/rfc822");
    ASSERT_NE(forwarded, nullptr);
    EXPECT_EQ((*forwarded)["message"]["subject"], "Inner Grüße");
}

TEST(MessageBuilder, AnyStructurePartByPart) {
    Message m;
    m.from("a@example.com").to("b@example.org");
    m.body(MimePart::multipart(
        "mixed",
        {MimePart::text("one"),
         MimePart::multipart("alternative", {MimePart::text("two"), MimePart::html("<b>two</b>")}),
         MimePart::bytes("raw", "application/x-thing", "t.bin")
             .description("A thing – with a description")}));
    const Json p = parse_with_python(m.to_string());
    EXPECT_EQ(
        child_types(p["body"]),
        (std::vector<std::string>{"text/plain", "multipart/alternative", "application/x-thing"}));
}

TEST(MessageBuilder, LongAndStrangeFileNamesUseRfc2231) {
    const std::string name =
        "Ein sehr langer Dateiname mit Umlauten äöü und Zeichen ; = \" ' "
        "und noch viel mehr Text, damit er umbrochen werden muss.txt";
    Message m;
    m.from("a@example.com")
        .to("b@example.org")
        .attach(MimePart::bytes("hello", "text/plain", name));
    const std::string raw = m.to_string();
    const Json p = parse_with_python(raw);
    const Json* part = find_part(p["body"], "text/plain");
    ASSERT_NE(part, nullptr);
    EXPECT_EQ((*part)["filename"], name);
    expect_wire_limits(raw, p);
}

TEST(MessageBuilder, EnvelopeComesFromTheHeaders) {
    Message m;
    m.from("Me <me@example.com>")
        .to("a@example.org, B <b@example.org>")
        .cc("a@example.org, c@bücher.example")
        .bcc("d@example.net");
    const Envelope e = m.envelope();
    EXPECT_EQ(e.from, "me@example.com");
    std::vector<std::string> to;
    for (const Recipient& r : e.to) {
        to.push_back(r.address);
    }
    // Each address once; the IDN domain as its A-label.
    EXPECT_EQ(to, (std::vector<std::string>{"a@example.org", "b@example.org",
                                            "c@xn--bcher-kva.example", "d@example.net"}));
    EXPECT_EQ(m.envelope(true).to[2].address, "c@bücher.example");
    m.sender("Secretary <sec@example.com>");
    EXPECT_EQ(m.envelope().from, "sec@example.com");
}

TEST(MessageBuilder, InjectionIsRefusedBeforeAnythingIsBuilt) {
    Message m;
    const auto refused = [](auto&& call, error expected) {
        try {
            call();
            ADD_FAILURE() << "accepted";
        } catch (const system_error& e) {
            EXPECT_EQ(e.code(), expected) << e.what();
        }
    };
    refused([&] { m.subject("hi\r\nBcc: victim@example.com"); }, error::invalid_header);
    refused([&] { m.subject(std::string("nul\0here", 8)); }, error::invalid_header);
    refused([&] { m.to("a@example.org\r\nRCPT TO:<x@y>"); }, error::invalid_character);
    refused([&] { m.header("X-Bad Name", "v"); }, error::invalid_header);
    refused([&] { m.header("X-Ok", "v\nInjected: yes"); }, error::invalid_header);
    refused([&] { m.header("Bcc", "x@example.com"); }, error::invalid_header);
    refused([&] { m.message_id("<a@b>\r\n"); }, error::invalid_header);
    refused([&] { MimePart::bytes("x", "text/plain", "a\r\nb.txt"); }, error::invalid_header);
    refused([&] { MimePart::bytes("x", "text/plain\r\nX: y"); }, error::invalid_header);
    refused([&] { m.to("bad@@example.org"); }, error::invalid_address_list);
    EXPECT_TRUE(m.to().empty());
}

// Ids are written as they are, in US-ASCII whatever the server takes: an id
// those fields cannot carry (8-bit, a control character) is refused when it
// is set, not by an exception from rendering at send time (found by
// fuzz_mime_builder).
TEST(MessageBuilder, IdsTheFieldsCannotCarryAreRefusedWhenSet) {
    Message m;
    const auto refused = [](auto&& call) {
        try {
            call();
            ADD_FAILURE() << "accepted";
        } catch (const system_error& e) {
            EXPECT_EQ(e.code(), error::invalid_header) << e.what();
        }
    };
    refused([&] { m.message_id("<\xC3\xBC@example.org>"); });
    refused([&] { m.in_reply_to("a\x01@example.org"); });
    refused([&] { m.references({"ok@example.org", "b\x7F@example.org"}); });
    MimePart part = MimePart::bytes("x", "image/png", "x.png");
    refused([&] { part.content_id("l\xC3\xB6go@example.org"); });
    refused([&] { part.content_id("logo\x1B@example.org"); });

    m.from("a@example.com")
        .to("b@example.org")
        .message_id("<ok.1@example.org>")
        .in_reply_to("orig!#$%&'*+-/=?^_`{|}~@[x]")
        .html("<img src=\"cid:logo@x\">")
        .embed(MimePart::bytes("x", "image/png", "x.png").content_id("logo@x"));
    EXPECT_NO_THROW(m.to_string());
    EXPECT_NO_THROW(m.to_string(RenderOptions{.smtputf8 = true, .eight_bit = true}));
}

TEST(MessageBuilder, ExtraHeadersAndThreadingFields) {
    Message m;
    m.from("a@example.com")
        .to("b@example.org")
        .in_reply_to("<orig@example.org>")
        .references({"<first@example.org>", "orig@example.org"})
        .header("X-Mailer-Note", "made with smtpkit – ünïcödé")
        .reply_to("Help <help@example.com>")
        .text("x");
    const std::string raw = m.to_string();
    const Json p = parse_with_python(raw);
    EXPECT_NE(raw.find("In-Reply-To: <orig@example.org>"), std::string::npos);
    EXPECT_NE(raw.find("References: <first@example.org> <orig@example.org>"), std::string::npos);
    EXPECT_EQ(p["reply_to"][0]["address"], "help@example.com");
    bool found = false;
    for (const Json& h : p["body"]["headers"]) {
        if (h[0] == "X-Mailer-Note") {
            EXPECT_EQ(h[1], "made with smtpkit – ünïcödé");
            found = true;
        }
    }
    EXPECT_TRUE(found);
}

TEST(MessageBuilder, Smtputf8WritesRawUtf8) {
    Message m;
    m.from("Jörg <jörg@bücher.example>").to("ann@example.org").subject("Grüße").text("x");
    EXPECT_TRUE(m.needs_smtputf8());
    const std::string raw = m.to_string({.smtputf8 = true, .eight_bit = true});
    EXPECT_NE(raw.find("Subject: Grüße\r\n"), std::string::npos);
    EXPECT_NE(raw.find("jörg@bücher.example"), std::string::npos);
    EXPECT_TRUE(m.source({.smtputf8 = true, .eight_bit = true}).eight_bit_headers());
    const Json p = parse_with_python(raw);
    EXPECT_EQ(p["subject"], "Grüße");
}

}  // namespace
}  // namespace smtpkit
