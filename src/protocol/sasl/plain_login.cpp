// PLAIN (RFC 4616) and LOGIN (draft-murchison-sasl-login): the password in
// the clear, for TLS sessions only (the session enforces that).
#include "mechanisms.hpp"
#include "smtpkit/error.hpp"

namespace smtpkit::protocol::sasl::detail {
namespace {

// LOGIN: no initial response; the server asks twice (usually "Username:" and
// "Password:", but the wording varies and is not part of the mechanism), so
// the answers go by position.
class Login : public Authenticator {
  public:
    Login(std::string user, std::string password)
        : user_(std::move(user)), password_(std::move(password)) {}

    Mechanism mechanism() const override { return Mechanism::login; }

    std::optional<std::string> initial_response(std::error_code&) override { return std::nullopt; }

    std::string respond(std::string_view challenge, std::error_code& ec) override {
        if (challenge_too_large(challenge, ec)) {
            state_ = State::failed;
            return {};
        }
        switch (state_) {
            case State::start:
                state_ = State::sent_user;
                return user_;
            case State::sent_user:
                state_ = State::sent_password;
                return password_.str();
            case State::sent_password:
            case State::failed:
                break;
        }
        ec = error::sasl_bad_challenge;  // a third question has no answer
        state_ = State::failed;
        return {};
    }

  private:
    enum class State { start, sent_user, sent_password, failed };

    std::string user_;
    Secret password_;
    State state_ = State::start;
};

}  // namespace

// RFC 4616 2: message = [authzid] NUL authcid NUL passwd, none of them
// holding a NUL, authcid and passwd not empty. The bytes go as given:
// SASLprep is the server's job here (RFC 4616 2), and preparing them on the
// client would change passwords that the server compares byte for byte.
std::unique_ptr<Authenticator> make_plain(const Credentials& c, std::error_code& ec) {
    if (c.user.empty() || c.secret.empty() || contains_nul(c.authzid) || contains_nul(c.user) ||
        contains_nul(c.secret)) {
        ec = error::sasl_invalid_input;
        return nullptr;
    }
    std::string message;
    message.reserve(c.authzid.size() + c.user.size() + c.secret.size() + 2);
    message.append(c.authzid).append(1, '\0').append(c.user).append(1, '\0').append(c.secret);
    return std::make_unique<InitialMessage>(Mechanism::plain, std::move(message));
}

// LOGIN carries no authorization identity: refusing one beats silently
// logging in as someone else than asked.
std::unique_ptr<Authenticator> make_login(const Credentials& c, std::error_code& ec) {
    if (c.user.empty() || !c.authzid.empty() || contains_nul(c.user) || contains_nul(c.secret)) {
        ec = error::sasl_invalid_input;
        return nullptr;
    }
    return std::make_unique<Login>(c.user, c.secret);
}

}  // namespace smtpkit::protocol::sasl::detail
