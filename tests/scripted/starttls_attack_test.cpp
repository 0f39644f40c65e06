// STARTTLS required (Security::starttls) against servers that try to keep the
// client in plaintext or to smuggle plaintext into the TLS session: STARTTLS
// stripped, refused, answered with injected replies, EHLO refused; the
// capabilities of the plaintext EHLO must not survive the upgrade; STARTTLS
// goes alone; implicit TLS against a plaintext server; stalls. In every
// failure the server must have received nothing beyond the point of failure:
// no AUTH, no MAIL, no command after STARTTLS.
#include <openssl/ssl.h>

#include "scripted/client_fixture.hpp"
#include "support/test_certs.hpp"

namespace smtpkit::test {
namespace {

const std::string ehlo_line = "EHLO client.example\r\n";
const std::string starttls_line = "STARTTLS\r\n";

ConnectOptions secure_options(Security mode = Security::starttls,
                              std::chrono::seconds timeout = std::chrono::seconds(2)) {
    ConnectOptions o = esmtp_options(timeout);
    o.security = mode;
    o.tls.ca_file = test_certificates().ca_file;
    return o;
}

TlsServerConfig good_server() {
    return server_tls(test_certificates().good);
}

std::error_code connect(Client& client, const ScriptServer& server,
                        const ConnectOptions& options = secure_options()) {
    std::error_code ec;
    client.connect("localhost", server.port(), options, ec);
    return ec;
}

// The client gave up at once and left nothing behind.
void expect_not_connected(const Client& client) {
    EXPECT_FALSE(client.connected());
    EXPECT_FALSE(client.security_info().active);
}

// --- (a) STARTTLS not offered ---------------------------------------------------

TEST(StarttlsStripped, NotOfferedFailsAfterEhloAndSendsNothingElse) {
    // What a man in the middle leaves of a real EHLO reply.
    ScriptServer server(
        Script::esmtp({"PIPELINING", "AUTH PLAIN LOGIN", "SIZE 10000", "8BITMIME"}));
    Client client;
    EXPECT_EQ(connect(client, server), error::starttls_not_offered);
    EXPECT_EQ(client.last_error(), error::starttls_not_offered);
    expect_not_connected(client);
    expect_server_done(server);
    EXPECT_EQ(server.received(), ehlo_line);
}

TEST(StarttlsStripped, ThrowingFormThrowsStarttlsNotOffered) {
    ScriptServer server(Script::esmtp({"AUTH PLAIN"}));
    Client client;
    try {
        client.connect("localhost", server.port(), secure_options());
        ADD_FAILURE() << "connect() did not throw";
    } catch (const smtpkit::system_error& e) {
        EXPECT_EQ(e.code(), error::starttls_not_offered);
    }
    expect_server_done(server);
    EXPECT_EQ(server.received(), ehlo_line);
}

// A session that failed this way cannot be used in plaintext afterwards.
TEST(StarttlsStripped, LaterCallsFailWithoutWriting) {
    ScriptServer server(Script::esmtp({"AUTH PLAIN"}));
    Client client;
    ASSERT_EQ(connect(client, server), error::starttls_not_offered);
    std::error_code ec;
    const SendResult r = client.send(envelope_to({"rcpt@example.com"}), message(), ec);
    EXPECT_EQ(ec, error::not_connected);
    EXPECT_NE(r.verdict, Verdict::delivered);
    client.noop(ec);
    EXPECT_EQ(ec, error::not_connected);
    expect_server_done(server);
    EXPECT_EQ(server.received(), ehlo_line);
}

// --- (d) EHLO refused, HELO accepted: no way to ask for STARTTLS ------------------

class StarttlsEhloRefused : public ::testing::TestWithParam<int> {};

INSTANTIATE_TEST_SUITE_P(Codes, StarttlsEhloRefused, ::testing::Values(500, 502),
                         [](const auto& info) { return "code" + std::to_string(info.param); });

TEST_P(StarttlsEhloRefused, HeloOnlyServerIsStarttlsNotOffered) {
    ScriptServer server(Script()
                            .greet()
                            .expect("EHLO")
                            .send(std::to_string(GetParam()) + " 5.5.1 what is EHLO\r\n")
                            .expect("HELO")
                            .send("250 test.invalid\r\n"));
    Client client;
    EXPECT_EQ(connect(client, server), error::starttls_not_offered);
    expect_not_connected(client);
    expect_server_done(server);
    EXPECT_EQ(server.received(), ehlo_line + "HELO client.example\r\n");
}

// --- (b) STARTTLS answered with anything but 220 ------------------------------------

class StarttlsRefused : public ::testing::TestWithParam<std::string> {};

INSTANTIATE_TEST_SUITE_P(Replies, StarttlsRefused,
                         ::testing::Values("454 4.7.0 TLS not available\r\n",
                                           "502 5.5.1 not implemented\r\n",
                                           "421 4.3.2 shutting down\r\n",
                                           "501 5.5.4 syntax error\r\n", "550 5.7.0 no\r\n",
                                           "250 2.0.0 sure\r\n", "354 go ahead\r\n",
                                           "220-almost\r\n221 bye\r\n"),
                         [](const auto& info) { return "code" + info.param.substr(0, 3); });

TEST_P(StarttlsRefused, FailsWithTheReplyAndWritesNothingMore) {
    const std::string& reply = GetParam();
    ScriptServer server(
        Script::esmtp({"PIPELINING", "STARTTLS", "AUTH PLAIN"}).expect("STARTTLS").send(reply));
    Client client;
    const std::error_code ec = connect(client, server);
    // A multi-line reply whose codes differ is a protocol error, not a refusal.
    if (reply.starts_with("220-")) {
        EXPECT_EQ(ec, error::reply_code_mismatch) << ec.message();
    } else {
        const int code = std::stoi(reply.substr(0, 3));
        EXPECT_EQ(ec, code / 100 == 4 ? error::starttls_deferred : error::starttls_refused)
            << ec.message();
        EXPECT_EQ(client.last_reply().code, code);
        EXPECT_EQ(client.opening().starttls.code, code);
    }
    expect_not_connected(client);
    expect_server_done(server);
    EXPECT_EQ(server.received(), ehlo_line + starttls_line);
}

TEST(StarttlsRefusal, ThrowingFormCarriesTheServersWords) {
    ScriptServer server(
        Script::esmtp({"STARTTLS"}).expect("STARTTLS").send("454 4.7.0 TLS not available\r\n"));
    Client client;
    try {
        client.connect("localhost", server.port(), secure_options());
        ADD_FAILURE() << "connect() did not throw";
    } catch (const smtpkit::system_error& e) {
        EXPECT_EQ(e.code(), error::starttls_deferred);  // 454: for now
        EXPECT_TRUE(has_substr(e.what(), "TLS not available"));
    }
    // The server's refusal is in last_reply(), not repeated as the detail.
    EXPECT_EQ(client.last_reply().code, 454);
    EXPECT_TRUE(client.last_error_detail().empty()) << client.last_error_detail();
    expect_server_done(server);
}

// --- (c) response injection -----------------------------------------------------------

// Octets that follow the 220 in the same write: a man in the middle (or a
// buggy server) speaking plaintext that the client would otherwise read as
// if it came over TLS (CVE-2011-0411 and the 2021 STARTTLS studies).
class StarttlsInjection : public ::testing::TestWithParam<std::string> {};

INSTANTIATE_TEST_SUITE_P(Tails, StarttlsInjection,
                         ::testing::Values("250-PIPELINING\r\n250 AUTH PLAIN\r\n", "250-", "2",
                                           "\r\n", "220 again\r\n", std::string("\x16\x03\x03", 3)),
                         [](const auto& info) { return "tail" + std::to_string(info.index); });

TEST_P(StarttlsInjection, RefusedBeforeTheHandshakeStarts) {
    ScriptServer server(Script::esmtp({"PIPELINING", "STARTTLS"})
                            .expect("STARTTLS")
                            .send("220 2.0.0 go ahead\r\n" + GetParam()));
    Client client;
    EXPECT_EQ(connect(client, server), error::starttls_injection);
    expect_not_connected(client);
    expect_server_done(server);
    // No ClientHello: after STARTTLS the client sent nothing at all.
    EXPECT_EQ(server.received(), ehlo_line + starttls_line);
}

TEST(StarttlsInjected, MultiLine220WithInjectionIsRefused) {
    ScriptServer server(Script::esmtp({"STARTTLS"})
                            .expect("STARTTLS")
                            .send("220-go\r\n220 ahead\r\n250 injected\r\n"));
    Client client;
    EXPECT_EQ(connect(client, server), error::starttls_injection);
    expect_server_done(server);
    EXPECT_EQ(server.received(), ehlo_line + starttls_line);
}

// Plaintext that arrives after the client has started its handshake is no
// TLS record: the handshake fails, and nothing goes on in plaintext.
TEST(StarttlsInjected, LatePlaintextBreaksTheHandshake) {
    ScriptServer server(Script::esmtp({"STARTTLS"})
                            .expect("STARTTLS")
                            .send("220 2.0.0 go ahead\r\n")
                            .raw()
                            .read_bytes(5)  // the ClientHello has begun
                            .send("250 AUTH PLAIN\r\n"));
    Client client;
    const std::error_code ec = connect(client, server);
    EXPECT_TRUE(ec == error::tls_handshake_failed || ec == error::tls_version_refused)
        << ec.message();
    expect_not_connected(client);
    expect_server_done(server);
    const std::string received = server.received();
    ASSERT_GT(received.size(), ehlo_line.size() + starttls_line.size());
    EXPECT_EQ(received.substr(0, ehlo_line.size() + starttls_line.size()),
              ehlo_line + starttls_line);
    // What followed STARTTLS was a TLS handshake record, not a command.
    EXPECT_EQ(received[ehlo_line.size() + starttls_line.size()], '\x16');
    EXPECT_FALSE(server.saw("MAIL"));
    EXPECT_FALSE(server.saw("AUTH"));
}

// --- (e) the plaintext EHLO is forgotten -------------------------------------------------

TEST(StarttlsUpgrade, CapabilitiesAreOnlyThoseOfferedOverTls) {
    ScriptServer server(
        Script::esmtp({"PIPELINING", "STARTTLS", "AUTH PLAIN", "SIZE 10", "X-PLAINTEXT-ONLY"})
            .accept_starttls(good_server())
            .ehlo({"8BITMIME", "AUTH LOGIN", "SIZE 20000000"})
            .quit());
    Client client;
    ASSERT_FALSE(connect(client, server));
    const Capabilities& caps = client.capabilities();
    EXPECT_TRUE(caps.eightbitmime());
    EXPECT_EQ(caps.auth_mechanisms(), (std::vector<std::string>{"LOGIN"}));
    EXPECT_EQ(caps.size_limit(), std::optional<std::uint64_t>(20000000));
    EXPECT_FALSE(caps.pipelining());
    EXPECT_FALSE(caps.starttls());
    EXPECT_FALSE(caps.has("X-PLAINTEXT-ONLY"));
    EXPECT_FALSE(caps.supports_auth("PLAIN"));
    EXPECT_EQ(caps.all().size(), 3u);
    std::error_code ec;
    client.quit(ec);
    expect_server_done(server);
    EXPECT_EQ(server.lines(), (std::vector<std::string>{"EHLO client.example", "STARTTLS",
                                                        "EHLO client.example", "QUIT"}));
    EXPECT_TRUE(server.tls_records().at(0).handshake_done);
}

// PIPELINING offered only in plaintext: the transaction over TLS waits for
// each reply; offered only over TLS: it is used.
class PipeliningAfterTls : public ::testing::TestWithParam<bool> {};

INSTANTIATE_TEST_SUITE_P(Tls, PipeliningAfterTls, ::testing::Bool(), [](const auto& info) {
    return info.param ? "offered_over_tls" : "offered_in_plaintext_only";
});

TEST_P(PipeliningAfterTls, FollowsTheEhloOverTls) {
    const bool over_tls = GetParam();
    Script s = Script::esmtp(over_tls ? std::vector<std::string>{"STARTTLS"}
                                      : std::vector<std::string>{"PIPELINING", "STARTTLS"});
    s.accept_starttls(good_server())
        .ehlo(over_tls ? std::vector<std::string>{"PIPELINING"} : std::vector<std::string>{});
    transaction(s, over_tls,
                {{"MAIL FROM:", "250 ok\r\n"}, {"RCPT TO:", "250 ok\r\n"}, {"DATA", "354 go\r\n"}})
        .expect_data()
        .send("250 queued\r\n")
        .quit();
    ScriptServer server(s);
    Client client;
    ASSERT_FALSE(connect(client, server));
    EXPECT_EQ(client.capabilities().pipelining(), over_tls);
    std::error_code ec;
    const SendResult r = client.send(envelope_to({"rcpt@example.com"}), message(), ec);
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_EQ(r.verdict, Verdict::delivered);
    client.quit(ec);
    expect_server_done(server);
    if (over_tls) {
        EXPECT_EQ(server.read_index_of("MAIL"), server.read_index_of("DATA"));
    } else {
        EXPECT_LT(server.read_index_of("MAIL"), server.read_index_of("RCPT"));
        EXPECT_LT(server.read_index_of("RCPT"), server.read_index_of("DATA"));
    }
}

// --- (f) STARTTLS goes alone ---------------------------------------------------------------

TEST(StarttlsUpgrade, StarttlsIsNeverPipelined) {
    // PIPELINING is offered, and the server takes its time before the 220 so
    // that anything written behind STARTTLS would arrive in the same read.
    ScriptServer server(Script::esmtp({"PIPELINING", "STARTTLS", "AUTH PLAIN"})
                            .expect("STARTTLS")
                            .delay(100ms)
                            .send("220 2.0.0 go ahead\r\n")
                            .start_tls(good_server())
                            .ehlo({"PIPELINING", "AUTH PLAIN"})
                            .quit());
    Client client;
    ASSERT_FALSE(connect(client, server));
    std::error_code ec;
    client.quit(ec);
    expect_server_done(server);
    const auto lines = server.received_lines();
    ASSERT_EQ(lines.size(), 4u);
    ASSERT_EQ(lines[1].text, "STARTTLS");
    for (std::size_t i = 0; i < lines.size(); ++i) {
        if (i != 1) {
            EXPECT_NE(lines[i].read_index, lines[1].read_index) << lines[i].text;
        }
    }
    EXPECT_EQ(server.tls_records().at(0).plaintext_before, "");
}

// --- (g) implicit TLS against a plaintext server ------------------------------------------

TEST(ImplicitTls, PlaintextServerFailsTheHandshakeWithoutSmtp) {
    ScriptServer server(Script().send("220 mx.test ESMTP plaintext\r\n").raw().stall());
    Client client;
    const std::error_code ec = connect(client, server, secure_options(Security::implicit_tls));
    // The server does not speak TLS at all: a failed handshake, not a
    // version the client refuses.
    EXPECT_EQ(ec, error::tls_handshake_failed) << ec.message();
    expect_not_connected(client);
    expect_server_done(server);
    EXPECT_FALSE(server.saw("EHLO"));
    EXPECT_FALSE(server.saw("HELO"));
    // The client's first octets: a TLS handshake record (the ClientHello).
    const std::string received = server.received();
    ASSERT_FALSE(received.empty());
    EXPECT_EQ(received[0], '\x16');
}

TEST(ImplicitTls, ServerThatClosesDuringTheHandshake) {
    ScriptServer server(Script().raw().read_bytes(5).close());
    Client client;
    const std::error_code ec = connect(client, server, secure_options(Security::implicit_tls));
    EXPECT_EQ(ec, error::tls_handshake_failed) << ec.message();
    expect_not_connected(client);
    expect_server_done(server);
}

TEST(StarttlsUpgrade, ServerThatClosesAfter220) {
    ScriptServer server(
        Script::esmtp({"STARTTLS"}).expect("STARTTLS").send("220 go ahead\r\n").raw().close());
    Client client;
    EXPECT_EQ(connect(client, server), error::tls_handshake_failed);
    expect_not_connected(client);
    expect_server_done(server);
    EXPECT_FALSE(server.saw("MAIL"));
}

// --- (h) stalls during the handshake --------------------------------------------------------

struct Stall {
    std::string name;
    Security mode;
    Script script;
};

void PrintTo(const Stall& s, std::ostream* os) {
    *os << s.name;
}

class HandshakeStall : public ::testing::TestWithParam<Stall> {};

INSTANTIATE_TEST_SUITE_P(
    Tls, HandshakeStall,
    ::testing::Values(
        Stall{
            "after_starttls_220", Security::starttls,
            Script::esmtp({"STARTTLS"}).expect("STARTTLS").send("220 go ahead\r\n").raw().stall()},
        Stall{"after_starttls_220_not_reading", Security::starttls,
              Script::esmtp({"STARTTLS"})
                  .expect("STARTTLS")
                  .send("220 go ahead\r\n")
                  .raw()
                  .stall_silent()},
        Stall{"starttls_unanswered", Security::starttls,
              Script::esmtp({"STARTTLS"}).expect("STARTTLS").stall()},
        Stall{"implicit_no_server_hello", Security::implicit_tls, Script().raw().stall()}),
    [](const auto& info) { return info.param.name; });

TEST_P(HandshakeStall, TimesOutWithinTheTimeout) {
    const Stall& s = GetParam();
    ScriptServer server(s.script);
    Client client;
    Stopwatch watch;
    const std::error_code ec =
        connect(client, server, secure_options(s.mode, std::chrono::seconds(1)));
    const auto elapsed = watch.elapsed();
    EXPECT_EQ(ec, error::timeout) << ec.message();
    EXPECT_GE(elapsed, 900ms);
    EXPECT_LE(elapsed, 2000ms);
    expect_not_connected(client);
    expect_server_done(server);
    EXPECT_FALSE(server.saw("MAIL"));
    EXPECT_LE(server.count("EHLO"), 1u);
}

}  // namespace
}  // namespace smtpkit::test
