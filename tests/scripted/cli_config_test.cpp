// Accounts from the TOML config file: every refusal names the file, the line
// and the key (parsed in-process through load_account_from); then the built
// tool end to end against the scripted server: an account's server, port and
// from; flags over the file; password_command, password_file and
// password_env reaching AUTH; a bad line, a password others may read and a
// failing command stopping the run before any connection (exit 78).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sysexits.h>

#include <filesystem>
#include <string>
#include <vector>

#include "cli/config_file.hpp"
#include "smtpkit/protocol/sasl.hpp"
#include "support/cli_runner.hpp"
#include "support/script_server.hpp"
#include "support/secret_watch.hpp"

namespace smtpkit::test {
namespace {

namespace fs = std::filesystem;
using cli::ConfigError;
using cli::load_account_from;
using protocol::sasl::base64_encode;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr auto private_mode = fs::perms::owner_read | fs::perms::owner_write;
constexpr auto shared_mode = private_mode | fs::perms::group_read | fs::perms::others_read;
constexpr const char* secret = "Acc0unt-s3cret";

class CliConfig : public ::testing::Test {
  protected:
    // The message of the ConfigError that loading `toml` (as FILE) throws.
    std::string refusal(const std::string& toml, const std::string& account = "",
                        fs::perms mode = private_mode) {
        const fs::path path = runner_.file("config.toml", toml, mode);
        try {
            load_account_from({path}, true, account);
        } catch (const ConfigError& e) {
            return e.what();
        }
        ADD_FAILURE() << "no ConfigError for:\n" << toml;
        return {};
    }

    std::string path_of(const std::string& name) const { return (runner_.dir() / name).string(); }

    CliRunner runner_{"smtpkit-cli-config-"};
};

TEST_F(CliConfig, ErrorsNameTheFileTheLineAndTheKey) {
    const std::string file = path_of("config.toml");
    EXPECT_EQ(refusal("default = \"w\"\n[account.w]\nserver = \"h\"\nport = 99999\n"),
              file + ":4: account.w.port: must be a whole number from 1 to 65535");
    EXPECT_EQ(refusal("[account.w]\nserver = 25\n", "w"),
              file + ":2: account.w.server: must be a string in quotes");
    EXPECT_THAT(refusal("[account.w]\nserver = \"h\"\ncolour = \"blue\"\n", "w"),
                AllOf(HasSubstr(file + ":3: account.w.colour: unknown key"),
                      HasSubstr("password_command")));
    EXPECT_EQ(refusal("[account.w]\ntls = \"maybe\"\n", "w"),
              file +
                  ":2: account.w.tls: must be \"starttls\", \"implicit\", \"opportunistic\" "
                  "or \"none\"");
    EXPECT_THAT(refusal("[account.w]\nauth = \"md4\"\n", "w"),
                HasSubstr(file + ":2: account.w.auth: unknown mechanism \"md4\""));
    EXPECT_THAT(refusal("[account.w]\nfrom = \"not an address\"\n", "w"),
                HasSubstr(file + ":2: account.w.from: not an address"));
    EXPECT_EQ(refusal("[account.w]\npassword_command = \"x\"\npassword_env = \"Y\"\n", "w"),
              file +
                  ":3: account.w.password_env: give one of password_command, password_file, "
                  "password_env and password; account.w.password_command is already set on "
                  "line 2");
    EXPECT_THAT(refusal("colour = 1\n"), HasSubstr(file + ":1: colour: unknown key"));
    EXPECT_EQ(refusal("default = \"w\"\n"), file + ":1: default: no [account.w] in " + file);
}

TEST_F(CliConfig, DkimSettingsGoTogetherAndAreChecked) {
    const std::string file = path_of("config.toml");
    EXPECT_EQ(refusal("[account.w]\ndkim_key = \"k.pem\"\ndkim_selector = \"s\"\n", "w"),
              file +
                  ":3: account.w.dkim_selector: dkim_key, dkim_selector and dkim_domain go "
                  "together");
    EXPECT_EQ(refusal("[account.w]\ndkim_identity = \"me@example.com\"\n", "w"),
              file + ":2: account.w.dkim_identity: needs dkim_key, dkim_selector and dkim_domain");
    EXPECT_THAT(refusal("[account.w]\ndkim_key = \"k.pem\"\ndkim_selector = \"s\"\n"
                        "dkim_domain = \"example.com\"\ndkim_canonicalization = \"loose\"\n",
                        "w"),
                HasSubstr(file + ":5: account.w.dkim_canonicalization: must be "));
}

TEST_F(CliConfig, SyntaxErrorsNameTheLineAndColumn) {
    EXPECT_THAT(refusal("[account.w\nserver = \"h\"\n"),
                AllOf(HasSubstr(path_of("config.toml") + ":1:11: "), HasSubstr("']'")));
}

TEST_F(CliConfig, AccountThatNoFileDefinesIsNamed) {
    EXPECT_EQ(refusal("[account.w]\nserver = \"h\"\n", "home"),
              "--account home: no [account.home] in " + path_of("config.toml"));
}

TEST_F(CliConfig, PasswordInAFileOthersCanReadIsRefusedWithTheChmod) {
    const std::string file = path_of("config.toml");
    EXPECT_EQ(refusal(std::string("[account.w]\nuser = \"u\"\npassword = \"") + secret + "\"\n",
                      "w", shared_mode),
              file +
                  ":3: account.w.password: a password in a file that other users can read "
                  "(mode 0644): run chmod 600 " +
                  file + ", or use password_command instead");
    // A command others may change runs programs as this user.
    EXPECT_EQ(refusal("[account.w]\npassword_command = \"pass smtp\"\n", "w",
                      private_mode | fs::perms::group_write),
              file +
                  ":2: account.w.password_command: a command in a file that other users can "
                  "change (mode 0620): run chmod go-w " +
                  file);
    // A command is no secret: reading is fine.
    const fs::path ok = runner_.file(
        "readable.toml", "[account.w]\npassword_command = \"pass smtp\"\n", shared_mode);
    EXPECT_NO_THROW(load_account_from({ok}, true, "w"));
}

TEST_F(CliConfig, UserFileOverridesTheSystemFile) {
    const fs::path system =
        runner_.file("etc.toml",
                     "default = \"a\"\n[account.a]\nserver = \"sys-a\"\n[account.b]\nserver = "
                     "\"sys-b\"\n",
                     shared_mode);
    const fs::path user = runner_.file("user.toml", "default = \"b\"\n[account.b]\nport = 2525\n");
    const auto account = load_account_from({system, path_of("missing.toml"), user}, false, "");
    ASSERT_TRUE(account.has_value());
    EXPECT_EQ(account->name, "b");
    EXPECT_FALSE(account->server.has_value()) << "the user's account replaces the system's";
    ASSERT_TRUE(account->port.has_value());
    EXPECT_EQ(account->port->value, 2525);
    EXPECT_EQ(account->port->where(), user.string() + ":3: account.b.port");
    EXPECT_FALSE(load_account_from({path_of("missing.toml")}, false, "").has_value());
}

TEST_F(CliConfig, SearchPathFollowsXdg) {
    using Paths = std::vector<fs::path>;
    EXPECT_EQ(cli::config_search_path("/x", "/home/u"),
              (Paths{"/etc/smtpkit.toml", "/x/smtpkit/config.toml"}));
    EXPECT_EQ(cli::config_search_path(nullptr, "/home/u"),
              (Paths{"/etc/smtpkit.toml", "/home/u/.config/smtpkit/config.toml"}));
    EXPECT_EQ(cli::config_search_path("relative", "/home/u"),
              (Paths{"/etc/smtpkit.toml", "/home/u/.config/smtpkit/config.toml"}));
    EXPECT_EQ(cli::config_search_path(nullptr, nullptr), (Paths{"/etc/smtpkit.toml"}));
}

// --- the tool, end to end ---------------------------------------------------

std::string plain_response(const std::string& user, const std::string& password) {
    return base64_encode(std::string("\0", 1) + user + std::string("\0", 1) + password);
}

// A login with `password`, then one message from me@example.com.
Script login_and_deliver(const std::string& password) {
    Script s = Script::esmtp({"AUTH PLAIN"});
    s.expect("AUTH PLAIN " + plain_response("me", password)).send("235 2.7.0 ok\r\n");
    s.ehlo({"AUTH PLAIN"});  // asked again after the login
    s.expect("MAIL FROM:<me@example.com>")
        .send("250 ok\r\n")
        .expect("RCPT TO:<a@example.com>")
        .send("250 ok\r\n")
        .expect("DATA")
        .send("354 go\r\n")
        .expect_data()
        .send("250 queued\r\n")
        .quit();
    return s;
}

void expect_done(ScriptServer& server) {
    ASSERT_TRUE(server.wait_done()) << "the server's script did not finish";
    EXPECT_TRUE(server.mismatches().empty()) << ::testing::PrintToString(server.mismatches());
}

class CliAccount : public ::testing::Test {
  protected:
    // The user's config.toml with one default account "w" on `port`.
    void write_config(std::uint16_t port, const std::string& more, fs::perms mode = private_mode) {
        runner_.file(
            "xdg/smtpkit/config.toml",
            "default = \"w\"\n[account.w]\nserver = \"127.0.0.1\"\nport = " + std::to_string(port) +
                "\ntls = \"none\"\nfrom = \"Me <me@example.com>\"\n" + more,
            mode);
    }

    CliRun send(std::vector<std::string> more = {}, std::vector<std::string> env = {}) {
        std::vector<std::string> args{"send", "--to", "a@example.com", "--text", "hi"};
        args.insert(args.end(), more.begin(), more.end());
        CliRun r = runner_.run(args, std::nullopt, env);
        watch_.add_text("stdout", r.out);
        watch_.add_text("stderr", r.err);
        return r;
    }

    CliRunner runner_{"smtpkit-cli-account-"};
    SecretWatch watch_{"me"};
};

TEST_F(CliAccount, DefaultAccountGivesServerPortAndFrom) {
    Script s = Script::esmtp();
    s.expect("MAIL FROM:<me@example.com>")
        .send("250 ok\r\n")
        .expect("RCPT TO:<a@example.com>")
        .send("250 ok\r\n")
        .expect("DATA")
        .send("354 go\r\n")
        .expect_data()
        .send("250 queued\r\n")
        .quit();
    ScriptServer server(s);
    write_config(server.port(), "");
    const CliRun r = send();
    EXPECT_EQ(r.status, EX_OK) << describe(r);
    expect_done(server);
    ASSERT_EQ(server.messages().size(), 1u);
    EXPECT_THAT(server.messages()[0], HasSubstr("From: Me <me@example.com>\r\n"));
}

TEST_F(CliAccount, FlagsOverrideTheFile) {
    Script s = Script::esmtp();
    s.expect("MAIL FROM:<other@example.com>").send("250 ok\r\n");
    s.expect("RCPT TO:").send("250 ok\r\n").expect("DATA").send("354 go\r\n").expect_data();
    s.send("250 queued\r\n").quit();
    ScriptServer server(s);
    write_config(free_loopback_port(), "");  // nothing listens there
    const CliRun r = send({"--port", std::to_string(server.port()), "--from", "other@example.com"});
    EXPECT_EQ(r.status, EX_OK) << describe(r);
    expect_done(server);
}

TEST_F(CliAccount, PasswordCommandReachesTheLogin) {
    ScriptServer server(login_and_deliver(secret));
    // stdin is /dev/null for the command (in sendmail mode stdin is the message).
    write_config(server.port(), "user = \"me\"\npassword_command = \"read x; printf '" +
                                    std::string(secret) + "\\\\n'\"\n");
    const CliRun r = send({"--allow-insecure-auth"});
    EXPECT_EQ(r.status, EX_OK) << describe(r);
    expect_done(server);
    watch_.expect_no_secret(secret);
}

TEST_F(CliAccount, PasswordFileAndPasswordEnvReachTheLogin) {
    {
        ScriptServer server(login_and_deliver(secret));
        const fs::path pw = runner_.file("pw", std::string(secret) + "\n");
        write_config(server.port(), "user = \"me\"\npassword_file = \"" + pw.string() + "\"\n");
        const CliRun r = send({"--allow-insecure-auth"});
        EXPECT_EQ(r.status, EX_OK) << describe(r);
        expect_done(server);
    }
    {
        ScriptServer server(login_and_deliver(secret));
        write_config(server.port(), "user = \"me\"\npassword_env = \"MY_SMTP_PW\"\n");
        const CliRun r = send({"--allow-insecure-auth"}, {std::string("MY_SMTP_PW=") + secret});
        EXPECT_EQ(r.status, EX_OK) << describe(r);
        expect_done(server);
    }
    watch_.expect_no_secret(secret);
}

TEST_F(CliAccount, FailingPasswordCommandExitsConfigWithoutConnecting) {
    ScriptServer server(Script::esmtp());
    write_config(server.port(), "user = \"me\"\npassword_command = \"echo " + std::string(secret) +
                                    "; exit 3\"\n");
    const CliRun r = send({"--allow-insecure-auth"});
    EXPECT_EQ(r.status, EX_CONFIG) << describe(r);
    EXPECT_THAT(r.err, AllOf(HasSubstr("password_command ("),
                             HasSubstr("config.toml:8: account.w.password_command"),
                             HasSubstr("the command exited with status 3")));
    EXPECT_EQ(server.connections(), 0u);
    watch_.expect_no_secret(secret);
}

TEST_F(CliAccount, BadLineExitsConfigWithoutConnecting) {
    ScriptServer server(Script::esmtp());
    write_config(server.port(), "auth = \"md4\"\n");
    const CliRun r = send();
    EXPECT_EQ(r.status, EX_CONFIG) << describe(r);
    EXPECT_THAT(r.err, StartsWith("smtpkit: " + (runner_.config_dir() / "config.toml").string() +
                                  ":7: account.w.auth: unknown mechanism \"md4\""));
    EXPECT_TRUE(r.out.empty());
    EXPECT_EQ(server.connections(), 0u);
}

TEST_F(CliAccount, PasswordThatOthersCanReadIsRefused) {
    ScriptServer server(Script::esmtp());
    const std::string config = (runner_.config_dir() / "config.toml").string();
    write_config(server.port(), "user = \"me\"\npassword = \"" + std::string(secret) + "\"\n",
                 shared_mode);
    CliRun r = send({"--allow-insecure-auth"});
    EXPECT_EQ(r.status, EX_CONFIG) << describe(r);
    EXPECT_THAT(r.err, HasSubstr("run chmod 600 " + config));
    // An account's password_file others may read: refused too (msmtp's rule).
    const fs::path pw = runner_.file("pw", std::string(secret) + "\n", shared_mode);
    write_config(server.port(), "user = \"me\"\npassword_file = \"" + pw.string() + "\"\n");
    r = send({"--allow-insecure-auth"});
    EXPECT_EQ(r.status, EX_CONFIG) << describe(r);
    EXPECT_THAT(r.err, AllOf(HasSubstr("other users can read it (mode 0644)"),
                             HasSubstr("run chmod 600 " + pw.string())));
    EXPECT_EQ(server.connections(), 0u);
    watch_.expect_no_secret(secret);
}

TEST_F(CliAccount, UnknownAccountAndMissingConfigExitConfig) {
    CliRun r = send({"--account", "nope"});
    EXPECT_EQ(r.status, EX_CONFIG) << describe(r);
    EXPECT_THAT(r.err, HasSubstr("--account nope: there is no config file"));
    r = send({"--config", (runner_.dir() / "absent.toml").string()});
    EXPECT_EQ(r.status, EX_CONFIG) << describe(r);
    EXPECT_THAT(r.err, HasSubstr("cannot read config file"));
}

}  // namespace
}  // namespace smtpkit::test
