// DKIM-signed messages sent through a real Postfix, read back from its
// mailbox and verified there by dkimpy and OpenDKIM: Postfix's own trace
// fields on top and mbox storage (LF line endings) must not matter.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "common/dkim_verifiers.hpp"
#include "smtpkit/client.hpp"
#include "smtpkit/dkim.hpp"
#include "smtpkit/message.hpp"
#include "support/cli_runner.hpp"
#include "support/postfix_server.hpp"
#include "support/server_process.hpp"

namespace smtpkit::test {
namespace {

namespace fs = std::filesystem;

const std::string keys_dir = SMTPKIT_TEST_DATA_DIR "/data/dkim/";

// The stored message as a verifier gets it off the wire: CRLF endings.
std::string crlf(const std::string& lf) {
    std::string out;
    for (char c : lf) {
        if (c == '\n') {
            out += '\r';
        }
        out += c;
    }
    return out;
}

std::string random_bytes(std::size_t n) {
    std::mt19937 random(11);
    std::string out(n, '\0');
    for (char& c : out) {
        c = static_cast<char>(random());
    }
    return out;
}

class DkimPostfix : public ::testing::Test {
  protected:
    void SetUp() override {
        options_.security = Security::plaintext;  // a relay on loopback
        options_.timeout = std::chrono::seconds(30);
        options_.helo_name = "client.smtpkit.test";
    }

    // Sends `source` to root@localhost and returns what Postfix stored.
    std::string send_and_read_back(const MessageSource& source) {
        Client client;
        client.connect("127.0.0.1", server_.port(), options_);
        const SendResult result =
            client.send(Envelope{"sender@example.com", {"root@localhost"}}, source);
        EXPECT_TRUE(result.delivered()) << result.error.message();
        client.quit();
        ++sent_;
        const auto stored =
            split_mbox(server_.wait_for_mailbox("root", std::chrono::seconds(15), sent_));
        return stored.empty() ? std::string() : crlf(stored.back());
    }

    void expect_verified(const std::string& stored, const std::string& keys) {
        ASSERT_NE(stored.find("Received: "), std::string::npos) << "Postfix's trace is there";
        const DkimVerdict dkimpy = verify_with_dkimpy(stored, keys);
        EXPECT_TRUE(dkimpy.pass) << dkimpy.output << "\n" << stored.substr(0, 3000);
        const DkimVerdict opendkim = verify_with_opendkim(stored, keys);
        EXPECT_TRUE(opendkim.pass) << opendkim.output << "\n" << stored.substr(0, 3000);
    }

    PostfixServer server_;
    ConnectOptions options_;
    std::size_t sent_ = 0;
};

TEST_F(DkimPostfix, ComposedMessageWithAttachmentBothAlgorithms) {
    Message message;
    message.from("Ann <ann@example.com>")
        .to("Root <root@localhost>")
        .subject("A signed report with a subject long enough to be folded by the builder")
        .text("Hello,\nthe report is attached.\n\n")
        .html("<p>Hello,</p>")
        .attach(MimePart::bytes(random_bytes(100000), "application/octet-stream", "r.bin"));
    const MessageSource rendered = message.source();
    for (const char* file : {"rsa2048.pem", "ed25519.pem"}) {
        for (const DkimCanonicalization c :
             {DkimCanonicalization::relaxed, DkimCanonicalization::simple}) {
            const DkimKey key = DkimKey::from_pem_file(keys_dir + file);
            DkimSigner signer(key, "example.com", "pf");
            signer.canonicalization(c, c);
            SCOPED_TRACE(std::string(file) +
                         (c == DkimCanonicalization::simple ? " simple" : " relaxed"));
            expect_verified(send_and_read_back(signer.sign(rendered)),
                            dkim_key_line(key, "pf", "example.com"));
        }
    }
}

TEST_F(DkimPostfix, MessageFileWithUnixLineEndingsAnEightBitBodyAndTrailingLines) {
    const fs::path file = server_.directory() / "message.eml";
    std::ofstream(file, std::ios::binary) << "From: J\xC3\xB6rg <joerg@example.com>\n"
                                             "To: root@localhost\n"
                                             "Subject: 8-bit body\n"
                                             "MIME-Version: 1.0\n"
                                             "Content-Type: text/plain; charset=utf-8\n"
                                             "Content-Transfer-Encoding: 8bit\n"
                                             "\n"
                                             "Gr\xC3\xBC\xC3\x9F"
                                             "e \t aus K\xC3\xB6ln  \n"
                                             ".a line with a dot\n"
                                             "\n\n\n";
    const DkimKey key = DkimKey::from_pem_file(keys_dir + "ed25519.pem");
    DkimSigner signer(key, "example.com", "file");
    signer.canonicalization(DkimCanonicalization::relaxed, DkimCanonicalization::simple);
    expect_verified(send_and_read_back(signer.sign(MessageSource::from_file(file))),
                    dkim_key_line(key, "file", "example.com"));
}

TEST_F(DkimPostfix, EmptyBody) {
    const DkimKey key = DkimKey::from_pem_file(keys_dir + "rsa2048.pem");
    DkimSigner signer(key, "example.com", "empty");
    signer.canonicalization(DkimCanonicalization::simple, DkimCanonicalization::simple);
    expect_verified(send_and_read_back(signer.sign(MessageSource::from_string(
                        "From: a@example.com\r\nTo: root@localhost\r\nSubject: empty\r\n\r\n"))),
                    dkim_key_line(key, "empty", "example.com"));
}

// The README's example, as the program examples/dkim/sign_and_send.cpp.
TEST_F(DkimPostfix, ReadmeExample) {
    const CommandOutput r = run_capture(
        {SMTPKIT_EXAMPLE_DKIM, keys_dir + "rsa2048.pem", "example.com", "mail2025", "127.0.0.1",
         std::to_string(server_.port()), "Ann <ann@example.com>", "root@localhost"});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    ASSERT_EQ(r.out.rfind("v=DKIM1; k=rsa; p=", 0), 0u) << r.out;
    const auto stored = split_mbox(server_.wait_for_mailbox("root", std::chrono::seconds(15)));
    ASSERT_EQ(stored.size(), 1u);
    expect_verified(crlf(stored[0]), "mail2025._domainkey.example.com " + r.out);
}

std::vector<std::string> cli_send(std::uint16_t port, std::vector<std::string> extra) {
    std::vector<std::string> args{SMTPKIT_CLI_PATH, "send",          "--server",
                                  "127.0.0.1",      "--port",        std::to_string(port),
                                  "--from",         "a@example.com", "--to",
                                  "root@localhost", "--subject",     "signed by the tool",
                                  "--text",         "Hello\n\n"};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
}

TEST_F(DkimPostfix, CommandLineToolSigns) {
    const std::string key_file = keys_dir + "ed25519.pem";
    const CommandOutput r = run_capture(
        cli_send(server_.port(), {"--dkim-key", key_file, "--dkim-selector", "cli", "--dkim-domain",
                                  "example.com", "--dkim-canonicalization", "simple/relaxed"}));
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    const auto stored = split_mbox(server_.wait_for_mailbox("root", std::chrono::seconds(15)));
    ASSERT_EQ(stored.size(), 1u);
    EXPECT_NE(stored[0].find("c=simple/relaxed"), std::string::npos) << stored[0];
    expect_verified(crlf(stored[0]),
                    dkim_key_line(DkimKey::from_pem_file(key_file), "cli", "example.com"));
}

TEST_F(DkimPostfix, CommandLineToolRefusesAPublicKey) {
    const CommandOutput r = run_capture(
        cli_send(server_.port(), {"--dkim-key", keys_dir + "rsa2048-public.pem", "--dkim-selector",
                                  "cli", "--dkim-domain", "example.com"}));
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.err.find("public key"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("rsa2048-public.pem"), std::string::npos) << r.err;
}

TEST_F(DkimPostfix, CommandLineToolNeedsSelectorAndDomain) {
    const CommandOutput r =
        run_capture(cli_send(server_.port(), {"--dkim-key", keys_dir + "rsa2048.pem"}));
    EXPECT_EQ(r.exit_code, 64) << r.out << r.err;  // EX_USAGE
}

// An account's DKIM settings sign what `send` composes and what `sendmail`
// reads from stdin (kept in memory to be read twice), with no --dkim flag.
TEST_F(DkimPostfix, AccountKeySignsSendAndSendmail) {
    CliRunner runner("smtpkit-dkim-account-");
    const std::string key_file = keys_dir + "rsa2048.pem";
    runner.file("xdg/smtpkit/config.toml",
                "default = \"signed\"\n[account.signed]\nserver = \"127.0.0.1\"\nport = " +
                    std::to_string(server_.port()) +
                    "\ntls = \"none\"\nfrom = \"Signer <signer@example.com>\"\n"
                    "dkim_key = \"" +
                    key_file +
                    "\"\ndkim_selector = \"acct\"\ndkim_domain = \"example.com\"\n"
                    "dkim_canonicalization = \"simple/simple\"\n");
    const CliRun sent = runner.run(
        {"send", "--to", "root@localhost", "--subject", "account-signed", "--text", "Hello\n"});
    ASSERT_EQ(sent.status, 0) << describe(sent);
    const CliRun piped =
        runner.run({"sendmail", "-i", "root@localhost"}, "Subject: sendmail-signed\n\nfrom cron\n");
    ASSERT_EQ(piped.status, 0) << describe(piped);
    const auto stored = split_mbox(server_.wait_for_mailbox("root", std::chrono::seconds(15), 2));
    ASSERT_EQ(stored.size(), 2u);
    const std::string keys = dkim_key_line(DkimKey::from_pem_file(key_file), "acct", "example.com");
    for (const std::string& message : stored) {
        EXPECT_NE(message.find("s=acct"), std::string::npos) << message;
        EXPECT_NE(message.find("c=simple/simple"), std::string::npos) << message;
        expect_verified(crlf(message), keys);
    }
}

}  // namespace
}  // namespace smtpkit::test
