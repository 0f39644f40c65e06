// Reading a message's header section: endings, folding, limits, malformed
// sections, byte-exact Bcc removal, recipients with and without Resent-*
// blocks, and the checks for caller-supplied header fields.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "smtpkit/error.hpp"
#include "smtpkit/header_field.hpp"
#include "smtpkit/header_reader.hpp"

namespace smtpkit {
namespace {

using namespace std::string_literals;
using Fields = std::vector<HeaderField>;

HeaderSection read_ok(std::string_view message, const HeaderLimits& limits = {}) {
    std::error_code ec;
    ParseError where;
    HeaderSection section = read_header_section(message, ec, &where, limits);
    EXPECT_FALSE(ec) << ec.message() << ": " << where.reason << " at " << where.offset;
    return section;
}

// --- reading -----------------------------------------------------------------

TEST(HeaderReader, CrlfMessage) {
    const std::string m = "From: a@x.org\r\nTo: b@y.org\r\nSubject: Hi\r\n\r\nBody\r\n";
    const HeaderSection s = read_ok(m);
    EXPECT_EQ(s.fields, (Fields{{"From", "a@x.org"}, {"To", "b@y.org"}, {"Subject", "Hi"}}));
    EXPECT_TRUE(s.complete);
    EXPECT_EQ(m.substr(s.body_offset), "Body\r\n");
}

TEST(HeaderReader, LfOnlyAndMixedEndings) {
    const std::string lf = "From: a@x.org\nSubject: Hi\n\nBody\n";
    HeaderSection s = read_ok(lf);
    EXPECT_EQ(s.fields, (Fields{{"From", "a@x.org"}, {"Subject", "Hi"}}));
    EXPECT_EQ(lf.substr(s.body_offset), "Body\n");

    const std::string mixed = "From: a@x.org\r\nSubject: Hi\n\r\nBody";
    s = read_ok(mixed);
    EXPECT_EQ(s.fields.size(), 2u);
    EXPECT_EQ(mixed.substr(s.body_offset), "Body");
}

TEST(HeaderReader, UnfoldsContinuationLines) {
    const std::string m =
        "Subject: a long\r\n  subject\r\n\tline\r\nTo: a@x.org,\n b@y.org\n\nbody";
    const HeaderSection s = read_ok(m);
    EXPECT_EQ(s.fields, (Fields{{"Subject", "a long  subject\tline"}, {"To", "a@x.org, b@y.org"}}));
}

TEST(HeaderReader, NamesAsWrittenValuesTrimmed) {
    const HeaderSection s =
        read_ok("x-MAILER:   smtpkit  \r\nSubject :odd\r\nX-Empty:\r\nX-Blank: \t \r\n\r\n");
    EXPECT_EQ(s.fields, (Fields{{"x-MAILER", "smtpkit"},
                                {"Subject", "odd"},  // obs: white space before ':'
                                {"X-Empty", ""},
                                {"X-Blank", ""}}));
}

TEST(HeaderReader, KeepsUtf8AndColonsInValues) {
    const HeaderSection s = read_ok("Subject: Grüße: 10:30\r\n\r\n");
    EXPECT_EQ(s.fields, (Fields{{"Subject", "Grüße: 10:30"}}));
}

TEST(HeaderReader, WithoutEmptyLineTheSectionRunsToTheEnd) {
    std::string m = "From: a@x.org\r\nSubject: Hi";
    HeaderSection s = read_ok(m);
    EXPECT_FALSE(s.complete);
    EXPECT_EQ(s.body_offset, m.size());
    EXPECT_EQ(s.fields, (Fields{{"From", "a@x.org"}, {"Subject", "Hi"}}));

    m = "From: a@x.org\r";  // a prefix cut inside a CRLF
    s = read_ok(m);
    EXPECT_EQ(s.fields, (Fields{{"From", "a@x.org"}}));
    EXPECT_FALSE(s.complete);
}

TEST(HeaderReader, EmptyAndHeaderlessMessages) {
    HeaderSection s = read_ok("");
    EXPECT_TRUE(s.fields.empty());
    EXPECT_FALSE(s.complete);
    EXPECT_EQ(s.body_offset, 0u);

    s = read_ok("\r\nBody");
    EXPECT_TRUE(s.fields.empty());
    EXPECT_TRUE(s.complete);
    EXPECT_EQ(s.body_offset, 2u);

    s = read_ok("\nBody");
    EXPECT_EQ(s.body_offset, 1u);
}

TEST(HeaderReader, TheBodyIsNeverRead) {
    const std::string m = "Subject: x\r\n\r\n\0\r bare CR, NUL, no colon\n\x01"s;
    const HeaderSection s = read_ok(m);
    EXPECT_EQ(s.fields.size(), 1u);
    EXPECT_EQ(s.body_offset, 14u);
}

TEST(HeaderReader, RealWorldHeader) {
    const std::string m =
        "Return-Path: <bounce@lists.example>\r\n"
        "Received: from mx.example (mx.example [192.0.2.1])\r\n"
        "\tby mail.example with ESMTPS id 4Xy; Tue, 2 Jan 2024 10:00:00 +0000\r\n"
        "DKIM-Signature: v=1; a=rsa-sha256; d=example.org; s=s1;\r\n"
        "\th=from:to:subject; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=;\r\n"
        "\tb=abc\r\n"
        "From: =?UTF-8?Q?J=C3=BCrgen?= <j@example.org>\r\n"
        "To: \"Smith, Alice\" <alice@example.com>\r\n"
        "Subject: =?UTF-8?B?SGVsbG8=?=\r\n"
        "MIME-Version: 1.0\r\n"
        "\r\n"
        "Hello\r\n";
    const HeaderSection s = read_ok(m);
    ASSERT_EQ(s.fields.size(), 7u);
    EXPECT_EQ(s.fields[1].value,
              "from mx.example (mx.example [192.0.2.1])\tby mail.example with ESMTPS id 4Xy; "
              "Tue, 2 Jan 2024 10:00:00 +0000");
    EXPECT_EQ(s.fields[2].name, "DKIM-Signature");
    EXPECT_EQ(m.substr(s.body_offset), "Hello\r\n");
    const HeaderRecipients r = header_recipients(s.fields);
    EXPECT_EQ(r.from, (Mailbox{"Jürgen", "j@example.org"}));
    EXPECT_EQ(r.to, (std::vector<Mailbox>{{"Smith, Alice", "alice@example.com"}}));
}

// --- malformed sections -------------------------------------------------------

struct Malformed {
    const char* label;
    std::string message;
    std::size_t offset;
};

TEST(HeaderReader, MalformedSections) {
    const Malformed cases[] = {
        {"no_colon", "From: a@x.org\r\nThis is not a header\r\n\r\n", 15},
        {"continuation_first", " folded: x\r\n\r\n", 0},
        {"bare_cr", "Subject: a\rb\r\n\r\n", 10},
        {"cr_before_crlf", "Subject: a\r\r\n\r\n", 10},
        {"nul", "Subject: a\0b\r\n\r\n"s, 10},
        {"space_in_name", "Bad Name: x\r\n\r\n", 0},
        {"empty_name", ": x\r\n\r\n", 0},
        {"utf8_name", "Süßes: x\r\n\r\n", 0},
        {"control_in_name", "X\x01Y: x\r\n\r\n", 0},
        {"mbox_from_line", "From someone@x.org Tue Jan  2 10:00:00 2024\nSubject: x\n\n", 0},
        {"too_long_line", "Subject: " + std::string(990, 'a') + "\r\n\r\n", 0},
        {"too_long_unterminated", "Subject: " + std::string(990, 'a'), 0},
    };
    for (const Malformed& c : cases) {
        std::error_code ec;
        ParseError where;
        const HeaderSection s = read_header_section(c.message, ec, &where);
        EXPECT_EQ(ec, error::malformed_message) << c.label;
        EXPECT_EQ(where.offset, c.offset) << c.label << ": " << where.reason;
        EXPECT_FALSE(where.reason.empty()) << c.label;
        EXPECT_TRUE(s.fields.empty()) << c.label;
        // The same section gives the same error when Bcc is to be removed.
        EXPECT_EQ(header_section_without_bcc(c.message, ec), "") << c.label;
        EXPECT_EQ(ec, error::malformed_message) << c.label;
    }
}

TEST(HeaderReader, LineLengthLimitIs998WithoutTheEnding) {
    const std::string ok = "Subject: " + std::string(998 - 9, 'a') + "\r\n\r\n";
    EXPECT_EQ(read_ok(ok).fields.size(), 1u);
    const std::string too_long = "Subject: " + std::string(998 - 8, 'a') + "\r\n\r\n";
    std::error_code ec;
    read_header_section(too_long, ec);
    EXPECT_EQ(ec, error::malformed_message);
    HeaderLimits lenient;
    lenient.max_line_length = 4096;
    EXPECT_EQ(read_ok(too_long, lenient).fields.size(), 1u);
}

TEST(HeaderReader, FieldCountAndSizeLimits) {
    std::string m;
    for (int i = 0; i < 11; ++i) {
        m += "X-N: " + std::to_string(i) + "\r\n";
    }
    m += "\r\n";
    HeaderLimits limits;
    limits.max_fields = 10;
    std::error_code ec;
    ParseError where;
    read_header_section(m, ec, &where, limits);
    EXPECT_EQ(ec, error::malformed_message);
    EXPECT_EQ(where.reason, "more fields than HeaderLimits::max_fields");
    limits.max_fields = 11;
    EXPECT_EQ(read_ok(m, limits).fields.size(), 11u);

    limits.max_size = m.size() - 1;  // the blank line counts
    read_header_section(m, ec, &where, limits);
    EXPECT_EQ(ec, error::malformed_message);
    limits.max_size = m.size();
    EXPECT_EQ(read_ok(m, limits).fields.size(), 11u);
}

TEST(HeaderReader, ThrowingFormSaysWhy) {
    try {
        read_header_section("Subject: x\r\nnot a field\r\n\r\n");
        FAIL() << "no exception";
    } catch (const system_error& e) {
        EXPECT_EQ(e.code(), error::malformed_message);
        EXPECT_NE(std::string(e.what()).find("at offset 12"), std::string::npos) << e.what();
    }
    EXPECT_THROW(header_section_without_bcc(" x\r\n"), system_error);
}

TEST(HeaderReader, HostileSizesAreFast) {
    const auto started = std::chrono::steady_clock::now();
    std::error_code ec;
    const std::string no_newline(64 << 20, 'a');  // 64 MiB, one line
    read_header_section(no_newline, ec);
    EXPECT_EQ(ec, error::malformed_message);

    std::string many_continuations = "X: a\r\n";  // one field folded a million times
    while (many_continuations.size() < (1 << 20) - 8) {
        many_continuations += " a\r\n";
    }
    many_continuations += "\r\n";
    HeaderLimits limits;
    limits.max_size = 2 << 20;
    EXPECT_EQ(read_ok(many_continuations, limits).fields.size(), 1u);

    std::string many_fields;
    while (many_fields.size() < (1 << 20)) {
        many_fields += "X: a\n";
    }
    read_header_section(many_fields, ec);
    EXPECT_EQ(ec, error::malformed_message);  // over max_fields
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(2));
}

// --- Bcc removal ---------------------------------------------------------------

// `message` with the listed substrings cut out must equal the section
// without Bcc followed by the untouched body.
void expect_removed(const std::string& message, const std::vector<std::string>& cut) {
    std::string expected = message;
    for (const std::string& piece : cut) {
        const auto at = expected.find(piece);
        ASSERT_NE(at, std::string::npos) << piece;
        expected.erase(at, piece.size());
    }
    std::error_code ec;
    const std::string header = header_section_without_bcc(message, ec);
    ASSERT_FALSE(ec) << ec.message();
    const HeaderSection s = read_ok(message);
    EXPECT_EQ(header + message.substr(s.body_offset), expected);
}

TEST(HeaderBcc, RemovedByteExactly) {
    expect_removed("From: a@x.org\r\nBcc: hidden@y.org\r\nSubject: Hi\r\n\r\nBody",
                   {"Bcc: hidden@y.org\r\n"});
    // folded, first, last, lower case, LF endings, odd spacing kept elsewhere
    expect_removed(
        "bcc: one@y.org,\r\n\ttwo@y.org\r\nFrom:  a@x.org \r\nSubject:\tHi  \r\n"
        "BCC : three@y.org\r\n\r\nBody\r\nBcc: not-a-header@body\r\n",
        {"bcc: one@y.org,\r\n\ttwo@y.org\r\n", "BCC : three@y.org\r\n"});
    expect_removed("To: a@x.org\nBcc: b@y.org\n  c@z.org\n\nBody\n", {"Bcc: b@y.org\n  c@z.org\n"});
    expect_removed(
        "Resent-Bcc: r@y.org\r\nResent-To: t@y.org\r\nBcc: b@y.org\r\nTo: a@x.org\r\n\r\n",
        {"Resent-Bcc: r@y.org\r\n", "Bcc: b@y.org\r\n"});
    // Names that only start like Bcc stay.
    expect_removed("X-Bcc: a@x.org\r\nBccx: b@y.org\r\n\r\n", {});
}

TEST(HeaderBcc, WithoutBccTheSectionIsUnchanged) {
    const std::string m = "From: a@x.org\r\nTo: b@y.org\r\n\r\nBody";
    EXPECT_EQ(header_section_without_bcc(m), "From: a@x.org\r\nTo: b@y.org\r\n\r\n");
    EXPECT_EQ(header_section_without_bcc("To: b@y.org"), "To: b@y.org");  // no body
    EXPECT_EQ(header_section_without_bcc("To: b@y.org\r\nBcc: c@z.org"), "To: b@y.org\r\n");
    EXPECT_EQ(header_section_without_bcc(""), "");
}

// --- recipients ----------------------------------------------------------------

HeaderRecipients recipients_of(std::string_view message) {
    return header_recipients(read_header_section(message).fields);
}

TEST(HeaderRecipientsTest, FromTheOrdinaryFields) {
    const HeaderRecipients r = recipients_of(
        "From: Alice <a@x.org>, Carol <c@x.org>\r\nSender: s@x.org\r\n"
        "To: b@y.org, Friends: f1@y.org, f2@y.org;\r\nCc: \"C C\" <cc@y.org>\r\n"
        "To: second-to@y.org\r\nBcc: hidden@z.org\r\nSubject: x\r\n\r\n");
    EXPECT_FALSE(r.resent);
    EXPECT_EQ(r.from, (Mailbox{"Alice", "a@x.org"}));
    EXPECT_EQ(r.sender, (Mailbox{"", "s@x.org"}));
    EXPECT_EQ(r.to,
              (std::vector<Mailbox>{
                  {"", "b@y.org"}, {"", "f1@y.org"}, {"", "f2@y.org"}, {"", "second-to@y.org"}}));
    EXPECT_EQ(r.cc, (std::vector<Mailbox>{{"C C", "cc@y.org"}}));
    EXPECT_EQ(r.bcc, (std::vector<Mailbox>{{"", "hidden@z.org"}}));
    EXPECT_EQ(envelope_sender(r), "s@x.org");
}

TEST(HeaderRecipientsTest, FieldNamesAnyCase) {
    const HeaderRecipients r =
        recipients_of("fROM: a@x.org\r\nTO: b@y.org\r\nbCC: c@z.org\r\n\r\n");
    EXPECT_EQ(r.from, (Mailbox{"", "a@x.org"}));
    EXPECT_EQ(r.to.size(), 1u);
    EXPECT_EQ(r.bcc.size(), 1u);
    EXPECT_EQ(envelope_sender(r), "a@x.org");
}

TEST(HeaderRecipientsTest, TheLatestResentBlockWins) {
    // The latest resending is prepended: the first Resent block from the top.
    const HeaderRecipients r = recipients_of(
        "Received: by relay2.example\r\n"
        "Resent-From: Second <second@r.org>\r\n"
        "Resent-To: new1@y.org\r\n"
        "Resent-Cc: new2@y.org\r\n"
        "Resent-Bcc: new3@y.org\r\n"
        "Resent-Date: Tue, 2 Jan 2024 10:00:00 +0000\r\n"
        "Received: by relay1.example\r\n"
        "Resent-From: first@r.org\r\n"
        "Resent-Sender: first-sender@r.org\r\n"
        "Resent-To: old@y.org\r\n"
        "From: author@x.org\r\n"
        "Sender: author-sender@x.org\r\n"
        "To: original@y.org\r\n"
        "Bcc: original-bcc@y.org\r\n\r\n");
    EXPECT_TRUE(r.resent);
    EXPECT_EQ(r.from, (Mailbox{"Second", "second@r.org"}));
    EXPECT_EQ(r.sender, std::nullopt);
    EXPECT_EQ(r.to, (std::vector<Mailbox>{{"", "new1@y.org"}}));
    EXPECT_EQ(r.cc, (std::vector<Mailbox>{{"", "new2@y.org"}}));
    EXPECT_EQ(r.bcc, (std::vector<Mailbox>{{"", "new3@y.org"}}));
    EXPECT_EQ(envelope_sender(r), "second@r.org");
    EXPECT_EQ(envelope_recipients(r),
              (std::vector<std::string>{"new1@y.org", "new2@y.org", "new3@y.org"}));
}

TEST(HeaderRecipientsTest, ResentSenderAndAResentBlockWithoutRecipients) {
    HeaderRecipients r = recipients_of(
        "Resent-Sender: rs@r.org\r\nResent-From: rf@r.org\r\nResent-To: t@y.org\r\n"
        "From: a@x.org\r\nTo: b@y.org\r\n\r\n");
    EXPECT_EQ(envelope_sender(r), "rs@r.org");
    EXPECT_EQ(envelope_recipients(r), (std::vector<std::string>{"t@y.org"}));

    // Resent-* fields present but no Resent-To/Cc/Bcc: nobody (not To:).
    r = recipients_of("Resent-Date: x\r\nFrom: a@x.org\r\nTo: b@y.org\r\n\r\n");
    EXPECT_TRUE(r.resent);
    EXPECT_TRUE(envelope_recipients(r).empty());
    EXPECT_EQ(envelope_sender(r), std::nullopt);
}

TEST(HeaderRecipientsTest, EnvelopeRecipientsOnceEach) {
    const HeaderRecipients r = recipients_of(
        "To: a@X.org, B@y.org\r\nCc: a@x.ORG, b@y.org\r\nBcc: B@Y.ORG, c@z.org\r\n\r\n");
    // Domains compare without case, local parts with it.
    EXPECT_EQ(envelope_recipients(r),
              (std::vector<std::string>{"a@X.org", "B@y.org", "b@y.org", "c@z.org"}));
}

// The domain is what follows the local part, whatever '@' it holds: the
// whole of an address literal compares without case, and an '@' in a quoted
// local part is no domain (found by fuzz_header_reader).
TEST(HeaderRecipientsTest, EnvelopeRecipientsFindTheDomainAfterTheLocalPart) {
    const HeaderRecipients r =
        recipients_of("To: u@[X-Tag:a@b], u@[x-tag:a@b], \"A@B\"@x.org, \"a@b\"@X.ORG\r\n\r\n");
    EXPECT_EQ(envelope_recipients(r),
              (std::vector<std::string>{"u@[X-Tag:a@b]", "\"A@B\"@x.org", "\"a@b\"@X.ORG"}));
}

TEST(HeaderRecipientsTest, NoSenderIsNoGuess) {
    const HeaderRecipients r = recipients_of("To: b@y.org\r\nFrom:\r\n\r\n");
    EXPECT_EQ(r.from, std::nullopt);
    EXPECT_EQ(envelope_sender(r), std::nullopt);
}

TEST(HeaderRecipientsTest, ABadFieldIsNamed) {
    const Fields fields{{"To", "a@x.org"}, {"Cc", "ok@y.org, \"broken <b@y.org>"}};
    std::error_code ec;
    ParseError where;
    const HeaderRecipients r = header_recipients(fields, ec, &where);
    EXPECT_EQ(ec, error::invalid_address_list);
    EXPECT_EQ(where.reason, "Cc: unterminated quoted string");
    EXPECT_EQ(where.offset, 10u);
    EXPECT_TRUE(r.to.empty());
    EXPECT_THROW(header_recipients(fields), system_error);

    // Fields the chosen set does not use are not parsed.
    const Fields resent{{"Resent-To", "a@x.org"}, {"To", "\"broken"}};
    EXPECT_EQ(header_recipients(resent, ec).to.size(), 1u);
    EXPECT_FALSE(ec);
}

TEST(HeaderRecipientsTest, BigBccNeedsRaisedLimits) {
    std::string bcc;
    for (int i = 0; i < 5000; ++i) {
        bcc += "user" + std::to_string(i) + "@example.org, ";
    }
    const Fields fields{{"Bcc", bcc}};
    std::error_code ec;
    header_recipients(fields, ec);
    EXPECT_EQ(ec, error::invalid_address_list);  // over 64 KiB
    AddressListLimits limits;
    limits.max_size = 1 << 20;
    EXPECT_EQ(header_recipients(fields, ec, nullptr, limits).bcc.size(), 5000u);
    EXPECT_FALSE(ec);
}

// --- caller-supplied fields ------------------------------------------------------

TEST(HeaderFieldCheck, Names) {
    for (const char* good :
         {"Subject", "X-Mailer", "x", "List-Unsubscribe-Post", "!#$%&'*+-.^_`|~"}) {
        EXPECT_TRUE(is_valid_field_name(good)) << good;
    }
    for (const std::string& bad : {""s, "Sub ject"s, "Subject:"s, "Sub\tject"s, "Sub\r\nBcc"s,
                                   "Sub\0"s, "Süb"s, "X\x7F"s, std::string(997, 'X')}) {
        EXPECT_FALSE(is_valid_field_name(bad)) << bad;
    }
    EXPECT_TRUE(is_valid_field_name(std::string(996, 'X')));
}

TEST(HeaderFieldCheck, Values) {
    EXPECT_TRUE(is_valid_field_value(""));
    EXPECT_TRUE(is_valid_field_value("Grüße\tund: mehr (all fine)"));
    EXPECT_FALSE(is_valid_field_value("x\r\nBcc: victim@example.org"));
    EXPECT_FALSE(is_valid_field_value("x\nBcc: victim@example.org"));
    EXPECT_FALSE(is_valid_field_value("x\r"));
    EXPECT_FALSE(is_valid_field_value("x\0y"s));

    std::error_code ec = make_error_code(error::timeout);
    check_header_field("Subject", "Hello", ec);
    EXPECT_FALSE(ec);
    check_header_field("Subject", "Hello\r\nBcc: x@y", ec);
    EXPECT_EQ(ec, error::invalid_header);
    check_header_field("Bad Name", "Hello", ec);
    EXPECT_EQ(ec, error::invalid_header);
}

}  // namespace
}  // namespace smtpkit
