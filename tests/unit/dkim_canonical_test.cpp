// DKIM canonicalisation (RFC 6376 3.4): the examples of 3.4.6, the body
// rules one by one, and chunking that cannot change the result.
#include "message/dkim_canonical.hpp"

#include <gtest/gtest.h>

#include <string>

namespace smtpkit::message {
namespace {

using C = DkimCanonicalization;

std::string body(std::string_view in, C c, std::size_t chunk = 0) {
    BodyCanonicalizer canon(c);
    std::string out;
    if (chunk == 0) {
        canon.feed(in, out);
    } else {
        for (std::size_t at = 0; at < in.size(); at += chunk) {
            canon.feed(in.substr(at, chunk), out);
        }
    }
    canon.finish(out);
    return out;
}

// RFC 6376 3.4.6, "Example".
TEST(DkimCanonical, Rfc6376Example) {
    EXPECT_EQ(canonical_header("A: X\r\n", C::relaxed), "a:X\r\n");
    EXPECT_EQ(canonical_header("B : Y\t\r\n\tZ  \r\n", C::relaxed), "b:Y Z\r\n");
    EXPECT_EQ(canonical_header("B : Y\t\r\n\tZ  \r\n", C::simple), "B : Y\t\r\n\tZ  \r\n");
    const std::string example = " C \r\nD \t E\r\n\r\n\r\n";
    EXPECT_EQ(body(example, C::relaxed), " C\r\nD E\r\n");
    EXPECT_EQ(body(example, C::simple), " C \r\nD \t E\r\n");
}

TEST(DkimCanonical, RelaxedHeaderRules) {
    EXPECT_EQ(canonical_header("SUBJECT:   a  \t b   \r\n", C::relaxed), "subject:a b\r\n");
    EXPECT_EQ(canonical_header("Subject:\r\n long\r\n  folded \r\n", C::relaxed),
              "subject:long folded\r\n");
    EXPECT_EQ(canonical_header("X-Empty:\r\n", C::relaxed), "x-empty:\r\n");
    EXPECT_EQ(canonical_header("X-Empty:   \r\n", C::relaxed), "x-empty:\r\n");
    // Non-ASCII octets pass as they are.
    EXPECT_EQ(canonical_header("Subject: Gr\xC3\xBC\xC3\x9F"
                               "e\r\n",
                               C::relaxed),
              "subject:Gr\xC3\xBC\xC3\x9F"
              "e\r\n");
}

TEST(DkimCanonical, EmptyBodies) {
    EXPECT_EQ(body("", C::simple), "\r\n");  // 3.4.3: an empty body is one CRLF
    EXPECT_EQ(body("", C::relaxed), "");     // 3.4.4: an empty body stays empty
    EXPECT_EQ(body("\r\n\r\n\r\n", C::simple), "\r\n");
    EXPECT_EQ(body("\r\n \t\r\n", C::relaxed), "");
    EXPECT_EQ(body(" \t\r\n", C::simple), " \t\r\n");  // white space is content to simple
}

TEST(DkimCanonical, MissingFinalLineEndingIsAdded) {
    EXPECT_EQ(body("last line", C::simple), "last line\r\n");
    EXPECT_EQ(body("last line  ", C::relaxed), "last line\r\n");
}

TEST(DkimCanonical, EmptyLinesInsideTheBodyStay) {
    EXPECT_EQ(body("a\r\n\r\n\r\nb\r\n\r\n", C::simple), "a\r\n\r\n\r\nb\r\n");
    EXPECT_EQ(body("a\r\n  \r\n\r\nb\r\n\r\n", C::relaxed), "a\r\n\r\n\r\nb\r\n");
}

TEST(DkimCanonical, LineEndingsAreTheWireForm) {
    // The client sends every CR, LF or CRLF as CRLF; the body is hashed so.
    EXPECT_EQ(body("a\nb\rc\r\nd\n\n", C::simple), "a\r\nb\r\nc\r\nd\r\n");
    EXPECT_EQ(body("a \n\n", C::relaxed), "a\r\n");
}

TEST(DkimCanonical, EightBitAndNulOctetsAreContent) {
    const std::string text = std::string("caf\xC3\xA9 \xFF", 7) + std::string(1, '\0') + "\r\n";
    EXPECT_EQ(body(text, C::simple), text);
    EXPECT_EQ(body(text, C::relaxed), text);
}

TEST(DkimCanonical, ChunkingDoesNotMatter) {
    const std::string text =
        " lead\t \r\nmid  dle\r\n\r\n \r\nx\ry\n\r\n\r\nend \t\r\n\r\n  \r\n\r\n";
    for (C c : {C::simple, C::relaxed}) {
        const std::string whole = body(text, c);
        for (std::size_t chunk = 1; chunk <= 7; ++chunk) {
            EXPECT_EQ(body(text, c, chunk), whole) << "chunk " << chunk;
        }
    }
}

}  // namespace
}  // namespace smtpkit::message
