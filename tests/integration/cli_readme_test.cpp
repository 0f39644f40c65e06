// The README's msmtp and swaks tasks are run as written: the account from
// its ```toml block (with the server, port and password command pointed at a
// local aiosmtpd that speaks STARTTLS with the test CA and takes one login),
// then every ```sh block of the section with bash -euo pipefail, `smtpkit`
// on PATH and the files the examples name in the working directory.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include "support/aiosmtpd_server.hpp"
#include "support/cli_runner.hpp"
#include "support/server_process.hpp"
#include "support/test_certs.hpp"

namespace smtpkit::test {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

const char* const section_title = "### Accounts, sendmail, and the msmtp and swaks tasks";

// The section of the README that holds the tasks.
std::string tasks_section() {
    const std::string readme = read_file(fs::path(SMTPKIT_TEST_DATA_DIR) / ".." / "README.md");
    const auto start = readme.find(section_title);
    if (start == std::string::npos) {
        throw std::runtime_error("README.md has no section " + std::string(section_title));
    }
    const auto end = readme.find("\n##", start + 1);  // "# ..." lines are sh comments
    return readme.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

// The contents of the ````language` fenced blocks of `text`, in order.
std::vector<std::string> blocks(const std::string& text, const std::string& language) {
    std::vector<std::string> out;
    const std::string open = "```" + language + "\n";
    for (auto at = text.find(open); at != std::string::npos; at = text.find(open, at)) {
        at += open.size();
        const auto close = text.find("```", at);
        out.push_back(text.substr(at, close - at));
        at = close + 3;
    }
    return out;
}

TEST(CliReadme, TasksRun) {
    const TestCertificates& pki = test_certificates();
    const std::string password = "Readme-pa55";
    AiosmtpdOptions options;
    options.tls = AiosmtpdTls::starttls;
    options.chain_file = pki.good.chain;
    options.key_file = pki.good.key;
    options.auth = AiosmtpdAuth{"me@example.com", password};
    AiosmtpdServer server(options);

    const std::string section = tasks_section();
    const auto toml = blocks(section, "toml");
    const auto scripts = blocks(section, "sh");
    ASSERT_EQ(toml.size(), 1u);
    ASSERT_GE(scripts.size(), 10u);

    CliRunner runner("smtpkit-cli-readme-");
    // The account as written, pointed at the local server (the account is
    // the file's last table, so the CA file can be added at the end).
    std::string config =
        std::regex_replace(toml[0], std::regex(R"(server = "[^"]*")"), "server = \"127.0.0.1\"");
    config = std::regex_replace(config, std::regex(R"(port = \d+)"),
                                "port = " + std::to_string(server.port()));
    config = std::regex_replace(config, std::regex(R"(password_command = "[^"]*")"),
                                "password_command = \"echo " + password + "\"");
    config += "cafile = \"" + pki.ca_file + "\"\n";
    runner.file("xdg/smtpkit/config.toml", config);

    // The files the examples name.
    runner.file("work/message.eml",
                "From: Me <me@example.com>\nTo: ann@example.org\nBcc: boss@example.org\n"
                "Subject: Minutes\n\nThe minutes.\n");
    runner.file("work/report.txt", "The report.\n");
    runner.file("work/report.pdf", "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n");
    runner.file("work/data.csv", "a,b\n1,2\n");
    runner.file("work/page.html", "<p>News <img src=\"cid:logo.png\"></p>\n");
    runner.file("work/logo.png", std::string("\x89PNG\r\n\x1a\n", 8) + std::string(64, '\0'));
    const fs::path bin = runner.dir() / "path";
    fs::create_directories(bin);
    fs::create_symlink(SMTPKIT_CLI_PATH, bin / "smtpkit");
    const std::string path_env = "PATH=" + bin.string() + ":/usr/bin:/bin";

    std::size_t expected_messages = 0;
    for (const std::string& script : scripts) {
        const CliRun r = runner.run({"-euo", "pipefail", "-c", "cd \"$HOME/work\"\n" + script},
                                    std::nullopt, {path_env}, "/bin/bash");
        EXPECT_EQ(r.status, 0) << script << describe(r);
        EXPECT_THAT(r.err, Not(HasSubstr(password))) << script;
        EXPECT_THAT(r.out, Not(HasSubstr(password))) << script;
        // Each `send` or `sendmail` delivers; --repeat N delivers N.
        if (script.find("smtpkit send") != std::string::npos ||
            script.find("sendmail") != std::string::npos) {
            std::smatch repeat;
            expected_messages += std::regex_search(script, repeat, std::regex(R"(--repeat (\d+))"))
                                     ? std::stoul(repeat[1])
                                     : 1;
        }
    }
    ASSERT_GT(expected_messages, 0u);
    server.wait_for_message(expected_messages - 1);
    const auto messages = server.messages();
    EXPECT_EQ(messages.size(), expected_messages);
    for (const ReceivedMessage& m : messages) {
        EXPECT_EQ(m.tls_version.empty(), false) << "the account's STARTTLS was used";
        EXPECT_EQ(m.auth_login, "me@example.com");
        EXPECT_THAT(m.content, Not(HasSubstr("Bcc:")));
    }
}

}  // namespace
}  // namespace smtpkit::test
