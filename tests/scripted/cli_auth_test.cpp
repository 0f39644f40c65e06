// `smtpkit send --user ...` end to end: the built tool runs as a child
// process against the scripted server. Where the secret comes from (file,
// SMTPKIT_PASSWORD, never argv), what reaches the server, the exit status
// and message of each failure, --trace and --json; and every run's stdout
// and stderr go through a SecretWatch. Needs the smtpkit_cli target built.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sysexits.h>

#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/auth_flags.hpp"
#include "cli/exit_codes.hpp"
#include "smtpkit/protocol/sasl.hpp"
#include "support/script_server.hpp"
#include "support/secret_watch.hpp"
#include "support/server_process.hpp"
#include "support/test_certs.hpp"

namespace smtpkit::test {
namespace {

using protocol::sasl::base64_encode;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* user = "tim";
constexpr const char* secret = "Sup3r-s3cret";
constexpr const char* password_variable = "SMTPKIT_PASSWORD";

std::string plain_response(const std::string& password = secret) {
    return base64_encode(std::string("\0", 1) + user + std::string("\0", 1) + password);
}

struct CliRun {
    int status = -1;  // the exit status; -1 when it did not exit by itself
    std::string out;
    std::string err;
};

class CliAuth : public ::testing::Test {
  protected:
    void SetUp() override {
        ASSERT_TRUE(std::filesystem::exists(SMTPKIT_CLI_PATH))
            << "build the smtpkit_cli target first: " << SMTPKIT_CLI_PATH;
        // A developer's own SMTPKIT_PASSWORD must not leak into the runs.
        ::unsetenv(password_variable);
    }
    void TearDown() override { ::unsetenv(password_variable); }

    // Runs `smtpkit <args>`; its stdout and stderr go to the watch.
    CliRun run(const std::vector<std::string>& args) {
        std::vector<std::string> argv{SMTPKIT_CLI_PATH};
        argv.insert(argv.end(), args.begin(), args.end());
        const CommandOutput output = run_capture(argv, std::chrono::seconds(30));
        CliRun result{output.exit_code, output.out, output.err};
        watch_.add_text("stdout", result.out);
        watch_.add_text("stderr", result.err);
        return result;
    }

    // `send` to a server on `port` with a composed message, plus `more`.
    static std::vector<std::string> send_to(std::uint16_t port, std::vector<std::string> more) {
        std::vector<std::string> args{"send",
                                      "--server",
                                      "127.0.0.1",
                                      "--port",
                                      std::to_string(port),
                                      "--timeout",
                                      "5",
                                      "--helo",
                                      "client.example",
                                      "--from",
                                      "sender@example.com",
                                      "--to",
                                      "rcpt@example.com",
                                      "--text",
                                      "hello"};
        args.insert(args.end(), more.begin(), more.end());
        return args;
    }

    // A private file holding `content` (mode 0600 unless `mode`).
    std::string file(const std::string& name, const std::string& content,
                     std::filesystem::perms mode = std::filesystem::perms::owner_read |
                                                   std::filesystem::perms::owner_write) {
        const auto path = dir_.path() / name;
        write_file(path, content);
        std::filesystem::permissions(path, mode);
        return path.string();
    }

    // The usual flags for a plaintext login with the password in a file.
    std::vector<std::string> login_flags(const std::string& mechanism = "auto") {
        return {"--user",
                user,
                "--password-file",
                file("password", std::string(secret) + "\r\n"),
                "--auth",
                mechanism,
                "--allow-insecure-auth"};
    }

    void expect_no_secret() const { watch_.expect_no_secret(secret); }

    TempDir dir_{"smtpkit-cli-auth-"};
    SecretWatch watch_{user};
};

// The rest of a session after a successful login: EHLO asked again, one
// message, QUIT.
Script& deliver(Script& s) {
    return s.ehlo()
        .expect("MAIL FROM:<sender@example.com>")
        .send("250 2.1.0 ok\r\n")
        .expect("RCPT TO:<rcpt@example.com>")
        .send("250 2.1.5 ok\r\n")
        .expect("DATA")
        .send("354 go ahead\r\n")
        .expect_data()
        .send("250 2.0.0 queued\r\n")
        .quit();
}

void expect_done(ScriptServer& server) {
    ASSERT_TRUE(server.wait_done()) << "the server's script did not finish";
    EXPECT_TRUE(server.mismatches().empty()) << ::testing::PrintToString(server.mismatches());
}

// --- where the secret comes from -------------------------------------------

TEST_F(CliAuth, PasswordFromFileReachesTheServerWithoutItsLineEnd) {
    Script s = Script::esmtp({"AUTH PLAIN"});
    s.expect("AUTH PLAIN " + plain_response()).send("235 2.7.0 authenticated\r\n");
    ScriptServer server(deliver(s));
    const CliRun r = run(send_to(server.port(), login_flags("plain")));
    EXPECT_EQ(r.status, EX_OK) << r.err;
    EXPECT_THAT(r.out, HasSubstr("delivered"));
    EXPECT_THAT(r.err, HasSubstr("warning: --allow-insecure-auth"));
    EXPECT_THAT(r.err, Not(HasSubstr("can be read by other users")));
    expect_done(server);
    EXPECT_EQ(server.messages().size(), 1u);
    expect_no_secret();
}

TEST_F(CliAuth, PasswordFromEnvironmentReachesTheServer) {
    Script s = Script::esmtp({"AUTH LOGIN"});
    s.expect("AUTH LOGIN").send("334 VXNlcm5hbWU6\r\n");
    s.expect(base64_encode(user)).send("334 UGFzc3dvcmQ6\r\n");
    s.expect(base64_encode(secret)).send("235 2.7.0 ok\r\n");
    ScriptServer server(deliver(s));
    ::setenv(password_variable, secret, 1);
    const CliRun r =
        run(send_to(server.port(), {"--user", user, "--auth", "login", "--allow-insecure-auth"}));
    EXPECT_EQ(r.status, EX_OK) << r.err;
    expect_done(server);
    expect_no_secret();
}

TEST_F(CliAuth, PasswordFileBeatsTheEnvironment) {
    Script s = Script::esmtp({"AUTH PLAIN"});
    s.expect("AUTH PLAIN " + plain_response()).send("235 2.7.0 ok\r\n");
    ScriptServer server(deliver(s));
    ::setenv(password_variable, "from-the-environment", 1);
    const CliRun r = run(send_to(server.port(), login_flags("plain")));
    EXPECT_EQ(r.status, EX_OK) << r.err;
    expect_done(server);
    watch_.expect_no_secret(secret, "from-the-environment");
}

TEST_F(CliAuth, PasswordFileOthersCanReadIsUsedWithAWarning) {
    Script s = Script::esmtp({"AUTH PLAIN"});
    s.expect("AUTH PLAIN " + plain_response()).send("235 2.7.0 ok\r\n");
    ScriptServer server(deliver(s));
    using std::filesystem::perms;
    const std::string path = file("shared-password", std::string(secret) + "\n",
                                  perms::owner_read | perms::group_read | perms::others_read);
    const CliRun r = run(
        send_to(server.port(), {"--user", user, "--password-file", path, "--allow-insecure-auth"}));
    EXPECT_EQ(r.status, EX_OK) << r.err;
    EXPECT_THAT(r.err, HasSubstr("smtpkit: warning: --password-file \"" + path +
                                 "\" can be read by other users; make it private (chmod 600)"));
    expect_done(server);
    expect_no_secret();
}

TEST_F(CliAuth, PasswordOptionDoesNotExist) {
    ScriptServer server(Script::esmtp({"AUTH PLAIN"}).quit());
    for (const auto& form : {std::vector<std::string>{"--password", secret},
                             std::vector<std::string>{std::string("--password=") + secret}}) {
        std::vector<std::string> flags{"--user", user, "--allow-insecure-auth"};
        flags.insert(flags.end(), form.begin(), form.end());
        const CliRun r = run(send_to(server.port(), flags));
        EXPECT_EQ(r.status, EX_USAGE);
        EXPECT_THAT(r.err, HasSubstr("never given on the command line"));
        EXPECT_THAT(r.err, HasSubstr("--password-file FILE or the SMTPKIT_PASSWORD"));
    }
    EXPECT_EQ(server.connections(), 0u) << "a usage error must not connect";
    expect_no_secret();
}

TEST_F(CliAuth, StrayPasswordArgumentIsNotEchoed) {
    ScriptServer server(Script::esmtp({"AUTH PLAIN"}).quit());
    std::vector<std::string> flags{"--user", user, "--allow-insecure-auth", secret};
    const CliRun r = run(send_to(server.port(), flags));
    EXPECT_EQ(r.status, EX_USAGE);
    EXPECT_THAT(r.err, HasSubstr("unexpected argument"));
    EXPECT_EQ(server.connections(), 0u) << "a usage error must not connect";
    expect_no_secret();
}

TEST_F(CliAuth, MissingSecretIsAUsageError) {
    ScriptServer server(Script::esmtp({"AUTH PLAIN"}).quit());
    const CliRun r = run(send_to(server.port(), {"--user", user}));
    EXPECT_EQ(r.status, EX_USAGE);
    EXPECT_THAT(r.err, HasSubstr("--user needs a password: --password-file FILE or the "
                                 "SMTPKIT_PASSWORD environment variable"));
    ::setenv(password_variable, "", 1);
    EXPECT_EQ(run(send_to(server.port(), {"--user", user})).status, EX_USAGE)
        << "an empty SMTPKIT_PASSWORD is no password";
    const CliRun token = run(send_to(server.port(), {"--user", user, "--auth", "xoauth2"}));
    EXPECT_EQ(token.status, EX_USAGE);
    EXPECT_THAT(token.err, HasSubstr("--auth xoauth2 needs the token: --oauth-token-file FILE"));
    const CliRun no_user = run(send_to(server.port(), {"--auth", "plain"}));
    EXPECT_EQ(no_user.status, EX_USAGE);
    EXPECT_THAT(no_user.err, HasSubstr("--auth needs --user NAME"));
    const CliRun external = run(send_to(server.port(), {"--auth", "external"}));
    EXPECT_EQ(external.status, EX_USAGE);
    EXPECT_THAT(external.err, HasSubstr("--auth external needs a client certificate"));
    EXPECT_EQ(server.connections(), 0u);
}

TEST_F(CliAuth, UnreadableOrEmptyPasswordFileExitsConfigBeforeConnecting) {
    ScriptServer server(Script::esmtp({"AUTH PLAIN"}).quit());
    const std::string missing = (dir_.path() / "no-such-file").string();
    const CliRun r = run(send_to(
        server.port(), {"--user", user, "--password-file", missing, "--allow-insecure-auth"}));
    EXPECT_EQ(r.status, EX_CONFIG);
    EXPECT_THAT(r.err, HasSubstr("smtpkit: cannot read --password-file \"" + missing +
                                 "\": No such file or directory"));
    const std::string empty = file("empty", "\n");
    const CliRun e = run(send_to(server.port(), {"--user", user, "--password-file", empty,
                                                 "--allow-insecure-auth", "--json"}));
    EXPECT_EQ(e.status, EX_CONFIG);
    EXPECT_THAT(e.err, HasSubstr("its first line is empty"));
    const auto j = nlohmann::json::parse(e.out);
    EXPECT_EQ(j["error"]["stage"], "read_secret");
    EXPECT_FALSE(j.contains("auth")) << "no login was attempted";
    EXPECT_EQ(server.connections(), 0u);
}

// --- the login's failures ---------------------------------------------------

TEST_F(CliAuth, WrongPasswordExitsNoPermWithTheServersReply) {
    ScriptServer server(Script::esmtp({"AUTH PLAIN"})
                            .expect("AUTH PLAIN")
                            .send("535 5.7.8 Error: authentication failed\r\n")
                            .quit());
    const CliRun r = run(send_to(server.port(), login_flags()));
    EXPECT_EQ(r.status, EX_NOPERM);
    EXPECT_THAT(r.err, HasSubstr("smtpkit: authentication with PLAIN: "));
    EXPECT_THAT(r.err, HasSubstr("535 5.7.8 Error: authentication failed"));
    expect_done(server);
    EXPECT_FALSE(server.saw("MAIL")) << "nothing is sent after a refused login";
    expect_no_secret();
}

TEST_F(CliAuth, TemporaryRefusalExitsTempfail) {
    ScriptServer server(Script::esmtp({"AUTH PLAIN"})
                            .expect("AUTH PLAIN")
                            .send("454 4.7.0 temporary authentication failure\r\n")
                            .quit());
    const CliRun r = run(send_to(server.port(), login_flags()));
    EXPECT_EQ(r.status, EX_TEMPFAIL);
    EXPECT_THAT(r.err, HasSubstr("454 4.7.0"));
    expect_done(server);
    expect_no_secret();
}

TEST_F(CliAuth, MechanismNotOfferedExitsConfigAndNamesWhatIs) {
    ScriptServer server(Script::esmtp({"AUTH PLAIN LOGIN"}).quit());
    const CliRun r = run(send_to(server.port(), login_flags("scram-sha-256")));
    EXPECT_EQ(r.status, EX_CONFIG);
    EXPECT_THAT(r.err, HasSubstr("smtpkit: authentication (--auth scram-sha-256): "));
    EXPECT_THAT(r.err, HasSubstr("invalid authentication type"));
    EXPECT_THAT(r.err, HasSubstr("the server offers PLAIN LOGIN"));
    expect_done(server);
    EXPECT_FALSE(server.saw("AUTH"));
    expect_no_secret();
}

TEST_F(CliAuth, ClearTextLoginWithoutTlsIsRefusedUnlessAllowed) {
    ScriptServer server(Script::esmtp({"AUTH PLAIN LOGIN"}).quit());
    const CliRun r =
        run(send_to(server.port(), {"--user", user, "--password-file", file("password", secret)}));
    EXPECT_EQ(r.status, EX_CONFIG);
    EXPECT_THAT(r.err, HasSubstr("add --tls starttls (or, DANGEROUSLY, --allow-insecure-auth)"));
    expect_done(server);
    EXPECT_FALSE(server.saw("AUTH"));
    expect_no_secret();
}

TEST_F(CliAuth, OpportunisticTlsNeverSendsAClearTextPassword) {
    ScriptServer server(Script::esmtp({"AUTH PLAIN LOGIN"}).quit());  // no STARTTLS
    const std::vector<std::string> login{
        "--user", user, "--password-file", file("password", secret), "--tls", "opportunistic"};
    CliRun r = run(send_to(server.port(), login));
    EXPECT_EQ(r.status, EX_CONFIG) << r.err;
    expect_done(server);
    EXPECT_FALSE(server.saw("AUTH"));
    // Not even when asked for: a downgrade would hand the password over.
    auto insecure = login;
    insecure.push_back("--allow-insecure-auth");
    r = run(send_to(server.port(), insecure));
    EXPECT_EQ(r.status, EX_USAGE) << r.err;
    EXPECT_THAT(r.err, HasSubstr("--tls opportunistic never sends a password in clear text"));
    EXPECT_EQ(server.connections(), 1u);
    expect_no_secret();
}

// --- what the user sees -----------------------------------------------------

TEST_F(CliAuth, TraceShowsTheMechanismButRedactsTheSecret) {
    Script s = Script::esmtp({"AUTH LOGIN PLAIN"});
    s.expect("AUTH PLAIN " + plain_response()).send("235 2.7.0 ok\r\n");
    ScriptServer server(deliver(s));
    const CliRun r = run(send_to(server.port(), [&] {
        auto flags = login_flags("plain");
        flags.push_back("--trace");
        return flags;
    }()));
    EXPECT_EQ(r.status, EX_OK) << r.err;
    EXPECT_THAT(r.err, HasSubstr("C: AUTH PLAIN <redacted>\n"));
    EXPECT_THAT(r.err, HasSubstr("S: 235 2.7.0 ok\n"));
    expect_done(server);
    expect_no_secret();
}

TEST_F(CliAuth, TraceRedactsLoginContinuationLines) {
    Script s = Script::esmtp({"AUTH LOGIN"});
    s.expect("AUTH LOGIN").send("334 VXNlcm5hbWU6\r\n");
    s.expect(base64_encode(user)).send("334 UGFzc3dvcmQ6\r\n");
    s.expect(base64_encode(secret)).send("535 5.7.8 no\r\n").quit();
    ScriptServer server(s);
    const CliRun r = run(send_to(server.port(), [&] {
        auto flags = login_flags("login");
        flags.push_back("--trace");
        return flags;
    }()));
    EXPECT_EQ(r.status, EX_NOPERM);
    EXPECT_THAT(r.err, HasSubstr("C: AUTH LOGIN\n"));
    EXPECT_THAT(r.err, HasSubstr("C: <redacted>\n"));
    EXPECT_THAT(r.err, Not(HasSubstr(base64_encode(user))));
    expect_done(server);
    expect_no_secret();
}

TEST_F(CliAuth, JsonReportsTheLoginButNoSecret) {
    // RFC 2195's example: automatic picks CRAM-MD5 over PLAIN and LOGIN.
    Script s = Script::esmtp({"AUTH PLAIN LOGIN CRAM-MD5"});
    s.expect("AUTH CRAM-MD5")
        .send("334 PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+\r\n")
        .expect("dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw")
        .send("235 2.7.0 welcome\r\n");
    ScriptServer server(deliver(s));
    ::setenv(password_variable, "tanstaaftanstaaf", 1);
    const CliRun r = run(send_to(server.port(), {"--user", user, "--json"}));
    EXPECT_EQ(r.status, EX_OK) << r.err;
    const auto j = nlohmann::json::parse(r.out);
    ASSERT_TRUE(j.contains("auth")) << r.out;
    EXPECT_EQ(j["auth"]["requested"], "auto");
    EXPECT_EQ(j["auth"]["mechanism"], "CRAM-MD5");
    EXPECT_EQ(j["auth"]["result"], "ok");
    EXPECT_EQ(j["auth"]["reply"]["code"], 235);
    EXPECT_EQ(j["auth"]["reply"]["text"], "welcome");
    EXPECT_THAT(r.out, Not(HasSubstr("\"tim\""))) << "not even the user name";
    expect_done(server);
    watch_.expect_no_secret("tanstaaftanstaaf");
}

TEST_F(CliAuth, JsonReportsARefusedLogin) {
    ScriptServer server(Script::esmtp({"AUTH PLAIN"})
                            .expect("AUTH PLAIN")
                            .send("535 5.7.8 bad credentials\r\n")
                            .quit());
    const CliRun r = run(send_to(server.port(), [&] {
        auto flags = login_flags();
        flags.push_back("--json");
        return flags;
    }()));
    EXPECT_EQ(r.status, EX_NOPERM);
    const auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["auth"]["mechanism"], "PLAIN");
    EXPECT_EQ(j["auth"]["result"], "failed");
    EXPECT_EQ(j["auth"]["reply"]["code"], 535);
    EXPECT_EQ(j["error"]["code"], "auth_credentials_invalid");
    EXPECT_EQ(j["error"]["stage"], "authenticate");
    EXPECT_EQ(j["delivered"], false);
    expect_done(server);
    expect_no_secret();
}

// --- OAuth and EXTERNAL -----------------------------------------------------

TEST_F(CliAuth, TokenWithAutoPicksTheOfferedOAuthMechanism) {
    const std::string token = "ya29.token-for-tests";
    Script s = Script::esmtp({"AUTH PLAIN XOAUTH2"});
    s.expect("AUTH XOAUTH2 " +
             base64_encode(std::string("user=tim\1auth=Bearer ") + token + "\1\1"))
        .send("235 2.7.0 ok\r\n");
    ScriptServer server(deliver(s));
    const CliRun r = run(
        send_to(server.port(), {"--user", user, "--oauth-token-file", file("token", token + "\n"),
                                "--allow-insecure-auth", "--json"}));
    EXPECT_EQ(r.status, EX_OK) << r.err;
    EXPECT_EQ(nlohmann::json::parse(r.out)["auth"]["mechanism"], "XOAUTH2");
    expect_done(server);
    watch_.expect_no_secret(token);
}

TEST_F(CliAuth, ExternalLogsInWithTheClientCertificate) {
    const TestCertificates& pki = test_certificates();
    TlsServerConfig tls = server_tls(pki.good);
    tls.request_client_certificate = true;
    Script s = Script::esmtp({"STARTTLS"});
    s.accept_starttls(tls).ehlo({"AUTH EXTERNAL PLAIN"});
    s.expect("AUTH EXTERNAL =").send("235 2.7.0 certificate accepted\r\n");
    ScriptServer server(deliver(s));
    const CliRun r = run(
        send_to(server.port(), {"--auth", "external", "--json", "--tls", "starttls", "--cafile",
                                pki.ca_file, "--cert", pki.client.cert, "--key", pki.client.key}));
    EXPECT_EQ(r.status, EX_OK) << r.err;
    EXPECT_EQ(nlohmann::json::parse(r.out)["auth"]["mechanism"], "EXTERNAL");
    expect_done(server);
    ASSERT_EQ(server.tls_records().size(), 1u);
    EXPECT_TRUE(server.tls_records()[0].client_certificate);
}

// --- the exit-code table and the flag rules, without a server --------------

cli::SendOutcome failed_login(error e, int code = 0) {
    cli::SendOutcome o;
    o.stage = cli::Stage::authenticate;
    o.ec = make_error_code(e);
    if (code != 0) {
        o.reply.code = code;
        o.reply.lines = {"refused"};
    }
    return o;
}

TEST(CliAuthExitCodes, EachLoginFailureHasItsStatus) {
    using cli::exit_code;
    EXPECT_EQ(exit_code(failed_login(error::auth_credentials_invalid, 535)), EX_NOPERM);
    EXPECT_EQ(exit_code(failed_login(error::auth_failed, 554)), EX_NOPERM);
    EXPECT_EQ(exit_code(failed_login(error::auth_failed)), EX_NOPERM);
    EXPECT_EQ(exit_code(failed_login(error::auth_failed, 421)), EX_TEMPFAIL);
    EXPECT_EQ(exit_code(failed_login(error::auth_temporary_failure, 454)), EX_TEMPFAIL);
    EXPECT_EQ(exit_code(failed_login(error::auth_mechanism_not_offered)), EX_CONFIG);
    EXPECT_EQ(exit_code(failed_login(error::auth_insecure)), EX_CONFIG);
    EXPECT_EQ(exit_code(failed_login(error::auth_mechanism_too_weak, 534)), EX_CONFIG);
    EXPECT_EQ(exit_code(failed_login(error::auth_encryption_required, 538)), EX_CONFIG);
    EXPECT_EQ(exit_code(failed_login(error::sasl_bad_challenge, 501)), EX_PROTOCOL);
    EXPECT_EQ(exit_code(failed_login(error::sasl_server_not_verified, 235)), EX_PROTOCOL);
    EXPECT_EQ(exit_code(failed_login(error::sasl_invalid_input)), EX_DATAERR);
    cli::SendOutcome unreadable;
    unreadable.stage = cli::Stage::read_secret;
    unreadable.ec = std::make_error_code(std::errc::permission_denied);
    EXPECT_EQ(exit_code(unreadable), EX_CONFIG);
}

TEST(CliAuthFlags, CombinationsThatCannotWorkAreRefused) {
    const cli::TlsFlags no_tls;
    cli::TlsFlags with_cert;
    with_cert.mode = "starttls";
    with_cert.cert_file = "client.pem";
    const auto check = [](cli::AuthFlags f, const cli::TlsFlags& tls, const char* env) {
        return cli::check_auth_flags(f, tls, env);
    };
    EXPECT_EQ(check({}, no_tls, nullptr), "") << "no login asked for";
    EXPECT_EQ(check({.user = "tim"}, no_tls, "pw"), "");
    EXPECT_THAT(check({.user = "tim"}, no_tls, nullptr), HasSubstr("--user needs a password"));
    EXPECT_EQ(check({.user = "tim", .password_file = "f"}, no_tls, nullptr), "");
    EXPECT_THAT(check({.password_file = "f"}, no_tls, nullptr), HasSubstr("needs --user"));
    EXPECT_THAT(check({.allow_insecure_auth = true}, no_tls, nullptr),
                HasSubstr("--allow-insecure-auth needs --user"));
    EXPECT_THAT(
        check({.user = "tim", .password_file = "f", .oauth_token_file = "t"}, no_tls, nullptr),
        HasSubstr("not both"));
    EXPECT_THAT(
        check({.user = "tim", .mechanism = "plain", .oauth_token_file = "t"}, no_tls, nullptr),
        HasSubstr("--oauth-token-file goes with --auth auto, xoauth2 or oauthbearer"));
    EXPECT_EQ(check({.user = "tim", .mechanism = "oauthbearer", .oauth_token_file = "t"}, no_tls,
                    nullptr),
              "");
    EXPECT_THAT(check({.mechanism = "external"}, no_tls, nullptr), HasSubstr("needs a client"));
    EXPECT_EQ(check({.mechanism = "external"}, with_cert, nullptr), "");
    EXPECT_THAT(check({.password_file = "f", .mechanism = "external"}, with_cert, nullptr),
                HasSubstr("takes no --password-file"));
}

TEST(CliAuthFlags, AutoWithATokenMeansTheOAuthMechanisms) {
    EXPECT_EQ(cli::auth_mechanism({.user = "tim"}), AuthMechanism::automatic);
    EXPECT_EQ(cli::auth_mechanism({.user = "tim", .oauth_token_file = "t"}),
              AuthMechanism::automatic_token);
    EXPECT_EQ(cli::auth_mechanism({.mechanism = "scram-sha-256"}), AuthMechanism::scram_sha_256);
    EXPECT_EQ(cli::auth_mechanism_in("AUTH CRAM-MD5"), "CRAM-MD5");
    EXPECT_EQ(cli::auth_mechanism_in("auth plain AHRpbQ=="), "plain");
    EXPECT_EQ(cli::auth_mechanism_in("MAIL FROM:<a@b>"), "");
    EXPECT_EQ(cli::auth_mechanism_in("AUTHX"), "");
}

}  // namespace
}  // namespace smtpkit::test
