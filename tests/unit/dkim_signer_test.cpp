// DkimSigner without a verifier: which fields are signed, the tags and their
// folding, the body hashes of known bodies, the signed source, and the
// errors bad input gets.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <sstream>

#include "message/dkim_signature.hpp"
#include "smtpkit/dkim.hpp"
#include "smtpkit/error.hpp"
#include "unit/dkim_test_support.hpp"

namespace smtpkit::test {
namespace {

const std::string simple_message =
    "From: Ann <ann@example.com>\r\n"
    "To: bob@example.org\r\n"
    "Subject: hello\r\n"
    "X-Not-Signed: 1\r\n"
    "\r\n"
    "Hi.\r\n";

DkimSigner rsa_signer() {
    return DkimSigner(dkim_test_key("rsa2048.pem"), "example.com", "sel");
}

std::string field_for(const DkimSigner& signer, const std::string& message) {
    std::error_code ec;
    std::string field = signer.signature_field(MessageSource::from_string(message), ec);
    EXPECT_FALSE(ec) << ec.message();
    return field;
}

std::error_code sign_error(const DkimSigner& signer, const MessageSource& source) {
    std::error_code ec;
    signer.sign(source, ec);
    return ec;
}

TEST(DkimSigner, DefaultTags) {
    const std::string field = field_for(rsa_signer(), simple_message);
    EXPECT_EQ(field.rfind("DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.com;"
                          " s=sel;",
                          0),
              0u)
        << field;
    EXPECT_TRUE(field.ends_with("\r\n"));
    EXPECT_EQ(dkim_tag(field, "h"), "From:From:To:Subject");  // From oversigned
    EXPECT_EQ(dkim_tag(field, "l"), "<none>");                // never a body length
    EXPECT_EQ(dkim_tag(field, "i"), "<none>");
    EXPECT_EQ(dkim_tag(field, "b").size(), 344u);  // 256 octets of RSA-2048 in base64
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    EXPECT_NEAR(std::stoll(dkim_tag(field, "t")), now, 60);
}

TEST(DkimSigner, LinesAreFoldedWithin78Columns) {
    DkimSigner signer = rsa_signer();
    signer.identity("some.user+tag@mail.example.com")
        .headers({"From", "To", "Subject", "X-A-Rather-Long-Header-Name", "X-Another-Long-One",
                  "X-Yet-Another-Long-Header", "Date", "Message-ID"});
    const std::string field = field_for(signer, simple_message);
    std::istringstream lines(field);
    std::string line;
    int count = 0;
    while (std::getline(lines, line)) {
        ++count;
        EXPECT_LE(line.size(), 79u) << line;  // 78 and the CR
        EXPECT_TRUE(line.ends_with("\r")) << "CRLF line endings";
        EXPECT_TRUE(count == 1 || line.starts_with("\t")) << "continuation lines start with WSP";
    }
    EXPECT_GT(count, 4);
}

TEST(DkimSigner, Ed25519SignaturesAre64Octets) {
    DkimSigner signer(dkim_test_key("ed25519.pem"), "example.com", "ed");
    const std::string field = field_for(signer, simple_message);
    EXPECT_NE(field.find("a=ed25519-sha256;"), std::string::npos);
    EXPECT_EQ(dkim_tag(field, "b").size(), 88u);
}

TEST(DkimSigner, OptionalTags) {
    DkimSigner signer = rsa_signer();
    signer.canonicalization(DkimCanonicalization::simple, DkimCanonicalization::relaxed)
        .identity("j\xC3\xB6rg;x=1 y@example.com")
        .timestamp(std::chrono::system_clock::from_time_t(1700000000))
        .expire_after(std::chrono::hours(24 * 7));
    const std::string field = field_for(signer, simple_message);
    EXPECT_NE(field.find(" c=simple/relaxed;"), std::string::npos);
    EXPECT_EQ(dkim_tag(field, "t"), "1700000000");
    EXPECT_EQ(dkim_tag(field, "x"), "1700604800");
    EXPECT_EQ(dkim_tag(field, "i"), "j=C3=B6rg=3Bx=3D1=20y@example.com");  // dkim-quoted-printable

    signer.timestamp(std::nullopt).expire_after(std::nullopt);
    EXPECT_EQ(dkim_tag(field_for(signer, simple_message), "t"), "<none>");
}

// RFC 6376 5.4.2: bottom up, each name once per occurrence.
TEST(DkimSigner, RepeatedFieldsAreSignedBottomUp) {
    const std::string header =
        "Received: one\r\nFrom: a@example.com\r\nTo: first@example.org\r\n"
        "To: second@example.org\r\nSubject: s\r\n";
    message::SignedHeaders selected;
    std::error_code ec;
    ASSERT_TRUE(message::select_headers(header, {"to", "subject", "received"}, {"From", "Subject"},
                                        selected, ec))
        << ec.message();
    const std::vector<std::string> names{"From",    "From",    "to",      "to",
                                         "subject", "subject", "received"};
    EXPECT_EQ(selected.names, names);
    const std::vector<std::string> fields{"From: a@example.com\r\n", "To: second@example.org\r\n",
                                          "To: first@example.org\r\n", "Subject: s\r\n",
                                          "Received: one\r\n"};
    EXPECT_EQ(selected.fields, fields);
}

TEST(DkimSigner, DefaultHeaderList) {
    const std::vector<std::string> expected{
        "From",        "To",        "Cc",           "Subject",      "Date",
        "Message-ID",  "Reply-To",  "MIME-Version", "Content-Type", "Content-Transfer-Encoding",
        "In-Reply-To", "References"};
    EXPECT_EQ(DkimSigner::default_headers(), expected);
    const std::string message =
        "Message-ID: <1@example.com>\r\nfrom: a@example.com\r\nCC: c@example.org\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/plain\r\nBcc: hidden@example.org\r\n"
        "Received: by relay\r\n\r\n";
    EXPECT_EQ(dkim_tag(field_for(rsa_signer(), message), "h"),
              "From:From:Cc:Message-ID:MIME-Version:Content-Type");
}

// Known body hashes: RFC 6376 3.4.3/3.4.4 for an empty body, and the body of
// RFC 6376 Appendix A.2.
TEST(DkimSigner, BodyHashesOfKnownBodies) {
    DkimSigner simple = rsa_signer();
    simple.canonicalization(DkimCanonicalization::simple, DkimCanonicalization::simple);
    const std::string header = "From: Joe SixPack <joe@football.example.com>\r\n";
    EXPECT_EQ(dkim_tag(field_for(simple, header + "\r\n"), "bh"),
              "frcCV1k9oG9oKj3dpUqdJg1PxRT2RSN/XKdLCPjaYaY=");
    EXPECT_EQ(dkim_tag(field_for(rsa_signer(), header + "\r\n"), "bh"),
              "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
    EXPECT_EQ(dkim_tag(field_for(simple, header), "bh"),
              "frcCV1k9oG9oKj3dpUqdJg1PxRT2RSN/XKdLCPjaYaY=")
        << "no empty line: no body";
    const std::string body = "Hi.\r\n\r\nWe lost the game. Are you hungry yet?\r\n\r\nJoe.\r\n";
    EXPECT_EQ(dkim_tag(field_for(simple, header + "\r\n" + body), "bh"),
              "2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=");
    EXPECT_EQ(dkim_tag(field_for(simple, header + "\r\n" + body + "\r\n\r\n"), "bh"),
              "2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=")
        << "trailing empty lines are not signed";
}

TEST(DkimSigner, SignedSourceIsTheFieldThenTheMessage) {
    DkimSigner signer = rsa_signer();
    signer.timestamp(std::chrono::system_clock::from_time_t(1700000000));
    const MessageSource original = MessageSource::from_string(simple_message);
    const MessageSource signed_source = signer.sign(original);
    const std::string first = read_source(signed_source);
    ASSERT_TRUE(first.starts_with("DKIM-Signature: "));
    const std::size_t field_end = first.find("\r\nFrom: ");
    ASSERT_NE(field_end, std::string::npos);
    EXPECT_EQ(first.substr(field_end + 2), simple_message);
    EXPECT_TRUE(signed_source.restartable());
    EXPECT_EQ(read_source(signed_source), first) << "every send reads the same octets";
    EXPECT_EQ(signed_source.size(), std::optional<std::uint64_t>(first.size()));
    EXPECT_EQ(signed_source.content_class(), original.content_class());
}

TEST(DkimSigner, MessagesAreRenderedOnceAndSigned) {
    Message message;
    message.from("Ann <ann@example.com>").to("bob@example.org").subject("s").text("Hello\n");
    const MessageSource signed_source = rsa_signer().sign(message);
    const std::string text = read_source(signed_source);
    EXPECT_TRUE(text.starts_with("DKIM-Signature: "));
    EXPECT_EQ(read_source(signed_source), text) << "Date, Message-ID and boundaries stay";
    EXPECT_EQ(dkim_tag(text.substr(0, text.find("\r\nFrom: ")), "h")
                  .rfind("From:From:To:Subject:Date:Message-ID:MIME-Version:Content-Type", 0),
              0u)
        << text;
}

TEST(DkimSigner, BadInputGetsItsErrorCode) {
    EXPECT_EQ(sign_error(rsa_signer(), MessageSource::from_string("To: b@example.org\r\n\r\nx")),
              error::dkim_no_from);
    EXPECT_EQ(sign_error(rsa_signer(), MessageSource::from_string("no header here\r\n\r\n")),
              error::malformed_message);
    std::istringstream stream(simple_message);
    EXPECT_EQ(sign_error(rsa_signer(), MessageSource::from_stream(stream)),
              error::dkim_source_not_restartable);
    EXPECT_EQ(sign_error(DkimSigner(DkimKey(), "example.com", "s"),
                         MessageSource::from_string(simple_message)),
              error::dkim_invalid_settings);
    // The source's own error, as a send would report it (an errno for a file).
    EXPECT_EQ(sign_error(rsa_signer(), MessageSource::from_file("/nonexistent/message.eml")),
              std::errc::no_such_file_or_directory);
    EXPECT_THROW(rsa_signer().sign(MessageSource::from_string("Subject: x\r\n\r\n")), system_error);
}

TEST(DkimSigner, SettingsAreChecked) {
    const auto settings_error = [](DkimSigner signer) {
        return sign_error(signer, MessageSource::from_string(simple_message));
    };
    const DkimKey key = dkim_test_key("ed25519.pem");
    EXPECT_EQ(settings_error(DkimSigner(key, "exa mple.com", "s")), error::dkim_invalid_settings);
    EXPECT_EQ(settings_error(DkimSigner(key, "example.com", "")), error::dkim_invalid_settings);
    EXPECT_EQ(settings_error(DkimSigner(key, "example..com", "s")), error::dkim_invalid_settings);
    EXPECT_EQ(settings_error(DkimSigner(key, "example.com", "s;x")), error::dkim_invalid_settings);
    EXPECT_EQ(settings_error(DkimSigner(key, "example.com", "s").identity("@other.com")),
              error::dkim_invalid_settings);
    EXPECT_EQ(settings_error(DkimSigner(key, "example.com", "s").identity("@badexample.com")),
              error::dkim_invalid_settings);
    EXPECT_EQ(settings_error(DkimSigner(key, "example.com", "s").headers({"From", "Bad:Name"})),
              error::dkim_invalid_settings);
    EXPECT_FALSE(
        settings_error(DkimSigner(key, "Example.COM", "s2025._x").identity("@a.example.com")));
}

// The body is hashed as it streams: a 256 MiB body costs buffers, not memory.
TEST(DkimSigner, LargeBodiesStream) {
    constexpr std::uint64_t body_size = 256ull * 1024 * 1024;
    const std::string header = "From: a@example.com\r\nSubject: big\r\n\r\n";
    auto open = [header](std::error_code&) -> MessageSource::Reader {
        return [header, pos = std::uint64_t{0}](char* buf, std::size_t n,
                                                std::error_code&) mutable -> std::size_t {
            std::size_t i = 0;
            for (; i < n && pos < header.size() + body_size; ++i, ++pos) {
                buf[i] = pos < header.size() ? header[pos] : (pos % 77 == 0 ? '\n' : 'x');
            }
            return i;
        };
    };
    const MessageSource big = MessageSource::from_opener(open, header.size() + body_size);
    rusage before{};
    ::getrusage(RUSAGE_SELF, &before);
    const MessageSource signed_source = rsa_signer().sign(big);
    rusage after{};
    ::getrusage(RUSAGE_SELF, &after);
    EXPECT_LT(after.ru_maxrss - before.ru_maxrss, 32 * 1024) << "KiB of peak RSS growth";
    EXPECT_GT(*signed_source.size(), header.size() + body_size);
}

}  // namespace
}  // namespace smtpkit::test
