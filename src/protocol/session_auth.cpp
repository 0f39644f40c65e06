// The AUTH exchange (RFC 4954) of the session engine: framing, base64 and
// the reply codes; the mechanisms themselves live in protocol/sasl.
#include "smtpkit/error.hpp"
#include "smtpkit/protocol/session.hpp"

namespace smtpkit::protocol {
namespace {

// RFC 4954 4: 512 octets for the AUTH line with its initial response.
constexpr std::size_t max_auth_line = 512;
// A mechanism needs a handful of round trips; a server that keeps sending
// challenges is stalling or probing.
constexpr std::size_t max_challenges = 8;

constexpr const char* redacted = "<redacted>";

error error_for_auth_reply(int code) {
    switch (code) {
        case 535:
            return error::auth_credentials_invalid;
        case 534:
            return error::auth_mechanism_too_weak;
        case 538:
            return error::auth_encryption_required;
        case 454:
            return error::auth_temporary_failure;
        case 504:
            return error::auth_mechanism_not_offered;
        case 503:
            return error::already_authenticated;
        default:
            // Any other 4yz (421, 432 password transition, 451) is for now.
            return code >= 400 && code < 500 ? error::auth_temporary_failure : error::auth_failed;
    }
}

}  // namespace

void Session::authenticate(std::unique_ptr<sasl::Authenticator> authenticator) {
    if (!start(State::ready)) {
        return;
    }
    if (authenticated_) {
        events_.emplace_back(OperationFailed{make_error_code(error::already_authenticated), {}});
        return;
    }
    const char* mechanism = sasl::name(authenticator->mechanism());
    if (!caps_.supports_auth(mechanism)) {
        events_.emplace_back(
            OperationFailed{make_error_code(error::auth_mechanism_not_offered), {}});
        return;
    }
    std::error_code ec;
    std::optional<std::string> initial = authenticator->initial_response(ec);
    if (ec) {
        events_.emplace_back(OperationFailed{ec, {}});
        return;
    }
    std::string line = std::string("AUTH ") + mechanism;
    std::string shown = line;
    deferred_initial_.reset();
    if (initial) {
        const std::string encoded = initial->empty() ? "=" : sasl::base64_encode(*initial);
        if (line.size() + 1 + encoded.size() + 2 <= max_auth_line) {
            line += ' ' + encoded;
            shown += std::string(" ") + redacted;
        } else {
            deferred_initial_ = std::move(initial);  // sent on the first 334
        }
    }
    auth_server_error_.clear();
    authenticator_ = std::move(authenticator);
    auth_error_ = {};
    challenges_ = 0;
    set_state(State::auth);
    out_ += line + "\r\n";
    wrote_since_reply_ = true;
    awaiting_.push_back({Verb::auth});
    events_.emplace_back(CommandSent{Verb::auth, std::move(shown)});
}

// One continuation line: the base64 of the response ("" stays empty).
void Session::send_auth_line(std::string_view response) {
    out_ += sasl::base64_encode(response) + "\r\n";
    wrote_since_reply_ = true;
    awaiting_.push_back({Verb::auth});
    events_.emplace_back(CommandSent{Verb::auth, redacted});
}

// RFC 4954 4: "*" cancels; the server answers 501 and the exchange is over.
void Session::cancel_auth(std::error_code why) {
    auth_error_ = why;
    out_ += "*\r\n";
    wrote_since_reply_ = true;
    awaiting_.push_back({Verb::auth});
    events_.emplace_back(CommandSent{Verb::auth, "*"});
}

void Session::on_auth(const Reply& reply) {
    if (reply.code == 334 && !auth_error_) {
        if (++challenges_ > max_challenges || reply.lines.size() != 1) {
            cancel_auth(make_error_code(error::sasl_bad_challenge));
            return;
        }
        if (deferred_initial_) {
            const std::string initial = std::move(*deferred_initial_);
            deferred_initial_.reset();
            send_auth_line(initial);
            return;
        }
        const std::optional<std::string> challenge = sasl::base64_decode(reply.lines.front());
        if (!challenge) {
            cancel_auth(make_error_code(error::sasl_bad_challenge));
            return;
        }
        std::error_code ec;
        const std::string response = authenticator_->respond(*challenge, ec);
        if (ec) {
            cancel_auth(ec);
            return;
        }
        send_auth_line(response);
        return;
    }
    const std::unique_ptr<sasl::Authenticator> authenticator = std::move(authenticator_);
    deferred_initial_.reset();
    auth_server_error_.assign(authenticator->server_error());
    if (reply.code == 235 && !auth_error_) {
        if (const std::error_code ec = authenticator->complete(); ec) {
            // The server let us in without proving it knows the password
            // (SCRAM): it may be an impostor. Do not go on.
            fail(ec, reply);
            return;
        }
        authenticated_ = true;
        if (config_.ehlo_after_auth && extended_) {
            ask_again_after_auth(reply);
            return;
        }
        set_state(State::ready);
        events_.emplace_back(AuthDone{reply});
        return;
    }
    if (reply.code == 334 || reply.code == 235) {
        // A 334 or 235 after our "*": the server ignored the cancel. The
        // session cannot go on; why we cancelled (a forged SCRAM signature,
        // a bad challenge) says more than "unexpected reply".
        fail(auth_error_ ? auth_error_ : make_error_code(error::unexpected_reply), reply);
        return;
    }
    set_state(reply.code == 421 ? State::closed : State::ready);
    const std::error_code ec =
        auth_error_ ? auth_error_ : make_error_code(error_for_auth_reply(reply.code));
    events_.emplace_back(OperationFailed{ec, reply});
}

// EHLO once more before AuthDone (RFC 4954 leaves it to the client; the
// server may offer more to a logged-in client). Its reply goes to
// on_hello_after_auth().
void Session::ask_again_after_auth(const Reply& accepted) {
    Command cmd = Command::ehlo(config_.helo_name);
    if (cmd.check()) {
        set_state(State::ready);
        events_.emplace_back(AuthDone{accepted});
        return;
    }
    auth_accepted_ = accepted;
    set_state(State::hello);
    queue(cmd);
}

// The AUTH succeeded whatever this EHLO gets: a 250 replaces the
// capabilities, a refusal keeps the ones from before the AUTH, and a 421
// ends the session.
void Session::on_hello_after_auth(const Reply& reply) {
    const Reply accepted = std::move(*auth_accepted_);
    auth_accepted_.reset();
    if (reply.code == 421) {
        set_state(State::closed);
        events_.emplace_back(OperationFailed{make_error_code(error::hello_deferred), reply});
        return;
    }
    if (reply.code == 250) {
        caps_ = Capabilities::from_ehlo(reply);
    }
    set_state(State::ready);
    events_.emplace_back(AuthDone{accepted});
}

}  // namespace smtpkit::protocol
