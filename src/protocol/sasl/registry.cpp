// Mechanism names, the factory, and the order of preference.
#include <algorithm>
#include <array>
#include <utility>

#include "mechanisms.hpp"
#include "scram.hpp"
#include "smtpkit/error.hpp"

namespace smtpkit::protocol::sasl {
namespace {

constexpr std::array<std::pair<Mechanism, const char*>, 8> names = {{
    {Mechanism::plain, "PLAIN"},
    {Mechanism::login, "LOGIN"},
    {Mechanism::cram_md5, "CRAM-MD5"},
    {Mechanism::scram_sha_1, "SCRAM-SHA-1"},
    {Mechanism::scram_sha_256, "SCRAM-SHA-256"},
    {Mechanism::xoauth2, "XOAUTH2"},
    {Mechanism::oauthbearer, "OAUTHBEARER"},
    {Mechanism::external, "EXTERNAL"},
}};

char to_upper(char c) noexcept {
    return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
}

bool iequals(std::string_view a, std::string_view b) noexcept {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return to_upper(x) == to_upper(y);
           });
}

}  // namespace

const char* name(Mechanism m) noexcept {
    for (const auto& [mechanism, text] : names) {
        if (mechanism == m) {
            return text;
        }
    }
    return "";
}

std::optional<Mechanism> from_name(std::string_view n) {
    for (const auto& [mechanism, text] : names) {
        if (iequals(n, text)) {
            return mechanism;
        }
    }
    return std::nullopt;
}

std::unique_ptr<Authenticator> make_authenticator(Mechanism m, const Credentials& credentials,
                                                  std::error_code& ec, RandomSource random) {
    ec.clear();
    switch (m) {
        case Mechanism::plain:
            return detail::make_plain(credentials, ec);
        case Mechanism::login:
            return detail::make_login(credentials, ec);
        case Mechanism::cram_md5:
            return detail::make_cram_md5(credentials, ec);
        case Mechanism::scram_sha_1:
        case Mechanism::scram_sha_256: {
            std::string nonce = detail::make_scram_nonce(random, ec);
            if (ec) {
                return nullptr;
            }
            return detail::make_scram(m, credentials, std::move(nonce), ec);
        }
        case Mechanism::xoauth2:
            return detail::make_xoauth2(credentials, ec);
        case Mechanism::oauthbearer:
            return detail::make_oauthbearer(credentials, ec);
        case Mechanism::external:
            return detail::make_external(credentials, ec);
    }
    ec = error::sasl_invalid_input;
    return nullptr;
}

// SCRAM proves both sides without showing the password; CRAM-MD5 at least
// keeps it off the wire; PLAIN and LOGIN send it (inside TLS), PLAIN first
// because it takes one round trip and has a specification.
const std::vector<Mechanism>& password_preference() {
    static const std::vector<Mechanism> order = {Mechanism::scram_sha_256, Mechanism::scram_sha_1,
                                                 Mechanism::cram_md5, Mechanism::plain,
                                                 Mechanism::login};
    return order;
}

// OAUTHBEARER is the standard; XOAUTH2 its older vendor form.
const std::vector<Mechanism>& token_preference() {
    static const std::vector<Mechanism> order = {Mechanism::oauthbearer, Mechanism::xoauth2};
    return order;
}

}  // namespace smtpkit::protocol::sasl
