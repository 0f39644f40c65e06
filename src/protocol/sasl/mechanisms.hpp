// What the mechanism files share, and the factories registry.cpp calls.
// Internal to the core.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

#include "crypto.hpp"
#include "smtpkit/protocol/sasl.hpp"

namespace smtpkit::protocol::sasl::detail {

// No mechanism here needs a long challenge (a SCRAM server-first message is
// under 200 bytes, an OAuth error a few hundred); a longer one is refused
// before it is parsed.
inline constexpr std::size_t max_challenge_size = std::size_t{8} * 1024;

// Sets ec (sasl_bad_challenge) and returns true if the challenge is too long.
bool challenge_too_large(std::string_view challenge, std::error_code& ec);

bool contains_nul(std::string_view s) noexcept;
// Any C0 control or DEL.
bool contains_control(std::string_view s) noexcept;

// RFC 5801 saslname (used by SCRAM's n= and a=, and OAUTHBEARER's a=):
// ',' becomes "=2C" and '=' becomes "=3D".
std::string escape_saslname(std::string_view name);

// Mechanisms whose whole message goes first (PLAIN, EXTERNAL, XOAUTH2,
// OAUTHBEARER). The message goes as the initial response, or in answer to an
// empty challenge if the session left the initial response out (RFC 4954 4).
// With `error_answer`, the mechanism accepts one more challenge, the server's
// error report, keeps its text and answers with `error_answer`; without it,
// any further challenge is a protocol error.
class InitialMessage : public Authenticator {
  public:
    InitialMessage(Mechanism mechanism, std::string message,
                   std::optional<std::string> error_answer = std::nullopt);

    Mechanism mechanism() const override { return mechanism_; }
    std::optional<std::string> initial_response(std::error_code& ec) override;
    std::string respond(std::string_view challenge, std::error_code& ec) override;
    std::string_view server_error() const noexcept override { return server_error_; }

  private:
    enum class State { start, sent, error_answered, failed };

    Mechanism mechanism_;
    Secret message_;
    std::optional<std::string> error_answer_;
    std::string server_error_;
    State state_ = State::start;
};

std::unique_ptr<Authenticator> make_plain(const Credentials& c, std::error_code& ec);
std::unique_ptr<Authenticator> make_login(const Credentials& c, std::error_code& ec);
std::unique_ptr<Authenticator> make_cram_md5(const Credentials& c, std::error_code& ec);
std::unique_ptr<Authenticator> make_xoauth2(const Credentials& c, std::error_code& ec);
std::unique_ptr<Authenticator> make_oauthbearer(const Credentials& c, std::error_code& ec);
std::unique_ptr<Authenticator> make_external(const Credentials& c, std::error_code& ec);

}  // namespace smtpkit::protocol::sasl::detail
