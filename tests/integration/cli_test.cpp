// The smtpkit command-line tool against a real Postfix (and aiosmtpd): exit
// codes (sysexits), --json output, what arrives in the mailbox, TLS with the
// test CA's certificates, and `probe`.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/aiosmtpd_server.hpp"
#include "support/postfix_server.hpp"
#include "support/server_process.hpp"
#include "support/test_certs.hpp"

namespace smtpkit::test {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr int ex_ok = 0;
constexpr int ex_usage = 64;
constexpr int ex_unavailable = 69;
constexpr int ex_tempfail = 75;
constexpr int ex_config = 78;

std::vector<std::string> send_args(std::uint16_t port, const std::string& to) {
    return {SMTPKIT_CLI_PATH, "send",
            "--server",       "127.0.0.1",
            "--port",         std::to_string(port),
            "--from",         "a@localhost",
            "--to",           to,
            "--subject",      "CLI integration test",
            "--text",         "Sent by the smtpkit CLI."};
}

CommandOutput run_cli(const std::vector<std::string>& args) {
    return run_capture(args, 60s);
}

std::string describe(const CommandOutput& r) {
    return "exit " + std::to_string(r.exit_code) + "\n--- stdout ---\n" + r.out +
           "\n--- stderr ---\n" + r.err;
}

// Every JSON object anywhere in `j` that has a string member equal to `value`.
void objects_naming(const nlohmann::json& j, const std::string& value,
                    std::vector<nlohmann::json>& found) {
    if (j.is_object()) {
        for (const auto& [key, member] : j.items()) {
            if (member.is_string() && member.get<std::string>() == value) {
                found.push_back(j);
                break;
            }
        }
    }
    if (j.is_structured()) {
        for (const auto& child : j) {
            objects_naming(child, value, found);
        }
    }
}

TEST(Cli, SendDeliversAndExitsZero) {
    PostfixServer server;
    const CommandOutput r = run_cli(send_args(server.port(), "root@localhost"));
    ASSERT_EQ(r.exit_code, ex_ok) << describe(r);
    const auto messages = split_mbox(server.wait_for_mailbox("root"));
    ASSERT_EQ(messages.size(), 1u);
    const std::string& stored = messages[0];
    EXPECT_NE(stored.find("Return-Path: <a@localhost>\n"), std::string::npos) << stored;
    EXPECT_NE(stored.find("\nSubject: CLI integration test\n"), std::string::npos) << stored;
    EXPECT_NE(stored.find("\n\nSent by the smtpkit CLI.\n"), std::string::npos) << stored;
}

TEST(Cli, TraceShowsTheDialogue) {
    PostfixServer server;
    auto args = send_args(server.port(), "root@localhost");
    args.push_back("--trace");
    const CommandOutput r = run_cli(args);
    ASSERT_EQ(r.exit_code, ex_ok) << describe(r);
    EXPECT_NE(r.err.find("MAIL FROM:<a@localhost>"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("RCPT TO:<root@localhost>"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(PostfixServer::host_name), std::string::npos) << r.err;
}

TEST(Cli, JsonNamesTheAcceptedRecipient) {
    PostfixServer server;
    auto args = send_args(server.port(), "root@localhost");
    args.push_back("--json");
    const CommandOutput r = run_cli(args);
    ASSERT_EQ(r.exit_code, ex_ok) << describe(r);
    nlohmann::json doc;
    ASSERT_NO_THROW(doc = nlohmann::json::parse(r.out)) << describe(r);
    std::vector<nlohmann::json> named;
    objects_naming(doc, "root@localhost", named);
    ASSERT_FALSE(named.empty()) << doc.dump(2);
    for (const auto& recipient : named) {
        if (recipient.contains("accepted")) {
            EXPECT_EQ(recipient["accepted"], true) << recipient.dump();
        }
    }
    server.wait_for_mailbox("root");
}

TEST(Cli, AllRecipientsRefusedExitsUnavailable) {
    PostfixServer server;
    auto args = send_args(server.port(), "nobody@example.com");
    args.push_back("--json");
    const CommandOutput r = run_cli(args);
    EXPECT_EQ(r.exit_code, ex_unavailable) << describe(r);
    // The refusal is in the report, for scripts.
    nlohmann::json doc;
    ASSERT_NO_THROW(doc = nlohmann::json::parse(r.out)) << describe(r);
    EXPECT_NE(doc.dump().find("554"), std::string::npos) << doc.dump(2);
}

TEST(Cli, RefusedConnectionExitsTempfail) {
    const std::uint16_t closed = free_loopback_port();  // nothing listens there
    const CommandOutput r = run_cli(send_args(closed, "root@localhost"));
    EXPECT_EQ(r.exit_code, ex_tempfail) << describe(r);
    EXPECT_FALSE(r.err.empty()) << "no message for the user";
}

// --- TLS ----------------------------------------------------------------------------

PostfixOptions tls_postfix(bool smtps = false) {
    const TestCertificates& pki = test_certificates();
    PostfixOptions options;
    options.tls = PostfixTls{pki.good.chain, pki.good.key};
    options.smtps = smtps;
    return options;
}

std::vector<std::string> with(std::vector<std::string> args, const std::vector<std::string>& more) {
    args.insert(args.end(), more.begin(), more.end());
    return args;
}

nlohmann::json parse_json(const CommandOutput& r) {
    nlohmann::json doc;
    EXPECT_NO_THROW(doc = nlohmann::json::parse(r.out)) << describe(r);
    return doc;
}

// The stored message's Received header, unfolded to one line.
std::string received_header(const PostfixServer& server) {
    const std::string stored = split_mbox(server.wait_for_mailbox("root")).at(0);
    const auto [trace, rest] = split_postfix_trace_headers(stored);
    const auto start = trace.find("Received: ");
    if (start == std::string::npos) {
        ADD_FAILURE() << "no Received header in:\n" << trace;
        return {};
    }
    std::string header;
    for (std::size_t i = start; i < trace.size(); ++i) {
        if (trace[i] == '\n') {
            if (i + 1 >= trace.size() || (trace[i + 1] != ' ' && trace[i + 1] != '\t')) {
                break;
            }
            continue;
        }
        header += trace[i];
    }
    return header;
}

TEST(CliTls, SendOverStarttlsVerifiesAndReportsTheSession) {
    PostfixServer server(tls_postfix());
    const TestCertificates& pki = test_certificates();
    const CommandOutput r =
        run_cli(with(send_args(server.port(), "root@localhost"),
                     {"--tls", "starttls", "--cafile", pki.ca_file, "--json", "--trace"}));
    ASSERT_EQ(r.exit_code, ex_ok) << describe(r);
    const nlohmann::json doc = parse_json(r);
    ASSERT_TRUE(doc.contains("tls")) << doc.dump(2);
    const nlohmann::json& tls = doc["tls"];
    const CertFacts good = TestCertificates::facts(pki.good.cert);
    EXPECT_EQ(tls["active"], true);
    EXPECT_EQ(tls["implicit"], false);
    EXPECT_EQ(tls["protocol"], "TLSv1.3");
    EXPECT_EQ(tls["verified"], true);
    EXPECT_EQ(tls["verify_result"], "ok");
    EXPECT_EQ(tls["peer_subject"], good.subject);
    EXPECT_EQ(tls["peer_issuer"], good.issuer);
    EXPECT_EQ(tls["not_before"], good.not_before);
    EXPECT_EQ(tls["not_after"], good.not_after);
    EXPECT_EQ(tls["sha256_fingerprint"], good.sha256_fingerprint);
    EXPECT_FALSE(tls["cipher"].get<std::string>().empty());
    // The library's TLS line in the trace, and the session really was TLS.
    EXPECT_THAT(r.err, HasSubstr("\n* TLS TLSv1.3 "));
    EXPECT_THAT(r.err, HasSubstr("C: STARTTLS\n"));
    EXPECT_THAT(r.err, Not(HasSubstr("warning")));
    EXPECT_THAT(received_header(server), HasSubstr("using TLSv1.3"));
}

TEST(CliTls, SendWithImplicitTlsOnTheSmtpsPort) {
    PostfixServer server(tls_postfix(true));
    const CommandOutput r = run_cli(
        with(send_args(server.smtps_port(), "root@localhost"),
             {"--tls", "implicit", "--cafile", test_certificates().ca_file, "--json", "--trace"}));
    ASSERT_EQ(r.exit_code, ex_ok) << describe(r);
    const nlohmann::json doc = parse_json(r);
    EXPECT_EQ(doc["tls"]["implicit"], true) << doc.dump(2);
    EXPECT_EQ(doc["tls"]["verified"], true) << doc.dump(2);
    EXPECT_THAT(r.err, Not(HasSubstr("STARTTLS")));
    EXPECT_THAT(received_header(server), HasSubstr("using TLSv1.3"));
}

TEST(CliTls, SendWithoutTheTestCaExitsUnavailableAndSaysWhy) {
    PostfixServer server(tls_postfix());
    const CommandOutput r =
        run_cli(with(send_args(server.port(), "root@localhost"), {"--tls", "starttls", "--json"}));
    EXPECT_EQ(r.exit_code, ex_unavailable) << describe(r);
    const nlohmann::json doc = parse_json(r);
    EXPECT_EQ(doc["error"]["code"], "certificate_untrusted") << doc.dump(2);
    EXPECT_EQ(doc["error"]["detail"], "unable to get local issuer certificate") << doc.dump(2);
    EXPECT_FALSE(doc.contains("tls")) << doc.dump(2);
    // The cause, OpenSSL's words and the fix.
    EXPECT_THAT(r.err, AllOf(HasSubstr("certificate for 127.0.0.1 is not from a trusted CA"),
                             HasSubstr("unable to get local issuer certificate"),
                             HasSubstr("--cafile FILE")));
    // No MAIL went out over the refused session.
    const std::string log = server.wait_for_log("disconnect from", 10s, 2);
    EXPECT_THAT(log, Not(HasSubstr(" mail=")));
}

TEST(CliTls, TrustedSiteWarnsAndReportsTheFailedVerification) {
    PostfixServer server(tls_postfix());
    const CommandOutput r = run_cli(with(send_args(server.port(), "root@localhost"),
                                         {"--tls", "starttls", "--trusted-site", "--json"}));
    ASSERT_EQ(r.exit_code, ex_ok) << describe(r);
    EXPECT_THAT(r.err, HasSubstr("smtpkit: warning: --trusted-site"));
    const nlohmann::json doc = parse_json(r);
    EXPECT_EQ(doc["tls"]["active"], true) << doc.dump(2);
    EXPECT_EQ(doc["tls"]["verified"], false) << doc.dump(2);
    EXPECT_EQ(doc["tls"]["verify_result"], "unable to get local issuer certificate");
    server.wait_for_mailbox("root");
}

TEST(CliTls, RequiredStarttlsNotOfferedExitsUnavailable) {
    PostfixServer server;  // no certificate: no STARTTLS
    const CommandOutput r =
        run_cli(with(send_args(server.port(), "root@localhost"), {"--tls", "starttls", "--json"}));
    EXPECT_EQ(r.exit_code, ex_unavailable) << describe(r);
    EXPECT_EQ(parse_json(r)["error"]["code"], "starttls_not_offered") << describe(r);
    EXPECT_THAT(r.err, HasSubstr("STARTTLS required but 127.0.0.1 did not offer it: use --tls "
                                 "implicit for port 465, or --tls none on a trusted network"));
}

TEST(CliTls, ClientCertificateWithAnEncryptedKey) {
    const TestCertificates& pki = test_certificates();
    PostfixOptions options = tls_postfix();
    options.main_cf = {{"smtpd_tls_ask_ccert", "yes"}, {"smtpd_tls_CAfile", pki.ca_file}};
    PostfixServer server(options);
    TempDir dir("smtpkit-cli-key-");
    const auto password_file = dir.path() / "password";
    write_file(password_file, pki.client_key_password + "\n");

    const CommandOutput r = run_cli(
        with(send_args(server.port(), "root@localhost"),
             {"--tls", "starttls", "--cafile", pki.ca_file, "--cert", pki.client_encrypted.cert,
              "--key", pki.client_encrypted.key, "--key-password-file", password_file.string()}));
    ASSERT_EQ(r.exit_code, ex_ok) << describe(r);
    EXPECT_THAT(received_header(server), HasSubstr(pki.client_common_name));
    // The password is never shown.
    EXPECT_THAT(r.out + r.err, Not(HasSubstr(pki.client_key_password)));
}

TEST(CliTls, WrongKeyPasswordIsAConfigurationError) {
    const TestCertificates& pki = test_certificates();
    PostfixServer server(tls_postfix());
    TempDir dir("smtpkit-cli-key-");
    const auto password_file = dir.path() / "password";
    write_file(password_file, "not the password\n");
    const CommandOutput r = run_cli(with(
        send_args(server.port(), "root@localhost"),
        {"--tls", "starttls", "--cafile", pki.ca_file, "--cert", pki.client_encrypted.cert, "--key",
         pki.client_encrypted.key, "--key-password-file", password_file.string(), "--json"}));
    EXPECT_EQ(r.exit_code, ex_config) << describe(r);
    EXPECT_EQ(parse_json(r)["error"]["code"], "tls_setup_failed") << describe(r);
}

TEST(CliTls, MissingCaFileIsAConfigurationError) {
    PostfixServer server(tls_postfix());
    const CommandOutput r =
        run_cli(with(send_args(server.port(), "root@localhost"),
                     {"--tls", "starttls", "--cafile", "/nonexistent/smtpkit-ca.pem"}));
    EXPECT_EQ(r.exit_code, ex_config) << describe(r);
    EXPECT_THAT(r.err, AllOf(HasSubstr("/nonexistent/smtpkit-ca.pem"),
                             HasSubstr("No such file or directory")));
}

TEST(CliTls, TlsSettingWithoutTlsIsAUsageError) {
    const CommandOutput r = run_cli(with(send_args(free_loopback_port(), "root@localhost"),
                                         {"--cafile", test_certificates().ca_file}));
    EXPECT_EQ(r.exit_code, ex_usage) << describe(r);
    EXPECT_THAT(r.err, HasSubstr("--tls starttls"));
}

// --- probe ----------------------------------------------------------------------------

std::vector<std::string> probe_args(std::uint16_t port, const std::vector<std::string>& more = {}) {
    return with({SMTPKIT_CLI_PATH, "probe", "--server", "127.0.0.1", "--port", std::to_string(port),
                 "--helo", "probe.smtpkit.test", "--timeout", "20"},
                more);
}

// The command counts Postfix logged for the last session ("ehlo=1 quit=1 commands=2"); the
// fixture's readiness probe is an earlier session.
std::string last_session_commands(const PostfixServer& server) {
    const std::string log = server.wait_for_log("disconnect from", 10s, 2);
    const auto start = log.rfind("disconnect from");
    const auto end = log.find('\n', start);
    const std::string line = log.substr(start, end - start);
    const auto counts = line.find("] ");
    return counts == std::string::npos ? line : line.substr(counts + 2);
}

std::vector<std::string> keywords(const nlohmann::json& capabilities) {
    std::vector<std::string> out;
    for (const auto& [keyword, params] : capabilities.items()) {
        out.push_back(keyword);
    }
    return out;
}

TEST(CliProbe, PlainPostfixListsItsCapabilities) {
    PostfixServer server;
    const CommandOutput r = run_cli(probe_args(server.port()));
    ASSERT_EQ(r.exit_code, ex_ok) << describe(r);
    EXPECT_THAT(r.out, HasSubstr("greeting      220 " + std::string(PostfixServer::host_name)));
    EXPECT_THAT(r.out, HasSubstr("EHLO          " + std::string(PostfixServer::host_name) +
                                 " (plaintext)\n"));
    for (const char* line : {"\n  PIPELINING\n", "\n  SIZE 10240000\n", "\n  8BITMIME\n",
                             "\n  ENHANCEDSTATUSCODES\n", "\n  DSN\n"}) {
        EXPECT_THAT(r.out, HasSubstr(line));
    }
    EXPECT_THAT(r.out, HasSubstr("TLS           none (the server does not offer STARTTLS)"));
    EXPECT_TRUE(r.err.empty()) << describe(r);
    // EHLO and QUIT only: never MAIL.
    EXPECT_EQ(last_session_commands(server), "ehlo=1 quit=1 commands=2");
}

TEST(CliProbe, JsonListsKeywordsWithParameters) {
    PostfixServer server;
    const CommandOutput r = run_cli(probe_args(server.port(), {"--json"}));
    ASSERT_EQ(r.exit_code, ex_ok) << describe(r);
    const nlohmann::json doc = parse_json(r);
    EXPECT_EQ(doc["greeting"]["code"], 220);
    EXPECT_EQ(doc["tls_mode"], "none");
    EXPECT_EQ(doc["tls"], nullptr);
    EXPECT_EQ(doc["after_tls"], nullptr);
    const nlohmann::json& hello = doc["before_tls"];
    EXPECT_EQ(hello["command"], "EHLO");
    EXPECT_EQ(hello["server_name"], PostfixServer::host_name);
    EXPECT_THAT(keywords(hello["capabilities"]),
                ::testing::IsSupersetOf({"PIPELINING", "SIZE", "8BITMIME", "ENHANCEDSTATUSCODES"}));
    EXPECT_EQ(hello["capabilities"]["SIZE"], nlohmann::json::array({"10240000"}));
    EXPECT_EQ(hello["capabilities"]["PIPELINING"], nlohmann::json::array());
    EXPECT_FALSE(doc.contains("error"));
}

TEST(CliProbe, AiosmtpdCapabilities) {
    AiosmtpdServer server;
    const CommandOutput r = run_cli(probe_args(server.port(), {"--json"}));
    ASSERT_EQ(r.exit_code, ex_ok) << describe(r);
    const nlohmann::json caps = parse_json(r)["before_tls"]["capabilities"];
    EXPECT_EQ(caps["SIZE"], nlohmann::json::array({"33554432"})) << caps.dump();
    EXPECT_TRUE(caps.contains("8BITMIME")) << caps.dump();
    EXPECT_TRUE(caps.contains("SMTPUTF8")) << caps.dump();
    EXPECT_FALSE(caps.contains("PIPELINING")) << caps.dump();
    EXPECT_TRUE(server.messages().empty());
}

TEST(CliProbe, StarttlsWithTheTestCaIsVerified) {
    PostfixServer server(tls_postfix());
    const TestCertificates& pki = test_certificates();
    const CommandOutput r =
        run_cli(probe_args(server.port(), {"--tls", "starttls", "--cafile", pki.ca_file}));
    ASSERT_EQ(r.exit_code, ex_ok) << describe(r);
    const CertFacts good = TestCertificates::facts(pki.good.cert);
    EXPECT_THAT(r.out, HasSubstr("STARTTLS      220 "));
    EXPECT_THAT(r.out, HasSubstr("TLS           TLSv1.3 "));
    EXPECT_THAT(r.out, HasSubstr("  subject     " + good.subject + "\n"));
    EXPECT_THAT(r.out, HasSubstr("  issuer      " + good.issuer + "\n"));
    EXPECT_THAT(r.out, HasSubstr("  sha256      " + good.sha256_fingerprint + "\n"));
    EXPECT_THAT(r.out, HasSubstr("  verified    yes, for 127.0.0.1\n"));
    EXPECT_THAT(r.out, HasSubstr(" (plaintext)\n"));
    EXPECT_THAT(r.out, HasSubstr(" (over TLS)\n"));
    EXPECT_EQ(last_session_commands(server), "ehlo=2 starttls=1 quit=1 commands=4");
}

TEST(CliProbe, StarttlsJsonShowsCapabilitiesBeforeAndAfterTls) {
    PostfixServer server(tls_postfix());
    const TestCertificates& pki = test_certificates();
    const CommandOutput r = run_cli(
        probe_args(server.port(), {"--tls", "starttls", "--cafile", pki.ca_file, "--json"}));
    ASSERT_EQ(r.exit_code, ex_ok) << describe(r);
    const nlohmann::json doc = parse_json(r);
    EXPECT_TRUE(doc["before_tls"]["capabilities"].contains("STARTTLS")) << doc.dump(2);
    EXPECT_FALSE(doc["after_tls"]["capabilities"].contains("STARTTLS")) << doc.dump(2);
    EXPECT_TRUE(doc["after_tls"]["capabilities"].contains("PIPELINING")) << doc.dump(2);
    EXPECT_EQ(doc["starttls"]["code"], 220);
    EXPECT_EQ(doc["tls"]["verified"], true);
    EXPECT_EQ(doc["tls"]["verified_host"], "127.0.0.1");
    EXPECT_EQ(doc["tls"]["sha256_fingerprint"],
              TestCertificates::facts(pki.good.cert).sha256_fingerprint);
}

TEST(CliProbe, WithoutTheCaExitsUnavailableAndSaysWhy) {
    PostfixServer server(tls_postfix());
    const CommandOutput r = run_cli(probe_args(server.port(), {"--tls", "starttls"}));
    EXPECT_EQ(r.exit_code, ex_unavailable) << describe(r);
    EXPECT_THAT(r.err, AllOf(HasSubstr("certificate for 127.0.0.1 is not from a trusted CA"),
                             HasSubstr("unable to get local issuer certificate"),
                             HasSubstr("--cafile FILE")));
    EXPECT_THAT(r.out, HasSubstr("TLS           FAILED: "));
    // The refused certificate is still shown, for diagnosis.
    const CertFacts good = TestCertificates::facts(test_certificates().good.cert);
    EXPECT_THAT(r.out, HasSubstr("  subject     " + good.subject + "\n"));
    EXPECT_THAT(r.out, HasSubstr("  verified    NO: unable to get local issuer certificate\n"));
    // The plaintext half was seen before TLS failed.
    EXPECT_THAT(r.out, HasSubstr("\n  STARTTLS\n"));
}

TEST(CliProbe, WithoutTheCaJson) {
    PostfixServer server(tls_postfix());
    const CommandOutput r = run_cli(probe_args(server.port(), {"--tls", "starttls", "--json"}));
    EXPECT_EQ(r.exit_code, ex_unavailable) << describe(r);
    const nlohmann::json doc = parse_json(r);
    EXPECT_EQ(doc["error"]["code"], "certificate_untrusted") << doc.dump(2);
    EXPECT_EQ(doc["tls"], nullptr);
    EXPECT_EQ(doc["rejected_certificate"]["verified"], false) << doc.dump(2);
    EXPECT_EQ(doc["rejected_certificate"]["peer_subject"],
              TestCertificates::facts(test_certificates().good.cert).subject);
}

TEST(CliProbe, TrustedSiteReportsTheResultAndExitsZero) {
    PostfixServer server(tls_postfix());
    const CommandOutput r =
        run_cli(probe_args(server.port(), {"--tls", "starttls", "--trusted-site"}));
    ASSERT_EQ(r.exit_code, ex_ok) << describe(r);
    EXPECT_THAT(r.out, HasSubstr("  verified    NO: unable to get local issuer certificate "
                                 "(ignored: --trusted-site)\n"));
    EXPECT_THAT(r.err, HasSubstr("smtpkit: warning: --trusted-site"));
}

TEST(CliProbe, ImplicitTlsHasNoPlaintextPart) {
    PostfixServer server(tls_postfix(true));
    const CommandOutput r =
        run_cli(probe_args(server.smtps_port(), {"--tls", "implicit", "--cafile",
                                                 test_certificates().ca_file, "--json"}));
    ASSERT_EQ(r.exit_code, ex_ok) << describe(r);
    const nlohmann::json doc = parse_json(r);
    EXPECT_EQ(doc["before_tls"], nullptr) << doc.dump(2);
    EXPECT_EQ(doc["starttls"], nullptr) << doc.dump(2);
    EXPECT_EQ(doc["tls"]["implicit"], true) << doc.dump(2);
    EXPECT_EQ(doc["greeting"]["code"], 220) << doc.dump(2);
    EXPECT_TRUE(doc["after_tls"]["capabilities"].contains("PIPELINING")) << doc.dump(2);
}

TEST(CliProbe, StarttlsNotOfferedExitsUnavailable) {
    PostfixServer server;
    const CommandOutput r = run_cli(probe_args(server.port(), {"--tls", "starttls"}));
    EXPECT_EQ(r.exit_code, ex_unavailable) << describe(r);
    EXPECT_THAT(r.err, HasSubstr("STARTTLS required but 127.0.0.1 did not offer it: use --tls "
                                 "implicit for port 465, or --tls none on a trusted network"));
    EXPECT_THAT(r.out, HasSubstr("\n  PIPELINING\n"));  // what it does offer
}

}  // namespace
}  // namespace smtpkit::test
