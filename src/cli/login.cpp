#include "cli/login.hpp"

#include <openssl/crypto.h>

#include <vector>

namespace smtpkit::cli {
namespace {

std::string join_words(const std::vector<std::string>& words) {
    std::string out;
    for (const auto& w : words) {
        out += (out.empty() ? "" : " ") + w;
    }
    return out;
}

}  // namespace

std::string login_advice(std::error_code ec, const Client& client) {
    if (ec == error::auth_mechanism_not_offered) {
        const auto offered = client.capabilities().auth_mechanisms();
        const std::string where = client.security_info().active ? "" : " without TLS";
        return offered.empty() ? "the server offers no AUTH" + where
                               : "the server offers " + join_words(offered) + where;
    }
    if (ec == error::auth_insecure) {
        return "the session is not encrypted: add --tls starttls (or, DANGEROUSLY, "
               "--allow-insecure-auth)";
    }
    if (ec == error::sasl_server_not_verified) {
        return "the server did not prove that it knows the password; it may be an impostor";
    }
    return client.last_error_detail();
}

AuthOutcome log_in(Client& client, const AuthFlags& f, std::string& secret, const std::string& sent,
                   std::error_code& ec, std::string& detail) {
    AuthOutcome out;
    out.requested = f.mechanism;
    client.authenticate(f.user, secret, auth_mechanism(f), ec);
    OPENSSL_cleanse(secret.data(), secret.size());
    secret.clear();
    out.mechanism = sent;
    out.succeeded = !ec;
    if (!sent.empty()) {
        out.reply = client.last_reply();
    }
    detail = ec ? login_advice(ec, client) : std::string();
    return out;
}

}  // namespace smtpkit::cli
