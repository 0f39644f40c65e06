#include "cli/probe_auth.hpp"

#include <algorithm>
#include <iostream>

#include "cli/login.hpp"
#include "cli/trace_printer.hpp"

namespace smtpkit::cli {
namespace {

bool is_token_mechanism(AuthMechanism m) {
    return m == AuthMechanism::xoauth2 || m == AuthMechanism::oauthbearer;
}

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

// Why `m` cannot be tried with what the flags give; "" when it can.
std::string cannot_try(AuthMechanism m, const AuthFlags& f, const TlsFlags& tls) {
    const bool token = !f.oauth_token_file.empty();
    if (m == AuthMechanism::external) {
        return tls.cert_file.empty() ? "needs a client certificate (--cert)" : "";
    }
    if (is_token_mechanism(m) && !token) {
        return "needs an OAuth token (--oauth-token-file)";
    }
    if (!is_token_mechanism(m) && token) {
        return "needs a password, not a token";
    }
    return {};
}

MechanismTrial try_one(const ProbeOptions& o, const ConnectOptions& connect, AuthMechanism m,
                       const std::string& secret, MechanismTrial trial) {
    trial.tried = true;
    Client client;
    if (o.connection.trace) {
        client.set_trace(TracePrinter(std::cerr));
    }
    client.connect(o.connection.server, static_cast<std::uint16_t>(o.connection.port), connect,
                   trial.ec);
    if (trial.ec) {
        trial.detail = "the session for this try failed: " + trial.ec.message();
        return trial;
    }
    client.authenticate(m == AuthMechanism::external ? "" : o.connection.auth.user, secret, m,
                        trial.ec);
    trial.reply = client.last_reply();
    trial.detail = trial.ec ? login_advice(trial.ec, client) : std::string();
    std::error_code ignored;
    client.quit(ignored);
    return trial;
}

}  // namespace

std::optional<AuthMechanism> mechanism_named(const std::string& name) {
    static const std::vector<std::pair<std::string, AuthMechanism>> known{
        {"PLAIN", AuthMechanism::plain},
        {"LOGIN", AuthMechanism::login},
        {"CRAM-MD5", AuthMechanism::cram_md5},
        {"SCRAM-SHA-1", AuthMechanism::scram_sha_1},
        {"SCRAM-SHA-256", AuthMechanism::scram_sha_256},
        {"XOAUTH2", AuthMechanism::xoauth2},
        {"OAUTHBEARER", AuthMechanism::oauthbearer},
        {"EXTERNAL", AuthMechanism::external},
    };
    for (const auto& [known_name, m] : known) {
        if (known_name == name) {
            return m;
        }
    }
    return std::nullopt;
}

std::vector<MechanismTrial> try_mechanisms(const ProbeOptions& o, const ConnectOptions& connect,
                                           const std::vector<std::string>& offered,
                                           const std::string& secret) {
    const AuthFlags& f = o.connection.auth;
    std::vector<MechanismTrial> trials;
    for (const std::string& name : offered) {
        if (f.mechanism != "auto" && lower(name) != f.mechanism) {
            continue;
        }
        MechanismTrial trial;
        trial.mechanism = name;
        const std::optional<AuthMechanism> m = mechanism_named(name);
        if (!m) {
            trial.detail = "smtpkit does not speak it";
        } else if (std::string why = cannot_try(*m, f, o.connection.tls); !why.empty()) {
            trial.detail = std::move(why);
        } else {
            trial = try_one(o, connect, *m, secret, std::move(trial));
        }
        trials.push_back(std::move(trial));
    }
    return trials;
}

}  // namespace smtpkit::cli
