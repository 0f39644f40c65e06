// Client::authenticate: choosing a mechanism and the clear-text policy. The
// exchange itself runs in the session (protocol/session_auth.cpp).
#include <openssl/crypto.h>

#include <algorithm>

#include "client/client_impl.hpp"
#include "smtpkit/protocol/sasl.hpp"

namespace smtpkit {
namespace {

using protocol::sasl::Mechanism;

// Mechanisms that put the secret itself on the wire.
bool sends_secret_in_clear(Mechanism m) {
    return m == Mechanism::plain || m == Mechanism::login || m == Mechanism::xoauth2 ||
           m == Mechanism::oauthbearer;
}

std::optional<Mechanism> explicit_mechanism(AuthMechanism m) {
    switch (m) {
        case AuthMechanism::plain:
            return Mechanism::plain;
        case AuthMechanism::login:
            return Mechanism::login;
        case AuthMechanism::cram_md5:
            return Mechanism::cram_md5;
        case AuthMechanism::scram_sha_1:
            return Mechanism::scram_sha_1;
        case AuthMechanism::scram_sha_256:
            return Mechanism::scram_sha_256;
        case AuthMechanism::xoauth2:
            return Mechanism::xoauth2;
        case AuthMechanism::oauthbearer:
            return Mechanism::oauthbearer;
        case AuthMechanism::external:
            return Mechanism::external;
        case AuthMechanism::automatic:
        case AuthMechanism::automatic_token:
            break;
    }
    return std::nullopt;
}

// The mechanism to use, or the reason there is none: not offered, or only
// offered in forms that would expose the secret.
Mechanism choose(AuthMechanism wanted, const Capabilities& caps, bool clear_text_ok,
                 std::error_code& ec) {
    if (auto m = explicit_mechanism(wanted)) {
        if (!caps.supports_auth(protocol::sasl::name(*m))) {
            ec = make_error_code(error::auth_mechanism_not_offered);
        } else if (sends_secret_in_clear(*m) && !clear_text_ok) {
            ec = make_error_code(error::auth_insecure);
        }
        return *m;
    }
    const auto& preference = wanted == AuthMechanism::automatic_token
                                 ? protocol::sasl::token_preference()
                                 : protocol::sasl::password_preference();
    bool offered_but_insecure = false;
    for (Mechanism m : preference) {
        if (!caps.supports_auth(protocol::sasl::name(m))) {
            continue;
        }
        if (sends_secret_in_clear(m) && !clear_text_ok) {
            offered_but_insecure = true;
            continue;
        }
        return m;
    }
    ec = make_error_code(offered_but_insecure ? error::auth_insecure
                                              : error::auth_mechanism_not_offered);
    return Mechanism::plain;
}

}  // namespace

const char* to_string(AuthMechanism m) noexcept {
    if (auto e = explicit_mechanism(m)) {
        return protocol::sasl::name(*e);
    }
    return m == AuthMechanism::automatic ? "automatic" : "automatic_token";
}

Awaitable<void> Client::Impl::authenticate(std::string user, std::string secret,
                                           AuthMechanism wanted, std::error_code& ec) {
    // The caller's copy of the secret is wiped however this ends.
    struct Wipe {
        std::string& s;
        ~Wipe() { OPENSSL_cleanse(s.data(), s.size()); }
    } wipe{secret};
    ec.clear();
    last_detail.clear();
    if (!ready(ec)) {
        finish(ec);
        co_return;
    }
    const bool encrypted = connection->tls_active();
    if (tls_required && !encrypted) {
        // Cannot happen after a successful connect(); never send AUTH anyway.
        finish(ec = make_error_code(error::starttls_not_offered));
        co_return;
    }
    const Mechanism mechanism =
        choose(wanted, session->capabilities(), encrypted || allow_insecure_auth, ec);
    if (!ec && mechanism == Mechanism::external && !encrypted) {
        ec = make_error_code(error::auth_insecure);  // EXTERNAL means the TLS certificate
    }
    if (ec) {
        finish(ec);
        co_return;
    }
    protocol::sasl::Credentials credentials{std::move(user), secret, {}, peer_host, peer_port};
    auto authenticator = protocol::sasl::make_authenticator(mechanism, credentials, ec);
    OPENSSL_cleanse(credentials.secret.data(), credentials.secret.size());
    if (ec) {
        finish(ec);
        co_return;
    }
    tracer.info(std::string("authenticating with ") + protocol::sasl::name(mechanism));
    session->authenticate(std::move(authenticator));
    co_await run(ec);
    if (ec && session && !session->auth_server_error().empty()) {
        // OAuth's JSON status says why a token failed (expired, wrong scope).
        std::string account = session->auth_server_error();
        for (char& c : account) {  // the server's text, shown to people: no controls
            if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
                c = ' ';
            }
        }
        last_detail = "the server's account of the failure: " + account;
    }
    finish(ec);
}

}  // namespace smtpkit
