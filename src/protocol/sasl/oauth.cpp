// Bearer tokens: XOAUTH2 (Google's and Microsoft's) and OAUTHBEARER
// (RFC 7628). Both send everything in the initial response; on failure the
// server sends its JSON error as a challenge, which needs an answer before
// the server gives its final reply.
#include <string>

#include "mechanisms.hpp"
#include "smtpkit/error.hpp"

namespace smtpkit::protocol::sasl::detail {
namespace {

constexpr char kvsep = '\x01';

// A token or host is a printable string; a control character, \x01 above
// all, would end the field early and let the rest be read as more fields.
bool usable_token(std::string_view token) {
    return !token.empty() && !contains_control(token);
}

}  // namespace

// "user=" user ^A "auth=Bearer " token ^A ^A. After an error challenge the
// client sends an empty response and the server answers 5xx.
std::unique_ptr<Authenticator> make_xoauth2(const Credentials& c, std::error_code& ec) {
    if (c.user.empty() || contains_control(c.user) || !usable_token(c.secret) ||
        !c.authzid.empty()) {
        ec = error::sasl_invalid_input;
        return nullptr;
    }
    // Appended in place into reserved room: no temporary copy of the token
    // is left behind unwiped.
    std::string message;
    message.reserve(c.user.size() + c.secret.size() + 32);
    message.append("user=").append(c.user).append(1, kvsep);
    message.append("auth=Bearer ").append(c.secret).append(2, kvsep);
    return std::make_unique<InitialMessage>(Mechanism::xoauth2, std::move(message), "");
}

// RFC 7628 3.1: gs2-header kvsep *(key=value kvsep) kvsep, with host and port
// when known. The authorization identity is the authzid if one is given,
// else the user name (servers use it to pick the account). After an error
// challenge the client answers with a lone kvsep (RFC 7628 3.2.3).
std::unique_ptr<Authenticator> make_oauthbearer(const Credentials& c, std::error_code& ec) {
    const std::string& identity = c.authzid.empty() ? c.user : c.authzid;
    if (contains_control(identity) || !usable_token(c.secret) || contains_control(c.host) ||
        c.port > 65535) {
        ec = error::sasl_invalid_input;
        return nullptr;
    }
    std::string message;
    message.reserve(identity.size() * 3 + c.host.size() + c.secret.size() + 64);
    message += "n,";
    if (!identity.empty()) {
        message += "a=" + escape_saslname(identity);
    }
    message += ',';
    message += kvsep;
    if (!c.host.empty()) {
        message += "host=" + c.host;
        message += kvsep;
    }
    if (c.port != 0) {
        message += "port=" + std::to_string(c.port);
        message += kvsep;
    }
    message.append("auth=Bearer ").append(c.secret).append(2, kvsep);
    return std::make_unique<InitialMessage>(Mechanism::oauthbearer, std::move(message),
                                            std::string(1, kvsep));
}

}  // namespace smtpkit::protocol::sasl::detail
