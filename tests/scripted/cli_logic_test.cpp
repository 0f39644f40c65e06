// The pure parts of the smtpkit tool, without a server: exit codes, the
// composed message, the JSON document, the trace lines and the human report;
// the TLS flags and what they ask of the connection; probe's dialogue
// recorder and report.
//
// Needs the tool's pure sources (src/cli/ except main.cpp and
// send_command.cpp) linked and src/ on the include path; until the build
// provides them this file compiles to nothing.
#if __has_include("cli/exit_codes.hpp")

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sysexits.h>

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "cli/connect_client.hpp"
#include "cli/exit_codes.hpp"
#include "cli/json_output.hpp"
#include "cli/probe_command.hpp"
#include "cli/probe_report.hpp"
#include "cli/send_command.hpp"
#include "cli/send_report.hpp"
#include "cli/tls_flags.hpp"
#include "cli/trace_printer.hpp"
#include "smtpkit/error.hpp"
#include "smtpkit/protocol/address.hpp"
#include "smtpkit/protocol/reply_parser.hpp"

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

// --- TLS flags -> ConnectOptions ----------------------------------------------------

// Parses `smtpkit send <args>` (with the required --from/--to added) and
// returns the ConnectOptions; throws CLI::ParseError for a usage error.
ConnectOptions send_connect_options(std::vector<std::string> args) {
    args.insert(args.begin(), {"--from", "a@x.org", "--to", "b@x.org"});
    CLI::App app("test");
    SendOptions options;
    add_send_flags(app, options);
    std::reverse(args.begin(), args.end());  // CLI11 takes them reversed
    app.parse(args);
    return send_connect_options(options);
}

ConnectOptions probe_connect_options(std::vector<std::string> args) {
    CLI::App app("test");
    ProbeOptions options;
    add_probe_flags(app, options);
    std::reverse(args.begin(), args.end());
    app.parse(args);
    return probe_connect_options(options);
}

constexpr Option tls_bits = Option::trusted_site | Option::secure_fallback;

TEST(CliTlsFlags, TlsIsRequiredByDefaultExceptOnLoopback) {
    // A server on the network: STARTTLS required, as in the library.
    const ConnectOptions remote = send_connect_options({"--server", "mx.example.com"});
    EXPECT_EQ(remote.security, Security::starttls);
    EXPECT_EQ(remote.options & tls_bits, Option::none);
    EXPECT_TRUE(remote.extended);
    EXPECT_EQ(send_connect_options({"--server", "192.0.2.1"}).security, Security::starttls);
    EXPECT_EQ(send_connect_options({"--server", "::ffff:10.0.0.1"}).security, Security::starttls);
    // Loopback is not on a network: plaintext, so local relays need no flag.
    for (const char* local :
         {"localhost", "LOCALHOST.", "127.0.0.1", "127.1.2.3", "::1", "[::1]"}) {
        EXPECT_EQ(send_connect_options({"--server", local}).security, Security::plaintext) << local;
    }
    EXPECT_EQ(send_connect_options({}).security, Security::plaintext);  // --server localhost
    // A name that only looks local is not.
    EXPECT_EQ(send_connect_options({"--server", "localhost.example.com"}).security,
              Security::starttls);
    EXPECT_EQ(send_connect_options({"--server", "128.0.0.1"}).security, Security::starttls);
}

TEST(CliTlsFlags, TlsModes) {
    EXPECT_EQ(send_connect_options({"--tls", "starttls"}).security, Security::starttls);
    EXPECT_EQ(send_connect_options({"--tls", "implicit"}).security, Security::implicit_tls);
    EXPECT_EQ(send_connect_options({"--tls", "opportunistic"}).security,
              Security::starttls_when_available);
    EXPECT_EQ(send_connect_options({"--server", "mx.example.com", "--tls", "none"}).security,
              Security::plaintext);
    EXPECT_THROW(send_connect_options({"--tls", "sometimes"}), CLI::ParseError);
    EXPECT_THROW(send_connect_options({"--tls"}), CLI::ParseError);
}

TEST(CliTlsFlags, Port465IsImplicitOnlyWithoutAnExplicitTls) {
    EXPECT_EQ(send_connect_options({"--port", "465"}).security, Security::implicit_tls);
    EXPECT_EQ(send_connect_options({"--server", "mx.example.com", "--port", "465"}).security,
              Security::implicit_tls);
    EXPECT_EQ(send_connect_options({"--port", "465", "--tls", "none"}).security,
              Security::plaintext);
    EXPECT_EQ(send_connect_options({"--port", "465", "--tls", "starttls"}).security,
              Security::starttls);
    EXPECT_EQ(send_connect_options({"--server", "mx.example.com", "--port", "587"}).security,
              Security::starttls);
    // Implicit TLS on the default port: the library makes that 465.
    const ConnectOptions c = send_connect_options({"--tls", "implicit"});
    EXPECT_EQ(effective_port(0, c.security), 465);
}

TEST(CliTlsFlags, DangerousOptInsAndFilesAreMapped) {
    const ConnectOptions c =
        send_connect_options({"--tls", "starttls", "--trusted-site", "--secure-fallback",
                              "--cafile", "/ca.pem", "--capath", "/certs", "--cert", "/client.pem",
                              "--key", "/client.key", "--key-password-file", "/pw"});
    EXPECT_EQ(c.security, Security::starttls);
    EXPECT_EQ(c.options & tls_bits, Option::trusted_site | Option::secure_fallback);
    EXPECT_EQ(c.tls.ca_file, "/ca.pem");
    EXPECT_EQ(c.tls.ca_path, "/certs");
    EXPECT_EQ(c.tls.cert_file, "/client.pem");
    EXPECT_EQ(c.tls.key_file, "/client.key");
    EXPECT_EQ(c.tls.key_password, "");  // read from the file when connecting, not parsed
}

TEST(CliTlsFlags, TlsSettingsOnAPlaintextSessionAreUsageErrors) {
    for (const char* flag : {"--trusted-site", "--secure-fallback"}) {
        EXPECT_THROW(send_connect_options({flag}), CLI::ValidationError) << flag;  // loopback
        EXPECT_THROW(send_connect_options({"--tls", "none", flag}), CLI::ValidationError) << flag;
    }
    for (const char* flag : {"--cafile", "--capath", "--cert"}) {
        EXPECT_THROW(send_connect_options({flag, "/x"}), CLI::ValidationError) << flag;
    }
    // Port 465 without --tls is TLS, and so is a remote server: they belong there.
    EXPECT_NO_THROW(send_connect_options({"--port", "465", "--cafile", "/x"}));
    EXPECT_NO_THROW(send_connect_options({"--server", "mx.example.com", "--cafile", "/x"}));
    try {
        send_connect_options({"--cafile", "/x"});
    } catch (const CLI::ValidationError& e) {
        EXPECT_THAT(e.what(), AllOf(HasSubstr("--cafile"), HasSubstr("--tls starttls")));
    }
}

TEST(CliTlsFlags, KeyNeedsACertificate) {
    EXPECT_THROW(send_connect_options({"--tls", "starttls", "--key", "/k"}), CLI::ValidationError);
    EXPECT_THROW(send_connect_options({"--tls", "starttls", "--key-password-file", "/p"}),
                 CLI::ValidationError);
    // A combined PEM: --cert alone is fine.
    EXPECT_NO_THROW(send_connect_options({"--tls", "starttls", "--cert", "/both.pem"}));
}

TEST(CliTlsFlags, NoPasswordOnTheCommandLine) {
    EXPECT_THROW(send_connect_options({"--tls", "starttls", "--cert", "/c", "--key-password", "x"}),
                 CLI::ParseError);
    EXPECT_THROW(send_connect_options({"--tls", "starttls", "--cert", "/c", "--password", "x"}),
                 CLI::ParseError);
}

TEST(CliTlsFlags, ProbeTakesTheSameTlsFlags) {
    const ConnectOptions c = probe_connect_options(
        {"--server", "mx.example", "--tls", "starttls", "--cafile", "/ca.pem", "--trusted-site"});
    EXPECT_EQ(c.security, Security::starttls);
    EXPECT_EQ(c.options & tls_bits, Option::trusted_site);
    EXPECT_TRUE(c.extended);  // the capabilities are the point
    EXPECT_EQ(c.tls.ca_file, "/ca.pem");
    EXPECT_EQ(probe_connect_options({"--server", "h", "--port", "465"}).security,
              Security::implicit_tls);
    EXPECT_EQ(probe_connect_options({"--server", "mx.example.com"}).security, Security::starttls);
    EXPECT_EQ(probe_connect_options({"--server", "127.0.0.1"}).security, Security::plaintext);
    EXPECT_THROW(probe_connect_options({"--server", "localhost", "--cafile", "/x"}),
                 CLI::ValidationError);
    // A client certificate: for AUTH EXTERNAL (probe --user tries it).
    EXPECT_EQ(probe_connect_options({"--server", "h", "--tls", "starttls", "--cert", "/c"})
                  .tls.cert_file,
              "/c");
    // --server is required (no account gives one here).
    EXPECT_THROW(probe_connect_options({}), CLI::ValidationError);
    EXPECT_THROW(probe_connect_options({"--server", "h", "--helo", "bad name"}), CLI::ParseError);
}

TEST(CliTlsFlags, WarningsForTheDangerousOptIns) {
    EXPECT_TRUE(tls_warnings(TlsFlags{.mode = "starttls"}).empty());
    const auto trusted = tls_warnings(TlsFlags{.mode = "starttls", .trusted_site = true});
    ASSERT_EQ(trusted.size(), 1u);
    EXPECT_THAT(trusted[0],
                AllOf(StartsWith("smtpkit: warning: --trusted-site"), HasSubstr("not verified")));
    const auto both =
        tls_warnings(TlsFlags{.mode = "starttls", .trusted_site = true, .secure_fallback = true});
    ASSERT_EQ(both.size(), 2u);
    EXPECT_THAT(both[1],
                AllOf(StartsWith("smtpkit: warning: --secure-fallback"), HasSubstr("TLS 1.0/1.1")));
}

class CliTlsFiles : public ::testing::Test {
  protected:
    std::string file(const std::string& name, const std::string& content) {
        const auto path = dir_ / name;
        std::ofstream(path, std::ios::binary) << content;
        return path.string();
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }

    std::filesystem::path dir_ = [] {
        std::string tmpl = (std::filesystem::temp_directory_path() / "smtpkit-tls-XXXXXX").string();
        return std::filesystem::path(::mkdtemp(tmpl.data()));
    }();
};

TEST_F(CliTlsFiles, KeyPasswordIsTheFirstLine) {
    std::string password;
    std::string why;
    ASSERT_TRUE(read_key_password(file("a", "s3cret pass\nsecond line\n"), password, why)) << why;
    EXPECT_EQ(password, "s3cret pass");
    ASSERT_TRUE(read_key_password(file("b", "crlf\r\n"), password, why)) << why;
    EXPECT_EQ(password, "crlf");
    ASSERT_TRUE(read_key_password(file("c", "no newline"), password, why)) << why;
    EXPECT_EQ(password, "no newline");
    ASSERT_TRUE(read_key_password(file("d", ""), password, why)) << why;
    EXPECT_EQ(password, "");
}

TEST_F(CliTlsFiles, UnreadableFilesAreNamed) {
    std::string password = "unchanged";
    std::string why;
    EXPECT_FALSE(read_key_password((dir_ / "missing").string(), password, why));
    EXPECT_THAT(why, AllOf(HasSubstr("--key-password-file"), HasSubstr("missing"),
                           HasSubstr("No such file")));
    EXPECT_EQ(password, "unchanged");

    TlsFlags flags{.mode = "starttls"};
    flags.ca_file = file("ca.pem", "x");
    EXPECT_TRUE(check_tls_files(flags, why)) << why;
    flags.ca_path = dir_.string();
    EXPECT_TRUE(check_tls_files(flags, why)) << why;
    flags.cert_file = (dir_ / "nocert.pem").string();
    EXPECT_FALSE(check_tls_files(flags, why));
    EXPECT_THAT(why, AllOf(StartsWith("cannot read --cert"), HasSubstr("nocert.pem")));
    flags.cert_file.clear();
    flags.ca_file = dir_.string();  // a directory is not a CA file
    EXPECT_FALSE(check_tls_files(flags, why));
    EXPECT_THAT(why, HasSubstr("--cafile"));
    flags.ca_file.clear();
    flags.ca_path = (dir_ / "nodir").string();
    EXPECT_FALSE(check_tls_files(flags, why));
    EXPECT_THAT(why, HasSubstr("--capath"));
}

// --- TLS exit codes, explanation and JSON ----------------------------------------------

TEST(CliExitCode, EveryTlsErrorHasItsStatus) {
    const std::pair<error, int> table[] = {
        {error::starttls_not_offered, EX_UNAVAILABLE},
        {error::tls_version_refused, EX_UNAVAILABLE},
        {error::certificate_expired, EX_UNAVAILABLE},
        {error::certificate_not_yet_valid, EX_UNAVAILABLE},
        {error::certificate_self_signed, EX_UNAVAILABLE},
        {error::certificate_untrusted, EX_UNAVAILABLE},
        {error::certificate_host_mismatch, EX_UNAVAILABLE},
        {error::certificate_invalid, EX_UNAVAILABLE},
        {error::starttls_injection, EX_PROTOCOL},
        {error::tls_handshake_failed, EX_PROTOCOL},
        {error::tls_setup_failed, EX_CONFIG},
    };
    for (const auto& [e, status] : table) {
        const std::error_code ec = make_error_code(e);
        EXPECT_EQ(exit_code(failed(Stage::connect, ec)), status) << ec.message();
        ProbeOutcome probe;
        probe.ec = ec;
        EXPECT_EQ(probe_exit_code(probe), status) << ec.message();
        EXPECT_EQ(is_certificate_error(ec), status == EX_UNAVAILABLE &&
                                                e != error::starttls_not_offered &&
                                                e != error::tls_version_refused)
            << ec.message();
    }
}

SecurityInfo verified_session() {
    SecurityInfo info;
    info.active = true;
    info.protocol = "TLSv1.3";
    info.cipher = "TLS_AES_256_GCM_SHA384";
    info.cipher_bits = 256;
    info.peer_subject = "CN=mx.example";
    info.peer_issuer = "CN=Example CA";
    info.not_before = "2026-01-01T00:00:00Z";
    info.not_after = "2027-01-01T00:00:00Z";
    info.sha256_fingerprint = "AB:CD";
    info.verified_host = "mx.example";
    info.verified = true;
    info.verify_result = "ok";
    return info;
}

TEST(CliJson, TlsObjectWhenTheSessionUsedTls) {
    SendOutcome o = finished(transaction({recipient("a@x.org", accepted)}, queued));
    EXPECT_FALSE(nlohmann::json::parse(json_report(o)).contains("tls"));

    o.security = verified_session();
    const auto j = nlohmann::ordered_json::parse(json_report(o));
    ASSERT_TRUE(j.contains("tls"));
    std::vector<std::string> keys;
    for (const auto& [key, value] : j["tls"].items()) {
        keys.push_back(key);
    }
    EXPECT_THAT(keys, ElementsAre("active", "implicit", "protocol", "cipher", "cipher_bits",
                                  "verified", "verified_host", "verify_result", "peer_subject",
                                  "peer_issuer", "not_before", "not_after", "sha256_fingerprint"));
    EXPECT_EQ(j["tls"]["active"], true);
    EXPECT_EQ(j["tls"]["protocol"], "TLSv1.3");
    EXPECT_EQ(j["tls"]["cipher"], "TLS_AES_256_GCM_SHA384");
    EXPECT_EQ(j["tls"]["cipher_bits"], 256);
    EXPECT_EQ(j["tls"]["verified"], true);
    EXPECT_EQ(j["tls"]["verify_result"], "ok");
    EXPECT_EQ(j["tls"]["peer_subject"], "CN=mx.example");
    EXPECT_EQ(j["tls"]["peer_issuer"], "CN=Example CA");
    EXPECT_EQ(j["tls"]["not_before"], "2026-01-01T00:00:00Z");
    EXPECT_EQ(j["tls"]["not_after"], "2027-01-01T00:00:00Z");
    EXPECT_EQ(j["tls"]["sha256_fingerprint"], "AB:CD");
}

TEST(CliJson, TlsFailureCarriesTheLibrarysExplanation) {
    SendOutcome o = failed(Stage::connect, make_error_code(error::certificate_untrusted));
    o.detail = "unable to get local issuer certificate";
    o.subject = "connecting to mx.example port 25";
    const auto j = nlohmann::json::parse(json_report(o));
    EXPECT_EQ(j["error"]["code"], "certificate_untrusted");
    EXPECT_EQ(j["error"]["detail"], "unable to get local issuer certificate");
    EXPECT_EQ(j["error"]["stage"], "connect");
    EXPECT_FALSE(j.contains("tls"));
    EXPECT_THAT(error_lines(o),
                ElementsAre("smtpkit: connecting to mx.example port 25: the server's certificate "
                            "does not chain to a trusted certificate authority: unable to get "
                            "local issuer certificate"));
}

// The reply a server sends as these lines (each without CRLF).
Reply reply_of(const std::vector<std::string>& lines) {
    std::string wire;
    for (const std::string& line : lines) {
        wire += line + "\r\n";
    }
    std::error_code ec;
    Reply reply = protocol::parse_reply(wire, ec);
    EXPECT_FALSE(ec) << ec.message();
    return reply;
}

// --- probe: the report -----------------------------------------------------------------

ProbeOutcome recorded_probe() {
    ProbeOutcome o;
    o.server = "mx.example";
    o.port = 25;
    o.tls_mode = TlsMode::starttls;
    o.greeting = reply_of({"220 mx.example ESMTP"});
    o.before_tls = HelloRecord{"EHLO", reply_of({"250-mx.example hello", "250-PIPELINING",
                                                 "250-SIZE 1000", "250 STARTTLS"})};
    o.starttls_reply = reply_of({"220 2.0.0 go ahead"});
    o.after_tls = HelloRecord{"EHLO", reply_of({"250-mx.example hello again", "250-PIPELINING",
                                                "250-SIZE 2000", "250 AUTH PLAIN LOGIN"})};
    o.tls = verified_session();
    return o;
}

TEST(CliProbeReport, HumanReport) {
    EXPECT_THAT(
        probe_lines(recorded_probe()),
        ElementsAre("server        mx.example port 25", "greeting      220 mx.example ESMTP",
                    "EHLO          mx.example (plaintext)", "  PIPELINING", "  SIZE 1000",
                    "  STARTTLS", "STARTTLS      220 2.0.0 go ahead",
                    "TLS           TLSv1.3 TLS_AES_256_GCM_SHA384 (256 bits) after STARTTLS",
                    "  subject     CN=mx.example", "  issuer      CN=Example CA",
                    "  valid       2026-01-01T00:00:00Z to 2027-01-01T00:00:00Z",
                    "  sha256      AB:CD", "  verified    yes, for mx.example",
                    "EHLO          mx.example (over TLS)", "  PIPELINING", "  SIZE 2000",
                    "  AUTH PLAIN LOGIN"));
    EXPECT_TRUE(probe_error_lines(recorded_probe()).empty());
    EXPECT_EQ(probe_exit_code(recorded_probe()), EX_OK);
}

TEST(CliProbeReport, TrustedSiteShowsTheFailedVerification) {
    ProbeOutcome o = recorded_probe();
    o.trusted_site = true;
    o.tls.verified = false;
    o.tls.verify_result = "certificate has expired";
    EXPECT_THAT(probe_lines(o),
                Contains("  verified    NO: certificate has expired (ignored: --trusted-site)"));
    EXPECT_EQ(probe_exit_code(o), EX_OK);
}

TEST(CliProbeReport, RefusedCertificateIsShownAndExitsUnavailable) {
    ProbeOutcome o = recorded_probe();
    o.after_tls.reset();
    o.tls = {};
    o.ec = make_error_code(error::certificate_expired);
    o.detail = "certificate has expired";
    o.subject = "connecting to mx.example port 25";
    o.rejected = verified_session();
    o.rejected.verified = false;
    o.rejected.verify_result = "certificate has expired";
    const auto lines = probe_lines(o);
    EXPECT_THAT(lines, Contains(StartsWith("TLS           FAILED: the server's certificate has "
                                           "expired: certificate has expired")));
    EXPECT_THAT(lines, Contains("  subject     CN=mx.example"));
    EXPECT_THAT(lines, Contains("  verified    NO: certificate has expired"));
    EXPECT_THAT(probe_error_lines(o),
                ElementsAre("smtpkit: connecting to mx.example port 25: the server's certificate "
                            "has expired: certificate has expired"));
    EXPECT_EQ(probe_exit_code(o), EX_UNAVAILABLE);

    const auto j = nlohmann::json::parse(probe_json(o));
    EXPECT_EQ(j["tls"], nullptr);
    EXPECT_EQ(j["after_tls"], nullptr);
    EXPECT_EQ(j["rejected_certificate"]["verify_result"], "certificate has expired");
    EXPECT_EQ(j["error"]["code"], "certificate_expired");
    EXPECT_EQ(j["error"]["detail"], "certificate has expired");
}

TEST(CliProbeReport, PlaintextSaysWhetherStarttlsIsOffered) {
    ProbeOutcome o = recorded_probe();
    o.tls_mode = TlsMode::none;
    o.starttls_reply = {};
    o.after_tls.reset();
    o.tls = {};
    EXPECT_THAT(probe_lines(o),
                Contains("TLS           none (the server offers STARTTLS: try --tls starttls)"));
    o.before_tls = HelloRecord{"EHLO", reply_of({"250-mx", "250 SIZE"})};
    EXPECT_THAT(probe_lines(o),
                Contains("TLS           none (the server does not offer STARTTLS)"));
}

TEST(CliProbeReport, Json) {
    const auto j = nlohmann::ordered_json::parse(probe_json(recorded_probe()));
    std::vector<std::string> keys;
    for (const auto& [key, value] : j.items()) {
        keys.push_back(key);
    }
    EXPECT_THAT(keys, ElementsAre("server", "port", "tls_mode", "greeting", "before_tls",
                                  "starttls", "tls", "after_tls", "extended_options"));
    EXPECT_EQ(j["server"], "mx.example");
    EXPECT_EQ(j["port"], 25);
    EXPECT_EQ(j["tls_mode"], "starttls");
    EXPECT_EQ(j["greeting"]["code"], 220);
    EXPECT_EQ(j["before_tls"]["command"], "EHLO");
    EXPECT_EQ(j["before_tls"]["server_name"], "mx.example");
    EXPECT_EQ(j["before_tls"]["capabilities"],
              nlohmann::json::parse(R"({"PIPELINING": [], "SIZE": ["1000"], "STARTTLS": []})"));
    EXPECT_EQ(j["after_tls"]["capabilities"]["AUTH"], nlohmann::json::array({"PLAIN", "LOGIN"}));
    EXPECT_EQ(j["starttls"]["enhanced"], "2.0.0");
    EXPECT_EQ(j["tls"]["verified"], true);
    EXPECT_FALSE(j.contains("error"));
    EXPECT_FALSE(j.contains("rejected_certificate"));
}

TEST(CliProbeReport, ServerTextCannotDriveTheTerminal) {
    ProbeOutcome o;
    o.server = "mx";
    o.greeting = reply_of({"220 mx \x1b[2J"});
    o.before_tls = HelloRecord{"EHLO", reply_of({"250-mx\x1b]0;x\x07", "250 X-EVIL \x1b[31m"})};
    for (const std::string& line : probe_lines(o)) {
        EXPECT_EQ(line.find('\x1b'), std::string::npos) << line;
    }
}

}  // namespace
}  // namespace smtpkit::cli

#endif  // __has_include("cli/exit_codes.hpp")
