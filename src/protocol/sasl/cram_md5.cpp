// CRAM-MD5 (RFC 2195): the answer to the server's challenge is the user name,
// a space, and HMAC-MD5(secret, challenge) in lowercase hex.
#include "mechanisms.hpp"
#include "smtpkit/error.hpp"

namespace smtpkit::protocol::sasl::detail {
namespace {

std::string lower_hex(std::string_view bytes) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (char c : bytes) {
        const auto b = static_cast<unsigned char>(c);
        out += digits[b >> 4];
        out += digits[b & 0x0f];
    }
    return out;
}

class CramMd5 : public Authenticator {
  public:
    CramMd5(std::string user, std::string secret)
        : user_(std::move(user)), secret_(std::move(secret)) {}

    Mechanism mechanism() const override { return Mechanism::cram_md5; }

    std::optional<std::string> initial_response(std::error_code&) override { return std::nullopt; }

    std::string respond(std::string_view challenge, std::error_code& ec) override {
        // One challenge only; an empty one gives the server no freshness
        // (RFC 2195 2 wants a unique timestamp-like string).
        if (challenge_too_large(challenge, ec) || answered_ || challenge.empty()) {
            ec = error::sasl_bad_challenge;
            answered_ = true;
            return {};
        }
        answered_ = true;
        Secret mac;
        if (!hmac(Hash::md5, secret_.str(), challenge, mac.str())) {
            ec = error::auth_failed;  // MD5 unavailable (a FIPS configuration)
            return {};
        }
        return user_ + ' ' + lower_hex(mac.str());
    }

  private:
    std::string user_;
    Secret secret_;
    bool answered_ = false;
};

}  // namespace

std::unique_ptr<Authenticator> make_cram_md5(const Credentials& c, std::error_code& ec) {
    if (c.user.empty() || !c.authzid.empty() || contains_nul(c.user)) {
        ec = error::sasl_invalid_input;
        return nullptr;
    }
    return std::make_unique<CramMd5>(c.user, c.secret);
}

}  // namespace smtpkit::protocol::sasl::detail
