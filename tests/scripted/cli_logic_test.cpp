// The pure parts of the smtpkit tool, without a server: exit codes, the
// composed message, the JSON document, the trace lines and the human report.
//
// Needs the tool's pure sources (src/cli/ except main.cpp and
// send_command.cpp) linked and src/ on the include path; until the build
// provides them this file compiles to nothing.
#if __has_include("cli/exit_codes.hpp")

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <sysexits.h>

#include <cstdlib>
#include <ctime>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "cli/exit_codes.hpp"
#include "cli/json_output.hpp"
#include "cli/message_compose.hpp"
#include "cli/send_report.hpp"
#include "cli/trace_printer.hpp"
#include "smtpkit/error.hpp"
#include "smtpkit/protocol/address.hpp"

namespace smtpkit::cli {
namespace {

using ::testing::AllOf;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;
using ::testing::StartsWith;

// --- helpers --------------------------------------------------------------------

Reply reply(int code, std::string text, std::optional<EnhancedStatus> enhanced = std::nullopt) {
    Reply r;
    r.code = code;
    r.enhanced = enhanced;
    r.lines.push_back(enhanced ? enhanced->to_string() + " " + text : text);
    return r;
}

RecipientResult recipient(std::string address, Reply r) {
    RecipientResult result;
    result.address = std::move(address);
    result.reply = std::move(r);
    return result;
}

// A transaction that got as far as the end of data.
SendResult transaction(std::vector<RecipientResult> recipients, Reply final_reply) {
    SendResult r;
    r.mail_reply = reply(250, "ok", EnhancedStatus{2, 1, 0});
    r.recipients = std::move(recipients);
    r.data_reply = reply(354, "go ahead");
    r.final_reply = std::move(final_reply);
    r.verdict = r.final_reply.positive_completion() ? Verdict::delivered : Verdict::not_delivered;
    r.round_trips = 4;
    r.bytes_sent = 123;
    return r;
}

ComposeInput input(std::string subject, std::string text) {
    ComposeInput in;
    in.from = "me@x.org";
    in.to = {"a@x.org"};
    in.subject = std::move(subject);
    in.text = std::move(text);
    return in;
}

const Reply queued = reply(250, "queued as 4711", EnhancedStatus{2, 0, 0});
const Reply user_unknown = reply(550, "no such user", EnhancedStatus{5, 1, 1});
const Reply mailbox_busy = reply(450, "mailbox busy", EnhancedStatus{4, 2, 1});
const Reply accepted = reply(250, "ok", EnhancedStatus{2, 1, 5});

SendOutcome finished(SendResult result) {
    SendOutcome o;
    o.stage = Stage::done;
    o.result = std::move(result);
    return o;
}

SendOutcome failed(Stage stage, std::error_code ec, Reply last = {}, SendResult result = {}) {
    SendOutcome o;
    o.stage = stage;
    o.ec = ec;
    o.reply = std::move(last);
    o.result = std::move(result);
    return o;
}

std::string decode_base64(std::string_view text) {
    std::string out(text.size(), '\0');
    const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<const unsigned char*>(text.data()),
                                  static_cast<int>(text.size()));
    EXPECT_GE(n, 0) << "not base64: " << text;
    out.resize(static_cast<std::size_t>(std::max(n, 0)));
    // EVP_DecodeBlock keeps the padding's zero octets.
    const std::size_t pad = static_cast<std::size_t>(std::count(text.begin(), text.end(), '='));
    out.resize(out.size() - std::min(pad, out.size()));
    return out;
}

std::vector<std::string> split_lines(std::string_view text) {
    std::vector<std::string> lines;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        const std::size_t end = text.find("\r\n", pos);
        lines.emplace_back(text.substr(pos, end - pos));
        if (end == std::string_view::npos) {
            break;
        }
        pos = end + 2;
    }
    return lines;
}

// RFC 5322 unfolding: remove every CRLF that precedes white space.
std::string unfold(std::string_view header) {
    std::string out;
    for (std::size_t i = 0; i < header.size(); ++i) {
        if (header.compare(i, 2, "\r\n") == 0) {
            ++i;
            continue;
        }
        out += header[i];
    }
    return out;
}

// The decoded text of "Subject: =?UTF-8?B?...?=\r\n =?UTF-8?B?...?=".
std::string decode_encoded_words(std::string_view header) {
    std::string text;
    std::size_t pos = 0;
    while ((pos = header.find("=?UTF-8?B?", pos)) != std::string_view::npos) {
        pos += 10;
        const std::size_t end = header.find("?=", pos);
        const std::string word = decode_base64(header.substr(pos, end - pos));
        // Each word must hold whole characters (RFC 2047 5).
        EXPECT_TRUE(protocol::is_valid_utf8(word)) << "word splits a character: " << word;
        text += word;
        pos = end + 2;
    }
    return text;
}

class WithTimeZone {
  public:
    explicit WithTimeZone(const char* tz) {
        if (const char* old = std::getenv("TZ")) {
            old_ = old;
        }
        ::setenv("TZ", tz, 1);
        ::tzset();
    }
    ~WithTimeZone() {
        if (old_) {
            ::setenv("TZ", old_->c_str(), 1);
        } else {
            ::unsetenv("TZ");
        }
        ::tzset();
    }

  private:
    std::optional<std::string> old_;
};

// --- exit codes -------------------------------------------------------------------

TEST(CliExitCode, ZeroOnlyWhenEveryRecipientAcceptedAndMessageTaken) {
    EXPECT_EQ(exit_code(finished(transaction({recipient("a@x.org", accepted)}, queued))), EX_OK);
    EXPECT_EQ(exit_code(finished(transaction(
                  {recipient("a@x.org", accepted), recipient("b@x.org", accepted)}, queued))),
              EX_OK);
}

TEST(CliExitCode, PartialDeliveryWithPermanentRefusalIsUnavailable) {
    const SendOutcome o = finished(
        transaction({recipient("a@x.org", accepted), recipient("b@x.org", user_unknown)}, queued));
    ASSERT_TRUE(o.result.delivered());
    EXPECT_EQ(exit_code(o), EX_UNAVAILABLE);
}

TEST(CliExitCode, PartialDeliveryWithOnlyTemporaryRefusalIsTempfail) {
    EXPECT_EQ(exit_code(finished(transaction(
                  {recipient("a@x.org", accepted), recipient("b@x.org", mailbox_busy)}, queued))),
              EX_TEMPFAIL);
}

TEST(CliExitCode, PermanentRefusalWinsOverTemporary) {
    EXPECT_EQ(exit_code(finished(
                  transaction({recipient("a@x.org", accepted), recipient("b@x.org", mailbox_busy),
                               recipient("c@x.org", user_unknown)},
                              queued))),
              EX_UNAVAILABLE);
}

TEST(CliExitCode, NoValidRecipientsFollowsTheirReplies) {
    SendResult all_busy;
    all_busy.mail_reply = accepted;
    all_busy.recipients = {recipient("a@x.org", mailbox_busy), recipient("b@x.org", mailbox_busy)};
    EXPECT_EQ(exit_code(failed(Stage::send, make_error_code(error::no_valid_recipients),
                               mailbox_busy, all_busy)),
              EX_TEMPFAIL);

    SendResult mixed = all_busy;
    mixed.recipients[1].reply = user_unknown;
    EXPECT_EQ(exit_code(failed(Stage::send, make_error_code(error::no_valid_recipients),
                               user_unknown, mixed)),
              EX_UNAVAILABLE);
}

TEST(CliExitCode, RefusalsUseTheReplyClass) {
    const std::error_code greeting = make_error_code(error::greeting_refused);
    EXPECT_EQ(exit_code(failed(Stage::connect, greeting, reply(421, "busy"))), EX_TEMPFAIL);
    EXPECT_EQ(exit_code(failed(Stage::connect, greeting, reply(554, "go away"))), EX_UNAVAILABLE);

    const std::error_code sender = make_error_code(error::sender_refused);
    EXPECT_EQ(exit_code(failed(Stage::send, sender, reply(451, "later"))), EX_TEMPFAIL);
    EXPECT_EQ(exit_code(failed(Stage::send, sender, reply(553, "not yours"))), EX_UNAVAILABLE);

    const std::error_code hello = make_error_code(error::hello_refused);
    EXPECT_EQ(exit_code(failed(Stage::connect, hello, reply(502, "no"))), EX_UNAVAILABLE);
}

TEST(CliExitCode, RefusedMessage) {
    const SendResult temp = transaction({recipient("a@x.org", accepted)}, reply(451, "later"));
    EXPECT_EQ(exit_code(failed(Stage::send, make_error_code(error::message_refused),
                               temp.final_reply, temp)),
              EX_TEMPFAIL);
    const SendResult perm = transaction({recipient("a@x.org", accepted)}, reply(554, "spam"));
    EXPECT_EQ(exit_code(failed(Stage::send, make_error_code(error::message_refused),
                               perm.final_reply, perm)),
              EX_UNAVAILABLE);
}

TEST(CliExitCode, ProtocolViolations) {
    for (error e : {error::reply_not_digits, error::reply_code_mismatch, error::unexpected_reply,
                    error::reply_line_too_long, error::reply_contains_nul}) {
        EXPECT_EQ(exit_code(failed(Stage::connect, make_error_code(e))), EX_PROTOCOL)
            << make_error_code(e).message();
    }
}

TEST(CliExitCode, NetworkTroubleIsTemporary) {
    EXPECT_EQ(exit_code(failed(Stage::connect, make_error_code(error::timeout))), EX_TEMPFAIL);
    EXPECT_EQ(exit_code(failed(Stage::send, make_error_code(error::connection_closed))),
              EX_TEMPFAIL);
    EXPECT_EQ(
        exit_code(failed(Stage::connect, std::make_error_code(std::errc::connection_refused))),
        EX_TEMPFAIL);
    EXPECT_EQ(exit_code(failed(Stage::send, std::make_error_code(std::errc::connection_reset))),
              EX_TEMPFAIL);
}

TEST(CliExitCode, LostAfterTheMessageIsTemporary) {
    SendResult r = transaction({recipient("a@x.org", accepted)}, Reply{});
    r.verdict = Verdict::unknown;
    EXPECT_EQ(exit_code(failed(Stage::send, make_error_code(error::connection_closed), {}, r)),
              EX_TEMPFAIL);
}

class FakeNetdbCategory final : public std::error_category {
  public:
    const char* name() const noexcept override { return "asio.netdb"; }
    std::string message(int) const override { return "Host not found (authoritative)"; }
};

TEST(CliExitCode, UnknownHost) {
    static const FakeNetdbCategory netdb;
    EXPECT_EQ(exit_code(failed(Stage::connect, std::error_code(1, netdb))), EX_NOHOST);
    // TRY_AGAIN: DNS trouble that may pass.
    EXPECT_EQ(exit_code(failed(Stage::connect, std::error_code(2, netdb))), EX_TEMPFAIL);
}

TEST(CliExitCode, BadInput) {
    EXPECT_EQ(exit_code(failed(Stage::check_input, make_error_code(error::invalid_address))),
              EX_DATAERR);
    EXPECT_EQ(exit_code(failed(Stage::check_input, make_error_code(error::invalid_character))),
              EX_DATAERR);
    EXPECT_EQ(exit_code(failed(Stage::check_input,
                               std::make_error_code(std::errc::illegal_byte_sequence))),
              EX_DATAERR);
    // The server lacks SMTPUTF8 for a UTF-8 address: known only after EHLO.
    EXPECT_EQ(exit_code(failed(Stage::send, make_error_code(error::utf8_not_allowed))), EX_DATAERR);
}

TEST(CliExitCode, UnreadableMessage) {
    EXPECT_EQ(exit_code(failed(Stage::read_message,
                               std::make_error_code(std::errc::no_such_file_or_directory))),
              EX_NOINPUT);
    EXPECT_EQ(exit_code(failed(Stage::read_message, std::make_error_code(std::errc::io_error))),
              EX_NOINPUT);
}

TEST(CliExitCode, TlsFailures) {
    const auto code = [](error e, Reply last = {}) {
        return exit_code(failed(Stage::connect, make_error_code(e), std::move(last)));
    };
    EXPECT_EQ(code(error::starttls_not_offered), EX_UNAVAILABLE);
    EXPECT_EQ(code(error::certificate_untrusted), EX_UNAVAILABLE);
    EXPECT_EQ(code(error::certificate_host_mismatch), EX_UNAVAILABLE);
    EXPECT_EQ(code(error::tls_version_refused), EX_UNAVAILABLE);
    EXPECT_EQ(code(error::starttls_refused, reply(454, "TLS not available now")), EX_TEMPFAIL);
    EXPECT_EQ(code(error::starttls_refused, reply(554, "no TLS here")), EX_UNAVAILABLE);
    EXPECT_EQ(code(error::starttls_injection), EX_PROTOCOL);
    EXPECT_EQ(code(error::tls_handshake_failed), EX_PROTOCOL);
    EXPECT_EQ(code(error::tls_setup_failed), EX_CONFIG);
}

TEST(CliExitCode, InternalMisuseIsSoftware) {
    EXPECT_EQ(exit_code(failed(Stage::send, make_error_code(error::not_connected))), EX_SOFTWARE);
}

// --- the composed message ---------------------------------------------------------

TEST(CliCompose, DateIsRfc5322WithOffset) {
    {
        WithTimeZone utc("UTC");
        EXPECT_EQ(rfc5322_date(0), "Thu, 01 Jan 1970 00:00:00 +0000");
        EXPECT_EQ(rfc5322_date(951782400), "Tue, 29 Feb 2000 00:00:00 +0000");
    }
    {
        WithTimeZone india("IST-5:30");
        EXPECT_EQ(rfc5322_date(0), "Thu, 01 Jan 1970 05:30:00 +0530");
    }
    {
        WithTimeZone newfoundland("NST3:30");
        EXPECT_EQ(rfc5322_date(0), "Wed, 31 Dec 1969 20:30:00 -0330");
    }
}

TEST(CliCompose, MessageIdIsRandomAndWellFormed) {
    const auto a = make_message_id("host.example");
    const auto b = make_message_id("host.example");
    ASSERT_TRUE(a && b);
    EXPECT_THAT(*a, MatchesRegex("<[0-9a-f]{32}@host\\.example>"));
    EXPECT_NE(*a, *b);
}

TEST(CliCompose, ShortAsciiSubjectIsPlain) {
    EXPECT_EQ(subject_header("Hello there"), "Subject: Hello there");
}

TEST(CliCompose, LongAsciiSubjectIsFoldedAtSpaces) {
    std::string subject;
    for (int i = 0; i < 30; ++i) {
        subject += "word" + std::to_string(i) + " ";
    }
    subject += "end";
    const std::string header = subject_header(subject);
    const auto lines = split_lines(header);
    ASSERT_GT(lines.size(), 1u);
    for (const std::string& line : lines) {
        EXPECT_LE(line.size(), 78u) << line;
    }
    for (std::size_t i = 1; i < lines.size(); ++i) {
        EXPECT_THAT(lines[i], StartsWith(" "));
        EXPECT_THAT(lines[i], Not(MatchesRegex(" *")));
    }
    EXPECT_EQ(unfold(header), "Subject: " + subject);
}

TEST(CliCompose, NonAsciiSubjectIsEncodedInWholeCharacters) {
    // Two-, three- and four-octet characters, long enough for several words.
    std::string subject;
    for (int i = 0; i < 12; ++i) {
        subject += "Grüße — 😀 ";
    }
    const std::string header = subject_header(subject);
    const auto lines = split_lines(header);
    ASSERT_GT(lines.size(), 2u);
    EXPECT_THAT(lines[0], StartsWith("Subject: =?UTF-8?B?"));
    for (const std::string& line : lines) {
        EXPECT_LE(line.size(), 76u) << line;  // RFC 2047 2
        for (char c : line) {
            EXPECT_LT(static_cast<unsigned char>(c), 0x80) << "raw 8-bit octet in " << line;
        }
    }
    EXPECT_EQ(decode_encoded_words(header), subject);
}

TEST(CliCompose, TextThatLooksEncodedIsEncoded) {
    const std::string subject = "=?UTF-8?B?SGk=?= literally";
    const std::string header = subject_header(subject);
    EXPECT_THAT(header, StartsWith("Subject: =?UTF-8?B?"));
    EXPECT_EQ(decode_encoded_words(header), subject);
}

TEST(CliCompose, RecipientListIsFoldedAfterCommas) {
    std::vector<std::string> to;
    std::string joined;
    for (int i = 0; i < 12; ++i) {
        to.push_back("recipient.number." + std::to_string(i) + "@example.org");
        joined += (i ? ", " : "") + to.back();
    }
    const std::string header = address_list_header("To", to);
    for (const std::string& line : split_lines(header)) {
        EXPECT_LE(line.size(), 78u) << line;
    }
    EXPECT_GT(split_lines(header).size(), 1u);
    EXPECT_EQ(unfold(header), "To: " + joined);
}

TEST(CliCompose, BodyGetsCrlfLineEndings) {
    EXPECT_EQ(encode_body("a\nb").content, "a\r\nb\r\n");
    EXPECT_EQ(encode_body("a\r\nb\r\n").content, "a\r\nb\r\n");
    EXPECT_EQ(encode_body("a\rb\n\n").content, "a\r\nb\r\n\r\n");
    EXPECT_EQ(encode_body("").content, "");
    EXPECT_EQ(encode_body("plain").encoding, "7bit");
    EXPECT_EQ(encode_body("Grüße").encoding, "8bit");
}

TEST(CliCompose, OverlongLinesAreBase64) {
    const std::string text = std::string(1200, 'x') + "\nshort";
    const EncodedBody body = encode_body(text);
    EXPECT_EQ(body.encoding, "base64");
    std::string joined;
    for (const std::string& line : split_lines(body.content)) {
        EXPECT_LE(line.size(), 76u);
        joined += line;
    }
    EXPECT_EQ(decode_base64(joined), std::string(1200, 'x') + "\r\nshort\r\n");
}

TEST(CliCompose, WholeMessage) {
    WithTimeZone utc("UTC");
    std::error_code ec;
    std::string field;
    const std::string m = compose_message({.from = "me@example.com",
                                           .to = {"a@example.org", "b@example.org"},
                                           .subject = "Hi",
                                           .text = "line one\nline two"},
                                          {.now = 0, .message_id = "<id@host>"}, ec, field);
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_EQ(m,
              "Date: Thu, 01 Jan 1970 00:00:00 +0000\r\n"
              "From: me@example.com\r\n"
              "To: a@example.org, b@example.org\r\n"
              "Subject: Hi\r\n"
              "Message-ID: <id@host>\r\n"
              "MIME-Version: 1.0\r\n"
              "Content-Type: text/plain; charset=utf-8\r\n"
              "Content-Transfer-Encoding: 7bit\r\n"
              "\r\n"
              "line one\r\nline two\r\n");
}

TEST(CliCompose, NoSubjectOrMessageIdLeavesTheHeadersOut) {
    std::error_code ec;
    std::string field;
    const std::string m = compose_message(input("", ""), {.now = 0, .message_id = ""}, ec, field);
    ASSERT_FALSE(ec);
    EXPECT_THAT(m, Not(HasSubstr("Subject:")));
    EXPECT_THAT(m, Not(HasSubstr("Message-ID:")));
    EXPECT_THAT(m, HasSubstr("\r\n\r\n"));
}

TEST(CliCompose, RefusesHeaderInjectionAndBadText) {
    std::error_code ec;
    std::string field;
    EXPECT_EQ(compose_message(input("Hi\r\nBcc: e@x.org", ""), {}, ec, field), "");
    EXPECT_EQ(ec, error::invalid_character);
    EXPECT_EQ(field, "--subject");

    compose_message(input("Hi\nX: y", ""), {}, ec, field);
    EXPECT_EQ(ec, error::invalid_character);

    compose_message(input("", std::string("a\0b", 3)), {}, ec, field);
    EXPECT_EQ(ec, error::invalid_character);
    EXPECT_EQ(field, "--text");

    compose_message(input("", "\xff\xfe"), {}, ec, field);
    EXPECT_EQ(ec, std::errc::illegal_byte_sequence);
    EXPECT_EQ(field, "--text");

    compose_message(input("caf\xe9", ""), {}, ec, field);
    EXPECT_EQ(ec, std::errc::illegal_byte_sequence);
    EXPECT_EQ(field, "--subject");
}

// --- JSON -----------------------------------------------------------------------

TEST(CliJson, PartialDelivery) {
    const SendOutcome o = finished(
        transaction({recipient("a@x.org", accepted), recipient("b@x.org", user_unknown)}, queued));
    const auto j = nlohmann::json::parse(json_report(o));
    EXPECT_EQ(j["verdict"], "delivered");
    EXPECT_EQ(j["delivered"], true);
    EXPECT_EQ(j["mail"]["code"], 250);
    EXPECT_EQ(j["mail"]["enhanced"], "2.1.0");
    ASSERT_EQ(j["recipients"].size(), 2u);
    EXPECT_EQ(j["recipients"][0]["address"], "a@x.org");
    EXPECT_EQ(j["recipients"][0]["accepted"], true);
    EXPECT_EQ(j["recipients"][1]["address"], "b@x.org");
    EXPECT_EQ(j["recipients"][1]["accepted"], false);
    EXPECT_EQ(j["recipients"][1]["code"], 550);
    EXPECT_EQ(j["recipients"][1]["enhanced"], "5.1.1");
    EXPECT_EQ(j["recipients"][1]["text"], "no such user");
    EXPECT_EQ(j["data"]["code"], 354);
    EXPECT_EQ(j["data"]["enhanced"], nullptr);
    EXPECT_EQ(j["final"]["text"], "queued as 4711");
    EXPECT_EQ(j["round_trips"], 4);
    EXPECT_EQ(j["bytes"], 123);
    EXPECT_FALSE(j.contains("error"));
}

TEST(CliJson, FailureCarriesTheErrorAndTheRefusal) {
    SendResult r;
    r.mail_reply = reply(553, "not yours", EnhancedStatus{5, 7, 1});
    const auto j = nlohmann::json::parse(
        json_report(failed(Stage::send, make_error_code(error::sender_refused), r.mail_reply, r)));
    EXPECT_EQ(j["verdict"], "not_delivered");
    EXPECT_EQ(j["delivered"], false);
    EXPECT_EQ(j["final"], nullptr);
    EXPECT_EQ(j["recipients"], nlohmann::json::array());
    EXPECT_EQ(j["error"]["code"], "sender_refused");
    EXPECT_EQ(j["error"]["category"], "smtpkit");
    EXPECT_EQ(j["error"]["value"], static_cast<int>(error::sender_refused));
    EXPECT_EQ(j["error"]["stage"], "send");
    EXPECT_EQ(j["error"]["reply"]["code"], 553);
    EXPECT_EQ(j["error"]["reply"]["enhanced"], "5.7.1");
}

TEST(CliJson, SystemErrorsHaveNames) {
    SendOutcome o = failed(Stage::connect, std::make_error_code(std::errc::connection_refused));
    o.subject = "connecting to 127.0.0.1 port 1";
    const auto j = nlohmann::json::parse(json_report(o));
    EXPECT_EQ(j["error"]["code"], "connection_refused");
    EXPECT_EQ(j["error"]["stage"], "connect");
    EXPECT_EQ(j["error"]["about"], "connecting to 127.0.0.1 port 1");
    EXPECT_FALSE(j["error"].contains("reply"));
}

// Scripts match on error.code: every smtpkit error needs a name here. This
// fails when the library gains an error the tool does not name yet.
TEST(CliJson, EverySmtpkitErrorHasAName) {
    const std::string unknown = error_category().message(0);
    for (int v = 1; v < 1000; ++v) {
        const std::error_code ec(v, error_category());
        if (ec.message() == unknown) {
            continue;  // not an error value
        }
        const std::string name = error_name(ec);
        EXPECT_THAT(name, MatchesRegex("[a-z][a-z0-9_]*")) << v << ": " << ec.message();
    }
    EXPECT_EQ(error_name(make_error_code(error::certificate_host_mismatch)),
              "certificate_host_mismatch");
}

TEST(CliJson, ServerBytesThatAreNotUtf8DoNotBreakTheDocument) {
    const SendOutcome o =
        finished(transaction({recipient("a@x.org", accepted)}, reply(250, "ok \xff\xfe")));
    std::string doc;
    ASSERT_NO_THROW(doc = json_report(o));
    // Each bad octet becomes U+FFFD.
    EXPECT_EQ(nlohmann::json::parse(doc)["final"]["text"], "ok \xEF\xBF\xBD\xEF\xBF\xBD");
}

// --- trace ----------------------------------------------------------------------

TEST(CliTrace, PrefixesEachDirection) {
    std::ostringstream out;
    TracePrinter trace(out);
    trace(TraceDirection::info, "connecting");
    trace(TraceDirection::server, "220 ready");
    trace(TraceDirection::client, "MAIL FROM:<a@x.org>");
    EXPECT_EQ(out.str(), "* connecting\nS: 220 ready\nC: MAIL FROM:<a@x.org>\n");
}

TEST(CliTrace, CredentialsAreRedacted) {
    std::ostringstream out;
    TracePrinter trace(out);
    EXPECT_EQ(trace.format(TraceDirection::client, "AUTH PLAIN AGFsaWNlAHNlY3JldA=="),
              "C: AUTH PLAIN <redacted>");
    EXPECT_EQ(trace.format(TraceDirection::server, "235 2.7.0 ok"), "S: 235 2.7.0 ok");
    EXPECT_EQ(trace.format(TraceDirection::client, "MAIL FROM:<a@x.org>"),
              "C: MAIL FROM:<a@x.org>");

    EXPECT_EQ(trace.format(TraceDirection::client, "auth login"), "C: auth login");
    EXPECT_EQ(trace.format(TraceDirection::server, "334 VXNlcm5hbWU6"), "S: 334 VXNlcm5hbWU6");
    EXPECT_EQ(trace.format(TraceDirection::client, "YWxpY2U="), "C: <redacted>");
    EXPECT_EQ(trace.format(TraceDirection::server, "334 UGFzc3dvcmQ6"), "S: 334 UGFzc3dvcmQ6");
    EXPECT_EQ(trace.format(TraceDirection::client, "c2VjcmV0"), "C: <redacted>");
    EXPECT_EQ(trace.format(TraceDirection::server, "535-5.7.8 bad"), "S: 535-5.7.8 bad");
    EXPECT_EQ(trace.format(TraceDirection::client, "c2VjcmV0"), "C: <redacted>");
    EXPECT_EQ(trace.format(TraceDirection::server, "535 5.7.8 credentials"),
              "S: 535 5.7.8 credentials");
    EXPECT_EQ(trace.format(TraceDirection::client, "QUIT"), "C: QUIT");
}

TEST(CliTrace, TerminalControlsAreEscaped) {
    std::ostringstream out;
    TracePrinter trace(out);
    EXPECT_EQ(trace.format(TraceDirection::server, "250 \x1b[2Jok\x7f"), "S: 250 \\x1B[2Jok\\x7F");
}

// --- the human report -------------------------------------------------------------

TEST(CliReport, SummaryListsEachRecipientAndTheMessage) {
    const SendOutcome o = finished(
        transaction({recipient("a@x.org", accepted), recipient("b@x.org", user_unknown)}, queued));
    EXPECT_THAT(summary_lines(o), ElementsAre("accepted  a@x.org: 250 2.1.5 ok",
                                              "rejected  b@x.org: 550 5.1.1 no such user",
                                              "message   delivered: 250 2.0.0 queued as 4711"));
    EXPECT_THAT(error_lines(o),
                ElementsAre("smtpkit: recipient rejected: b@x.org: 550 5.1.1 no such user"));
}

TEST(CliReport, FullSuccessPrintsNoError) {
    const auto lines = error_lines(finished(transaction({recipient("a@x.org", accepted)}, queued)));
    EXPECT_TRUE(lines.empty()) << ::testing::PrintToString(lines);
}

TEST(CliReport, ErrorLineSaysWhatHappenedAndWhatTheServerSaid) {
    SendOutcome o = failed(Stage::connect, make_error_code(error::greeting_refused),
                           reply(554, "go away", EnhancedStatus{5, 7, 1}));
    o.subject = "connecting to mx.example port 25";
    EXPECT_THAT(error_lines(o), ElementsAre("smtpkit: connecting to mx.example port 25: the server "
                                            "refused the connection in its greeting: 554 5.7.1 "
                                            "go away"));
    EXPECT_TRUE(summary_lines(o).empty()) << ::testing::PrintToString(summary_lines(o));
}

TEST(CliReport, TimeoutDoesNotQuoteAnEarlierPositiveReply) {
    const SendOutcome o =
        failed(Stage::send, make_error_code(error::timeout), reply(250, "ok"), SendResult{});
    EXPECT_THAT(error_lines(o), ElementsAre("smtpkit: the server did not answer in time"));
}

TEST(CliReport, UnknownVerdictWarnsOfDuplicates) {
    SendResult r = transaction({recipient("a@x.org", accepted)}, Reply{});
    r.verdict = Verdict::unknown;
    const SendOutcome o = failed(Stage::send, make_error_code(error::connection_closed), {}, r);
    EXPECT_THAT(error_lines(o), Contains(HasSubstr("it may have been delivered")));
    EXPECT_THAT(summary_lines(o), Contains(StartsWith("message   unknown")));
}

TEST(CliReport, ServerTextCannotDriveTheTerminal) {
    SendResult r;
    r.mail_reply = reply(553, "\x1b]0;owned\x07 no");
    const SendOutcome o =
        failed(Stage::send, make_error_code(error::sender_refused), r.mail_reply, r);
    for (const std::string& line : error_lines(o)) {
        EXPECT_EQ(line.find('\x1b'), std::string::npos) << line;
    }
    for (const std::string& line : summary_lines(o)) {
        EXPECT_EQ(line.find('\x1b'), std::string::npos) << line;
    }
}

TEST(CliReport, InvalidUtf8IsSaidInWords) {
    SendOutcome o =
        failed(Stage::check_input, std::make_error_code(std::errc::illegal_byte_sequence));
    o.subject = "bad --text";
    EXPECT_THAT(error_lines(o), ElementsAre("smtpkit: bad --text: not valid UTF-8"));
}

}  // namespace
}  // namespace smtpkit::cli

#endif  // __has_include("cli/exit_codes.hpp")
