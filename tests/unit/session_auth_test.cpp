// The AUTH exchange of the session engine, with scripted mechanisms: framing,
// base64, initial responses, cancellation and the refusal codes.
#include <gtest/gtest.h>

#include <deque>
#include <string>

#include "smtpkit/error.hpp"
#include "smtpkit/protocol/session.hpp"

namespace smtpkit::protocol {
namespace {

// A mechanism that plays a script: its initial response and its answers.
class ScriptedMechanism : public sasl::Authenticator {
  public:
    ScriptedMechanism(sasl::Mechanism m, std::optional<std::string> initial,
                      std::deque<std::string> answers, std::error_code complete = {})
        : m_(m), initial_(std::move(initial)), answers_(std::move(answers)), complete_(complete) {}

    sasl::Mechanism mechanism() const override { return m_; }
    std::optional<std::string> initial_response(std::error_code&) override { return initial_; }
    std::string respond(std::string_view challenge, std::error_code& ec) override {
        challenges->emplace_back(challenge);
        if (answers_.empty()) {
            ec = make_error_code(error::sasl_bad_challenge);
            return {};
        }
        std::string a = answers_.front();
        answers_.pop_front();
        return a;
    }
    std::error_code complete() const override { return complete_; }

    // Outlives the mechanism, which the session drops when AUTH ends.
    std::shared_ptr<std::vector<std::string>> challenges =
        std::make_shared<std::vector<std::string>>();

  private:
    sasl::Mechanism m_;
    std::optional<std::string> initial_;
    std::deque<std::string> answers_;
    std::error_code complete_;
};

class AuthHarness {
  public:
    // The AUTH exchange alone unless asked: the EHLO after it has its own tests.
    explicit AuthHarness(bool ehlo_after_auth = false) {
        SessionConfig c;
        c.helo_name = "client.example.com";
        c.ehlo_after_auth = ehlo_after_auth;
        session = std::make_unique<Session>(c);
        session->feed("220 mx\r\n");
        drain();
        session->hello();
        written();
        session->feed("250-mx\r\n250-AUTH PLAIN LOGIN SCRAM-SHA-256 XOAUTH2\r\n250 SIZE 100\r\n");
        drain();
        shown.clear();
    }
    std::string written() {
        std::string out(session->pending_output());
        session->consume_output(out.size());
        return out;
    }
    std::optional<Event> drain() {
        std::optional<Event> done;
        while (auto e = session->next_event()) {
            if (const auto* sent = std::get_if<CommandSent>(&*e)) {
                shown.push_back(sent->line);
            }
            if (is_completion(*e)) {
                done = std::move(*e);
            }
        }
        return done;
    }
    std::unique_ptr<Session> session;
    std::vector<std::string> shown;  // what a trace would print
};

TEST(SessionAuth, PlainGoesOnTheAuthLineAndIsRedacted) {
    AuthHarness h;
    h.session->authenticate(std::make_unique<ScriptedMechanism>(
        sasl::Mechanism::plain, std::string("\0tim\0tanstaaf", 13), std::deque<std::string>{}));
    EXPECT_EQ(h.written(), "AUTH PLAIN AHRpbQB0YW5zdGFhZg==\r\n");
    h.session->feed("235 2.7.0 Authentication successful\r\n");
    auto done = h.drain();
    ASSERT_TRUE(done && std::holds_alternative<AuthDone>(*done));
    EXPECT_TRUE(h.session->authenticated());
    ASSERT_EQ(h.shown.size(), 1u);
    EXPECT_EQ(h.shown[0], "AUTH PLAIN <redacted>");
}

TEST(SessionAuth, EmptyInitialResponseIsAnEqualsSign) {
    AuthHarness h;
    h.session->authenticate(std::make_unique<ScriptedMechanism>(
        sasl::Mechanism::plain, std::string(), std::deque<std::string>{}));
    EXPECT_EQ(h.written(), "AUTH PLAIN =\r\n");
}

TEST(SessionAuth, ChallengesAreDecodedAndAnswersEncodedAndRedacted) {
    AuthHarness h;
    auto mech = std::make_unique<ScriptedMechanism>(sasl::Mechanism::login, std::nullopt,
                                                    std::deque<std::string>{"tim", "s3cret"});
    const auto challenges = mech->challenges;
    h.session->authenticate(std::move(mech));
    EXPECT_EQ(h.written(), "AUTH LOGIN\r\n");
    h.session->feed("334 VXNlcm5hbWU6\r\n");
    EXPECT_EQ(h.written(), "dGlt\r\n");
    h.session->feed("334 UGFzc3dvcmQ6\r\n");
    EXPECT_EQ(h.written(), "czNjcmV0\r\n");
    h.session->feed("235 ok\r\n");
    ASSERT_TRUE(std::holds_alternative<AuthDone>(*h.drain()));
    EXPECT_EQ(*challenges, (std::vector<std::string>{"Username:", "Password:"}));
    for (const auto& line : h.shown) {
        EXPECT_EQ(line.find("tim"), std::string::npos) << line;
        EXPECT_EQ(line.find("s3cret"), std::string::npos) << line;
        EXPECT_EQ(line.find("dGlt"), std::string::npos) << line;
    }
}

TEST(SessionAuth, AnInitialResponseTooLongForTheLineWaitsForTheFirstChallenge) {
    AuthHarness h;
    const std::string token(600, 'x');
    h.session->authenticate(std::make_unique<ScriptedMechanism>(sasl::Mechanism::xoauth2, token,
                                                                std::deque<std::string>{}));
    EXPECT_EQ(h.written(), "AUTH XOAUTH2\r\n");
    h.session->feed("334 \r\n");
    EXPECT_EQ(h.written(), sasl::base64_encode(token) + "\r\n");
    h.session->feed("235 ok\r\n");
    EXPECT_TRUE(std::holds_alternative<AuthDone>(*h.drain()));
}

TEST(SessionAuth, GarbageChallengeIsCancelledWithAStar) {
    AuthHarness h;
    h.session->authenticate(std::make_unique<ScriptedMechanism>(
        sasl::Mechanism::login, std::nullopt, std::deque<std::string>{"tim"}));
    h.written();
    h.session->feed("334 not*base64!\r\n");
    EXPECT_EQ(h.written(), "*\r\n");
    h.session->feed("501 5.7.0 cancelled\r\n");
    const auto failed = std::get<OperationFailed>(*h.drain());
    EXPECT_EQ(failed.ec, error::sasl_bad_challenge);
    EXPECT_TRUE(h.session->usable());
    EXPECT_FALSE(h.session->authenticated());
}

TEST(SessionAuth, RefusalCodesMapToDistinctErrors) {
    const std::pair<const char*, error> cases[] = {
        {"535 5.7.8 bad credentials\r\n", error::auth_credentials_invalid},
        {"534 5.7.9 too weak\r\n", error::auth_mechanism_too_weak},
        {"538 5.7.11 encryption required\r\n", error::auth_encryption_required},
        {"454 4.7.0 temporary failure\r\n", error::auth_temporary_failure},
        {"504 5.5.4 unrecognized\r\n", error::auth_mechanism_not_offered},
        {"550 no\r\n", error::auth_failed},
    };
    for (const auto& [reply, expected] : cases) {
        AuthHarness h;
        h.session->authenticate(std::make_unique<ScriptedMechanism>(
            sasl::Mechanism::plain, std::string("\0a\0b", 4), std::deque<std::string>{}));
        h.written();
        h.session->feed(reply);
        const auto failed = std::get<OperationFailed>(*h.drain());
        EXPECT_EQ(failed.ec, expected) << reply;
        EXPECT_EQ(failed.reply.code, std::stoi(std::string(reply, 3))) << reply;
        EXPECT_TRUE(h.session->usable()) << reply;
    }
}

TEST(SessionAuth, SuccessWithoutServerProofFailsTheSession) {
    AuthHarness h;
    h.session->authenticate(std::make_unique<ScriptedMechanism>(
        sasl::Mechanism::scram_sha_256, std::string("n,,n=u,r=abc"), std::deque<std::string>{},
        make_error_code(error::sasl_server_not_verified)));
    h.written();
    h.session->feed("235 ok\r\n");
    EXPECT_EQ(std::get<OperationFailed>(*h.drain()).ec, error::sasl_server_not_verified);
    EXPECT_FALSE(h.session->usable());
}

TEST(SessionAuth, MechanismNotOfferedSendsNothing) {
    AuthHarness h;
    h.session->authenticate(std::make_unique<ScriptedMechanism>(
        sasl::Mechanism::cram_md5, std::nullopt, std::deque<std::string>{}));
    EXPECT_TRUE(h.written().empty());
    EXPECT_EQ(std::get<OperationFailed>(*h.drain()).ec, error::auth_mechanism_not_offered);
}

TEST(SessionAuth, EndlessChallengesAreCut) {
    AuthHarness h;
    h.session->authenticate(std::make_unique<ScriptedMechanism>(
        sasl::Mechanism::login, std::nullopt, std::deque<std::string>(20, "x")));
    h.written();
    std::string last;
    for (int i = 0; i < 12 && last != "*\r\n"; ++i) {
        h.session->feed("334 \r\n");
        last = h.written();
    }
    EXPECT_EQ(last, "*\r\n");
    h.session->feed("501 cancelled\r\n");
    EXPECT_EQ(std::get<OperationFailed>(*h.drain()).ec, error::sasl_bad_challenge);
}

TEST(SessionAuth, SecondAuthIsRefusedLocally) {
    AuthHarness h;
    h.session->authenticate(std::make_unique<ScriptedMechanism>(
        sasl::Mechanism::plain, std::string("\0a\0b", 4), std::deque<std::string>{}));
    h.written();
    h.session->feed("235 ok\r\n");
    h.drain();
    h.session->authenticate(std::make_unique<ScriptedMechanism>(
        sasl::Mechanism::plain, std::string("\0a\0b", 4), std::deque<std::string>{}));
    EXPECT_TRUE(h.written().empty());
    EXPECT_EQ(std::get<OperationFailed>(*h.drain()).ec, error::already_authenticated);
}

// --- EHLO again after AUTH (the default) -------------------------------------

// AUTH PLAIN sent, its line taken off the output.
void start_plain_login(AuthHarness& h) {
    h.session->authenticate(std::make_unique<ScriptedMechanism>(
        sasl::Mechanism::plain, std::string("\0tim\0pw", 8), std::deque<std::string>{}));
    h.written();
}

TEST(SessionAuth, SuccessAsksEhloAgainAndUsesWhatTheServerNowOffers) {
    AuthHarness h(true);
    EXPECT_FALSE(h.session->capabilities().dsn());
    h.session->authenticate(std::make_unique<ScriptedMechanism>(
        sasl::Mechanism::plain, std::string("\0tim\0pw", 8), std::deque<std::string>{}));
    h.written();
    h.session->feed("235 2.7.0 ok\r\n");
    EXPECT_FALSE(h.drain()) << "AuthDone must wait for the second EHLO";
    EXPECT_EQ(h.written(), "EHLO client.example.com\r\n");
    h.session->feed("250-mx\r\n250-DSN\r\n250 SIZE 200\r\n");
    auto done = h.drain();
    ASSERT_TRUE(done && std::holds_alternative<AuthDone>(*done));
    EXPECT_EQ(std::get<AuthDone>(*done).reply.code, 235);
    EXPECT_TRUE(h.session->authenticated());
    EXPECT_TRUE(h.session->capabilities().dsn());
    EXPECT_EQ(h.session->state(), Session::State::ready);
    EXPECT_EQ(h.shown.back(), "EHLO client.example.com");
}

TEST(SessionAuth, ARefusedEhloAfterAuthKeepsTheEarlierCapabilities) {
    AuthHarness h(true);
    start_plain_login(h);
    h.session->feed("235 ok\r\n");
    h.written();
    h.session->feed("502 5.5.1 not again\r\n");
    auto done = h.drain();
    ASSERT_TRUE(done && std::holds_alternative<AuthDone>(*done));
    EXPECT_TRUE(h.session->capabilities().supports_auth("PLAIN"));
    EXPECT_EQ(h.written(), "") << "no HELO fallback after AUTH";
    EXPECT_EQ(h.session->state(), Session::State::ready);
}

TEST(SessionAuth, A421ToTheEhloAfterAuthEndsTheSession) {
    AuthHarness h(true);
    start_plain_login(h);
    h.session->feed("235 ok\r\n");
    h.written();
    h.session->feed("421 4.3.2 shutting down\r\n");
    auto done = h.drain();
    ASSERT_TRUE(done && std::holds_alternative<OperationFailed>(*done));
    EXPECT_EQ(std::get<OperationFailed>(*done).ec, error::hello_deferred);
    EXPECT_EQ(h.session->state(), Session::State::closed);
}

TEST(SessionAuth, AFailedAuthAsksNoEhlo) {
    AuthHarness h(true);
    start_plain_login(h);
    h.session->feed("535 5.7.8 no\r\n");
    auto done = h.drain();
    ASSERT_TRUE(done && std::holds_alternative<OperationFailed>(*done));
    EXPECT_EQ(h.written(), "");
}

}  // namespace
}  // namespace smtpkit::protocol
