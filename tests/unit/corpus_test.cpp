// Every recorded real-server reply in tests/data/corpus must parse the same way
// however the bytes arrive: whole, split at every offset, one byte at a time.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "smtpkit/error.hpp"
#include "smtpkit/protocol/capabilities.hpp"
#include "smtpkit/protocol/reply_parser.hpp"

namespace smtpkit::protocol {
namespace {

namespace fs = std::filesystem;

const fs::path corpus_dir{SMTPKIT_CORPUS_DIR};

// Reply files: every regular file in the corpus's subfolders (README.md at
// the top describes them and is not one).
std::vector<std::string> corpus_files() {
    std::vector<std::string> files;
    std::error_code ec;
    for (fs::recursive_directory_iterator it(corpus_dir, ec), end; !ec && it != end;
         it.increment(ec)) {
        if (it->is_regular_file() && it->path().parent_path() != corpus_dir) {
            files.push_back(fs::relative(it->path(), corpus_dir).generic_string());
        }
    }
    std::sort(files.begin(), files.end());
    return files;
}

std::string read_file(const std::string& relative) {
    std::ifstream in(corpus_dir / relative, std::ios::binary);
    EXPECT_TRUE(in) << "cannot open " << (corpus_dir / relative);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

struct Parsed {
    std::vector<Reply> replies;
    std::error_code error;
    std::size_t consumed = 0;
    bool mid_reply = false;
};

// Feeds the chunks in order as a transport would, taking each reply as it
// completes and feeding the rest of the chunk again.
Parsed parse_chunks(const std::vector<std::string_view>& chunks) {
    Parsed out;
    ReplyParser parser;
    for (std::string_view chunk : chunks) {
        while (!chunk.empty()) {
            const std::size_t used = parser.feed(chunk, out.error);
            if (out.error) {
                return out;
            }
            out.consumed += used;
            chunk.remove_prefix(used);
            if (parser.has_reply()) {
                out.replies.push_back(parser.take());
            } else if (!chunk.empty()) {
                ADD_FAILURE() << "feed() stopped without a reply";
                return out;
            }
        }
    }
    out.mid_reply = parser.mid_reply();
    return out;
}

void expect_same(const std::vector<Reply>& got, const std::vector<Reply>& want) {
    ASSERT_EQ(got.size(), want.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
        EXPECT_EQ(got[i].code, want[i].code) << "reply " << i;
        EXPECT_EQ(got[i].enhanced, want[i].enhanced) << "reply " << i;
        EXPECT_EQ(got[i].lines, want[i].lines) << "reply " << i;
    }
}

std::vector<Reply> parse_file(const std::string& name) {
    const std::string data = read_file(name);
    const Parsed whole = parse_chunks({data});
    EXPECT_FALSE(whole.error) << whole.error.message();
    EXPECT_EQ(whole.consumed, data.size());
    EXPECT_FALSE(whole.mid_reply);
    return whole.replies;
}

// ---- every file --------------------------------------------------------------

class CorpusFile : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override { data_ = read_file(GetParam()); }
    std::string data_;
};

TEST_P(CorpusFile, ParsesWholeWithoutError) {
    const Parsed whole = parse_chunks({data_});
    ASSERT_FALSE(whole.error) << whole.error.message();
    EXPECT_EQ(whole.consumed, data_.size());
    EXPECT_FALSE(whole.mid_reply);
    ASSERT_FALSE(whole.replies.empty());
    std::size_t lines = 0;
    for (const Reply& reply : whole.replies) {
        EXPECT_GE(reply.code, 200);
        EXPECT_LT(reply.code, 600);
        lines += reply.lines.size();
        for (const std::string& line : reply.lines) {
            EXPECT_EQ(line.find_first_of("\r\n"), std::string::npos);
        }
    }
    // The corpus ends every line with CRLF: one reply line per CRLF.
    EXPECT_EQ(lines, static_cast<std::size_t>(std::count(data_.begin(), data_.end(), '\n')));
}

TEST_P(CorpusFile, SameRepliesWhenSplitAtEveryOffset) {
    const std::string_view data = data_;
    const Parsed whole = parse_chunks({data});
    for (std::size_t split = 1; split < data.size(); ++split) {
        SCOPED_TRACE("split at " + std::to_string(split));
        const Parsed parts = parse_chunks({data.substr(0, split), data.substr(split)});
        ASSERT_FALSE(parts.error) << parts.error.message();
        ASSERT_EQ(parts.consumed, data.size());
        ASSERT_FALSE(parts.mid_reply);
        expect_same(parts.replies, whole.replies);
        if (HasFailure()) {
            return;
        }
    }
}

TEST_P(CorpusFile, SameRepliesOneByteAtATime) {
    const std::string_view data = data_;
    std::vector<std::string_view> bytes;
    for (std::size_t i = 0; i < data.size(); ++i) {
        bytes.push_back(data.substr(i, 1));
    }
    const Parsed whole = parse_chunks({data});
    const Parsed single = parse_chunks(bytes);
    ASSERT_FALSE(single.error) << single.error.message();
    EXPECT_EQ(single.consumed, data.size());
    EXPECT_FALSE(single.mid_reply);
    expect_same(single.replies, whole.replies);
}

TEST_P(CorpusFile, BareLfVersionGivesTheSameReplies) {
    // Broken servers send LF alone: the text must not change.
    std::string lf_only;
    for (std::size_t i = 0; i < data_.size(); ++i) {
        if (!(data_[i] == '\r' && i + 1 < data_.size() && data_[i + 1] == '\n')) {
            lf_only += data_[i];
        }
    }
    const Parsed crlf = parse_chunks({data_});
    const Parsed lf = parse_chunks({lf_only});
    ASSERT_FALSE(lf.error) << lf.error.message();
    expect_same(lf.replies, crlf.replies);
}

std::string test_name(const ::testing::TestParamInfo<std::string>& info) {
    std::string name = info.param;
    for (char& c : name) {
        const bool alnum =
            (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        if (!alnum) {
            c = '_';
        }
    }
    return name;
}

INSTANTIATE_TEST_SUITE_P(Corpus, CorpusFile, ::testing::ValuesIn(corpus_files()), test_name);

// An empty or missing corpus would leave the suite above with no cases.
TEST(CorpusDirectory, HoldsTheRecordedReplies) {
    const std::vector<std::string> files = corpus_files();
    ASSERT_FALSE(files.empty()) << "no reply files under " << corpus_dir;
    for (const char* folder : {"ehlo/", "greeting/", "replies/"}) {
        EXPECT_GE(std::count_if(files.begin(), files.end(),
                                [&](const std::string& f) { return f.rfind(folder, 0) == 0; }),
                  10)
            << folder;
    }
}

// ---- what a user would check on particular servers ---------------------------

Capabilities ehlo_of(const std::string& name) {
    const std::vector<Reply> replies = parse_file(name);
    EXPECT_EQ(replies.size(), 1u);
    return replies.empty() ? Capabilities{} : Capabilities::from_ehlo(replies.front());
}

using Strings = std::vector<std::string>;

TEST(CorpusFacts, GmailAfterStarttls) {
    const Capabilities caps = ehlo_of("ehlo/gmail-smtp-587-after-starttls.txt");
    EXPECT_EQ(caps.server_name(), "smtp.gmail.com");
    EXPECT_EQ(caps.auth_mechanisms(),
              (Strings{"LOGIN", "PLAIN", "XOAUTH2", "PLAIN-CLIENTTOKEN", "OAUTHBEARER", "XOAUTH"}));
    EXPECT_EQ(caps.size_limit(), 35882577u);
    EXPECT_TRUE(caps.pipelining());
    EXPECT_TRUE(caps.chunking());
    EXPECT_TRUE(caps.smtputf8());
    EXPECT_TRUE(caps.eightbitmime());
    EXPECT_TRUE(caps.enhanced_status_codes());
    EXPECT_FALSE(caps.starttls());
}

TEST(CorpusFacts, GmailBeforeStarttlsOffersNoAuth) {
    const Capabilities caps = ehlo_of("ehlo/gmail-smtp-587-before-starttls.txt");
    EXPECT_TRUE(caps.starttls());
    EXPECT_TRUE(caps.auth_mechanisms().empty());
    EXPECT_FALSE(caps.has("AUTH"));
}

TEST(CorpusFacts, YahooAuthOnTheLastLineAndOdd8Bitmime) {
    const Capabilities caps = ehlo_of("ehlo/yahoo.txt");
    EXPECT_EQ(caps.auth_mechanisms(), (Strings{"PLAIN", "LOGIN", "XOAUTH2", "XYMCOOKIE"}));
    EXPECT_EQ(caps.size_limit(), 41697280u);
    EXPECT_FALSE(caps.eightbitmime());  // "8 BITMIME" is not 8BITMIME
    ASSERT_NE(caps.params("8"), nullptr);
    EXPECT_EQ(*caps.params("8"), Strings{"BITMIME"});
}

TEST(CorpusFacts, LegacyAuthEqualsForm) {
    EXPECT_EQ(ehlo_of("ehlo/mailenable.txt").auth_mechanisms(), Strings{"LOGIN"});
    const Capabilities ovh = ehlo_of("ehlo/ovh.txt");
    EXPECT_EQ(ovh.auth_mechanisms(), (Strings{"PLAIN", "LOGIN"}));
    EXPECT_EQ(std::count_if(ovh.all().begin(), ovh.all().end(),
                            [](const Extension& e) { return e.keyword == "AUTH"; }),
              1);
}

TEST(CorpusFacts, SizeWithoutUsableValueMeansNoLimit) {
    const Capabilities sendmail = ehlo_of("ehlo/sendmail.txt");
    EXPECT_TRUE(sendmail.has("SIZE"));
    EXPECT_EQ(sendmail.size_limit(), std::nullopt);
    const Capabilities haraka = ehlo_of("ehlo/haraka.txt");
    EXPECT_TRUE(haraka.has("size"));
    EXPECT_EQ(haraka.size_limit(), std::nullopt);
    EXPECT_EQ(haraka.auth_mechanisms(), (Strings{"PLAIN", "LOGIN"}));
}

TEST(CorpusFacts, FinalLineNotAKeywordIsHarmless) {
    const Capabilities ses = ehlo_of("ehlo/amazon-ses.txt");
    EXPECT_EQ(ses.server_name(), "email-smtp.amazonaws.com");
    EXPECT_EQ(ses.size_limit(), 10485760u);
    EXPECT_EQ(ses.auth_mechanisms(), (Strings{"PLAIN", "LOGIN"}));
    EXPECT_TRUE(ses.has("OK"));
    EXPECT_EQ(ehlo_of("ehlo/zoho-after-starttls.txt").size_limit(), 53477376u);
}

TEST(CorpusFacts, ExchangeVendorKeywords) {
    const Capabilities caps = ehlo_of("ehlo/exchange-2016.txt");
    EXPECT_TRUE(caps.has("XRDST"));
    ASSERT_NE(caps.params("x-exps"), nullptr);
    EXPECT_EQ(*caps.params("x-exps"), (Strings{"GSSAPI", "NTLM"}));
    EXPECT_EQ(caps.auth_mechanisms(), Strings{"NTLM"});
    EXPECT_TRUE(caps.binarymime());
    EXPECT_TRUE(caps.dsn());
}

TEST(CorpusFacts, EhloRepliesCarryNoEnhancedCode) {
    for (const std::string& name : corpus_files()) {
        if (name.rfind("ehlo/", 0) == 0) {
            for (const Reply& reply : parse_file(name)) {
                EXPECT_EQ(reply.enhanced, std::nullopt) << name;
            }
        }
    }
}

TEST(CorpusFacts, Exim19Lines) {
    const std::vector<Reply> replies = parse_file("replies/exim-550-19-lines.txt");
    ASSERT_EQ(replies.size(), 1u);
    EXPECT_EQ(replies[0].code, 550);
    EXPECT_EQ(replies[0].lines.size(), 19u);
    EXPECT_EQ(replies[0].lines.back(), "Final line.");
}

TEST(CorpusFacts, EximNestedReplyCodesAreText) {
    const std::vector<Reply> replies = parse_file("replies/exim-550-nested-reply-codes.txt");
    ASSERT_EQ(replies.size(), 1u);
    EXPECT_EQ(replies[0].lines,
              (Strings{"Callout verification failed:", "550-Recipient not liked on two lines",
                       "550 Here's the second"}));
}

TEST(CorpusFacts, EximUtf8OctetsKept) {
    const std::string data = read_file("replies/exim-550-utf8-text.txt");
    const std::vector<Reply> replies = parse_file("replies/exim-550-utf8-text.txt");
    ASSERT_EQ(replies.size(), 1u);
    const std::string first = data.substr(4, data.find("\r\n") - 4);
    EXPECT_EQ(replies[0].lines[0], first);
    EXPECT_NE(replies[0].lines[0].find("\xe0\xaa"), std::string::npos);
}

TEST(CorpusFacts, GmailEnhancedCodeOnEveryLine) {
    const std::vector<Reply> replies = parse_file("replies/rcpt-550-nosuchuser-gmail.txt");
    ASSERT_EQ(replies.size(), 1u);
    EXPECT_EQ(replies[0].enhanced, (EnhancedStatus{5, 1, 1}));
    EXPECT_EQ(replies[0].text(),
              "The email account that you tried to reach does not exist. Please try\n"
              "double-checking the recipient's email address for typos or\n"
              "unnecessary spaces. Learn more at\n"
              " https://support.google.com/mail/?p=NoSuchUser s19si71853ejd.408 - gsmtp");
    EXPECT_EQ(replies[0].summary().rfind("550 5.1.1 The email account", 0), 0u);
}

TEST(CorpusFacts, GmailAuth534) {
    const std::vector<Reply> replies = parse_file("replies/auth-534-gmail-web-login-required.txt");
    ASSERT_EQ(replies.size(), 1u);
    EXPECT_EQ(replies[0].code, 534);
    EXPECT_EQ(replies[0].enhanced, (EnhancedStatus{5, 7, 14}));
    EXPECT_EQ(replies[0].lines.size(), 8u);
}

TEST(CorpusFacts, TwoRepliesInOneFile) {
    const std::vector<Reply> lmtp = parse_file("replies/go-smtp-lmtp-500-then-250.txt");
    ASSERT_EQ(lmtp.size(), 2u);
    EXPECT_EQ(lmtp[0].code, 500);
    EXPECT_EQ(lmtp[0].enhanced, (EnhancedStatus{5, 5, 1}));
    EXPECT_EQ(lmtp[1].code, 250);
    EXPECT_EQ(lmtp[1].lines.size(), 6u);
    EXPECT_EQ(Capabilities::from_ehlo(lmtp[1]).size_limit(), 33554432u);

    const std::vector<Reply> pipelined = parse_file("replies/pipelined-mail-rcpt-comcast.txt");
    ASSERT_EQ(pipelined.size(), 2u);
    EXPECT_EQ(pipelined[0].enhanced, (EnhancedStatus{2, 1, 0}));
    EXPECT_EQ(pipelined[1].enhanced, (EnhancedStatus{2, 1, 5}));
}

TEST(CorpusFacts, WhitespaceKept) {
    EXPECT_EQ(parse_file("replies/auth-empty-challenge-exim.txt").at(0).lines, Strings{""});
    EXPECT_EQ(parse_file("replies/data-354-gmail-double-space.txt")
                  .at(0)
                  .lines.at(0)
                  .rfind(" Go ahead", 0),
              0u);
    EXPECT_EQ(parse_file("replies/bdat-250-multiline-exim.txt").at(0).lines.at(0),
              " 88 byte chunk, total 88");
    const Reply greeting = parse_file("greeting/exim-cpanel-multiline.txt").at(0);
    ASSERT_EQ(greeting.lines.size(), 3u);
    EXPECT_EQ(greeting.lines[0].back(), ' ');
    EXPECT_EQ(greeting.lines[1].back(), ' ');
}

TEST(CorpusFacts, QmailStyleAndColonCodes) {
    // OpenSMTPD: "5.5.1 Invalid command: ..." is a real enhanced code.
    EXPECT_EQ(parse_file("replies/opensmtpd-503-command-not-supported.txt").at(0).enhanced,
              (EnhancedStatus{5, 5, 1}));
    EXPECT_EQ(parse_file("replies/auth-535-exim.txt").at(0).enhanced, std::nullopt);
}

}  // namespace
}  // namespace smtpkit::protocol
