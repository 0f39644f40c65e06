#include <algorithm>

#include "mechanisms.hpp"
#include "smtpkit/error.hpp"

namespace smtpkit::protocol::sasl::detail {

bool challenge_too_large(std::string_view challenge, std::error_code& ec) {
    if (challenge.size() <= max_challenge_size) {
        return false;
    }
    ec = error::sasl_bad_challenge;
    return true;
}

bool contains_nul(std::string_view s) noexcept {
    return s.find('\0') != std::string_view::npos;
}

bool contains_control(std::string_view s) noexcept {
    return std::any_of(s.begin(), s.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u < 0x20 || u == 0x7f;
    });
}

std::string escape_saslname(std::string_view name) {
    std::string out;
    out.reserve(name.size());
    for (char c : name) {
        if (c == ',') {
            out += "=2C";
        } else if (c == '=') {
            out += "=3D";
        } else {
            out += c;
        }
    }
    return out;
}

InitialMessage::InitialMessage(Mechanism mechanism, std::string message,
                               std::optional<std::string> error_answer)
    : mechanism_(mechanism), message_(std::move(message)), error_answer_(std::move(error_answer)) {}

std::optional<std::string> InitialMessage::initial_response(std::error_code& ec) {
    // Asking twice before any challenge gets the same message again.
    if (state_ != State::start && state_ != State::sent) {
        ec = error::sasl_bad_challenge;  // the exchange has moved on
        state_ = State::failed;
        return std::nullopt;
    }
    state_ = State::sent;
    return message_.str();
}

std::string InitialMessage::respond(std::string_view challenge, std::error_code& ec) {
    if (challenge_too_large(challenge, ec)) {
        state_ = State::failed;
        return {};
    }
    if (state_ == State::start && challenge.empty()) {
        state_ = State::sent;
        return message_.str();
    }
    if (state_ == State::sent && error_answer_) {
        server_error_.assign(challenge);
        state_ = State::error_answered;
        return *error_answer_;
    }
    ec = error::sasl_bad_challenge;
    state_ = State::failed;
    return {};
}

}  // namespace smtpkit::protocol::sasl::detail
