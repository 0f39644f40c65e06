// `smtpkit send` logging in to a real Postfix with Dovecot as its SASL
// provider: the password from --password-file or SMTPKIT_PASSWORD, --auth
// auto choosing SCRAM-SHA-256, a wrong password exiting 77 with nothing
// sent, and the secret nowhere in the tool's output.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "integration/auth_real_support.hpp"
#include "support/server_process.hpp"

namespace smtpkit::test {
namespace {

constexpr int ex_ok = 0;
constexpr int ex_noperm = 77;

constexpr const char* kUser = "testuser";
constexpr const char* kPassword = "s3cret-Pass";
constexpr const char* kWrongPassword = "Wr0ng-Pass";

std::vector<std::string> send_args(const PostfixServer& server, const std::string& to) {
    return {SMTPKIT_CLI_PATH, "send",
            "--server",       "localhost",
            "--port",         std::to_string(server.port()),
            "--tls",          "starttls",
            "--cafile",       test_certificates().ca_file,
            "--user",         kUser,
            "--from",         "sender@localhost",
            "--to",           to,
            "--subject",      "CLI login test",
            "--text",         "Sent by the smtpkit CLI after AUTH.",
            "--trace",        "--json"};
}

std::string describe(const CommandOutput& r) {
    return "exit " + std::to_string(r.exit_code) + "\n--- stdout ---\n" + r.out +
           "\n--- stderr ---\n" + r.err;
}

// Sets an environment variable for the child processes of one scope.
class ScopedEnv {
  public:
    ScopedEnv(const char* name, const char* value) : name_(name) { setenv(name, value, 1); }
    ~ScopedEnv() { unsetenv(name_); }
    ScopedEnv(const ScopedEnv&) = delete;
    ScopedEnv& operator=(const ScopedEnv&) = delete;

  private:
    const char* name_;
};

void expect_no_credentials(const CommandOutput& r, const std::string& secret) {
    TraceRecorder texts(kUser);
    texts.add("stdout: " + r.out);
    texts.add("stderr: " + r.err);
    texts.expect_no_credentials(secret);
}

nlohmann::json parse_json(const CommandOutput& r) {
    try {
        return nlohmann::json::parse(r.out);
    } catch (const std::exception& e) {
        ADD_FAILURE() << "no JSON on stdout (" << e.what() << "): " << describe(r);
        return {};
    }
}

TEST(CliAuthReal, PasswordFileLogsInWithScramSha256AndDelivers) {
    SaslPostfix servers;
    const std::filesystem::path password_file = servers.dovecot.directory() / "cli-password";
    write_file(password_file, std::string(kPassword) + "\n");
    chmod(password_file.c_str(), 0600);
    auto args = send_args(servers.postfix, "root+cli@localhost");
    args.insert(args.end(), {"--password-file", password_file.string()});
    const LogSince log(servers.postfix);
    const CommandOutput r = run_capture(args, 60s);
    ASSERT_EQ(r.exit_code, ex_ok) << describe(r);

    // --auth auto chose the strongest: the trace, the report and Postfix agree.
    EXPECT_NE(r.err.find("AUTH SCRAM-SHA-256 <redacted>"), std::string::npos) << describe(r);
    const nlohmann::json doc = parse_json(r);
    EXPECT_EQ(doc["auth"]["requested"], "auto") << doc.dump(2);
    EXPECT_EQ(doc["auth"]["mechanism"], "SCRAM-SHA-256") << doc.dump(2);
    EXPECT_EQ(doc["auth"]["result"], "ok") << doc.dump(2);
    const std::string client_line = "sasl_method=SCRAM-SHA-256, sasl_username=testuser";
    const std::string text = log.wait_for(client_line);
    EXPECT_NE(text.find(client_line), std::string::npos) << text;
    const std::string stored = servers.postfix.wait_for_mailbox("root");
    EXPECT_NE(stored.find("(Authenticated sender: testuser)"), std::string::npos) << stored;
    EXPECT_NE(stored.find("Sent by the smtpkit CLI after AUTH."), std::string::npos) << stored;
    expect_no_credentials(r, kPassword);
}

TEST(CliAuthReal, EnvironmentPasswordLogsInWithTheNamedMechanism) {
    SaslPostfix servers;
    const ScopedEnv env("SMTPKIT_PASSWORD", kPassword);
    auto args = send_args(servers.postfix, "root+cli@localhost");
    args.insert(args.end(), {"--auth", "login"});
    const LogSince log(servers.postfix);
    const CommandOutput r = run_capture(args, 60s);
    ASSERT_EQ(r.exit_code, ex_ok) << describe(r);
    EXPECT_EQ(parse_json(r)["auth"]["mechanism"], "LOGIN") << r.out;
    const std::string client_line = "sasl_method=LOGIN, sasl_username=testuser";
    EXPECT_NE(log.wait_for(client_line).find(client_line), std::string::npos) << log.text();
    servers.postfix.wait_for_mailbox("root");
    expect_no_credentials(r, kPassword);
}

TEST(CliAuthReal, WrongPasswordExitsNoPermAndSendsNothing) {
    SaslPostfix servers;
    const ScopedEnv env("SMTPKIT_PASSWORD", kWrongPassword);
    auto args = send_args(servers.postfix, "root+cli@localhost");
    args.insert(args.end(), {"--auth", "plain"});
    const LogSince log(servers.postfix);
    const CommandOutput r = run_capture(args, 60s);
    EXPECT_EQ(r.exit_code, ex_noperm) << describe(r);
    const nlohmann::json doc = parse_json(r);
    EXPECT_EQ(doc["auth"]["result"], "failed") << doc.dump(2);
    EXPECT_EQ(doc["auth"]["reply"]["code"], 535) << doc.dump(2);
    EXPECT_EQ(doc["error"]["stage"], "authenticate") << doc.dump(2);
    EXPECT_EQ(r.err.find("MAIL FROM"), std::string::npos) << describe(r);

    const std::string text = log.wait_for("disconnect from");
    EXPECT_NE(text.find("SASL PLAIN authentication failed"), std::string::npos) << text;
    EXPECT_EQ(text.find(" mail="), std::string::npos) << text;
    EXPECT_FALSE(std::filesystem::exists(servers.postfix.mailbox_path("root"))) << text;
    expect_no_credentials(r, kWrongPassword);
}

}  // namespace
}  // namespace smtpkit::test
