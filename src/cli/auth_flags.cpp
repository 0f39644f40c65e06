#include "cli/auth_flags.hpp"

#include <cctype>
#include <utility>

namespace smtpkit::cli {

const std::vector<std::string>& auth_mechanism_names() {
    static const std::vector<std::string> names{"auto",     "plain",       "login",
                                                "cram-md5", "scram-sha-1", "scram-sha-256",
                                                "xoauth2",  "oauthbearer", "external"};
    return names;
}

namespace {

bool is_oauth(const std::string& m) {
    return m == "xoauth2" || m == "oauthbearer";
}

const char* const no_secret_on_command_line =
    "a secret is never given on the command line (other users can read it): use "
    "--password-file FILE or the SMTPKIT_PASSWORD environment variable";

}  // namespace

bool wants_auth(const AuthFlags& f) {
    return !f.user.empty() || f.mechanism == "external";
}

AuthMechanism auth_mechanism(const AuthFlags& f) {
    const std::string& m = f.mechanism;
    if (m == "plain") {
        return AuthMechanism::plain;
    }
    if (m == "login") {
        return AuthMechanism::login;
    }
    if (m == "cram-md5") {
        return AuthMechanism::cram_md5;
    }
    if (m == "scram-sha-1") {
        return AuthMechanism::scram_sha_1;
    }
    if (m == "scram-sha-256") {
        return AuthMechanism::scram_sha_256;
    }
    if (m == "xoauth2") {
        return AuthMechanism::xoauth2;
    }
    if (m == "oauthbearer") {
        return AuthMechanism::oauthbearer;
    }
    if (m == "external") {
        return AuthMechanism::external;
    }
    return f.oauth_token_file.empty() ? AuthMechanism::automatic : AuthMechanism::automatic_token;
}

std::string check_auth_flags(const AuthFlags& f, const TlsFlags& tls, const char* password_env) {
    const std::string auth = "--auth " + f.mechanism;
    if (f.mechanism == "external") {
        if (!f.password_file.empty() || !f.oauth_token_file.empty()) {
            return auth +
                   " logs in with the client certificate (--cert): it takes no "
                   "--password-file or --oauth-token-file";
        }
        return tls.cert_file.empty() ? auth + " needs a client certificate: add --cert FILE"
                                     : std::string();
    }
    if (f.user.empty()) {
        for (const auto& [flag, given] :
             {std::pair{"--password-file", !f.password_file.empty()},
              std::pair{"--oauth-token-file", !f.oauth_token_file.empty()},
              std::pair{"--allow-insecure-auth", f.allow_insecure_auth},
              std::pair{"--auth", f.mechanism != "auto"}}) {
            if (given) {
                return std::string(flag) + " needs --user NAME";
            }
        }
        return {};
    }
    if (!f.password_file.empty() && !f.oauth_token_file.empty()) {
        return "give --password-file or --oauth-token-file, not both";
    }
    if (f.allow_insecure_auth && tls.mode == "opportunistic") {
        // Opportunistic TLS falls back to plaintext when STARTTLS is missing
        // (or stripped by an attacker): it must never carry a clear-text secret.
        return "--tls opportunistic never sends a password in clear text, so it does not "
               "go with --allow-insecure-auth: use --tls starttls, or --tls none on a "
               "trusted network";
    }
    if (is_oauth(f.mechanism) && f.oauth_token_file.empty()) {
        return auth + " needs the token: --oauth-token-file FILE";
    }
    if (!f.oauth_token_file.empty()) {
        return f.mechanism == "auto" || is_oauth(f.mechanism)
                   ? std::string()
                   : "--oauth-token-file goes with --auth auto, xoauth2 or oauthbearer, not " +
                         auth;
    }
    if (f.password_file.empty() && (password_env == nullptr || *password_env == '\0') &&
        !f.account_secret) {
        return "--user needs a password: --password-file FILE or the SMTPKIT_PASSWORD "
               "environment variable (never on the command line), or an account's "
               "password_command";
    }
    return {};
}

void add_auth_flags(CLI::App& cmd, AuthFlags& f) {
    // An option group: its own heading in --help.
    CLI::Option_group* group = cmd.add_option_group("Login (SMTP AUTH)");
    group->add_option("--user", f.user, "Log in (SMTP AUTH) as this user before sending")
        ->type_name("NAME");
    group
        ->add_option("--password-file", f.password_file,
                     "Read the password from the first line of this file (else the "
                     "SMTPKIT_PASSWORD environment variable)")
        ->type_name("FILE");
    group
        ->add_option("--auth", f.mechanism,
                     "SASL mechanism: auto (the strongest offered), plain, login, cram-md5, "
                     "scram-sha-1, scram-sha-256, xoauth2, oauthbearer or external (the --cert)")
        ->type_name("MECH")
        ->check(CLI::IsMember(auth_mechanism_names()))
        ->capture_default_str();
    group
        ->add_option("--oauth-token-file", f.oauth_token_file,
                     "Read an OAuth 2.0 bearer token from the first line of this file")
        ->type_name("FILE");
    group->add_flag("--allow-insecure-auth", f.allow_insecure_auth,
                    "DANGEROUS: send a password or token readably (PLAIN, LOGIN, OAuth) over a "
                    "session without TLS; anyone on the network path can read it");
    // Not an option: a secret in argv is visible to every user of the machine.
    // Caught here so that the refusal names the ways that exist, and so that
    // CLI11 does not echo the value back as an unexpected argument.
    group
        ->add_option_function<std::string>(
            "--password,--pass",
            [](const std::string&) { throw CLI::ValidationError(no_secret_on_command_line); })
        ->group("")
        ->expected(0, 1);
}

void apply_auth_flags(const AuthFlags& f, ConnectOptions& options) {
    options.allow_insecure_auth = f.allow_insecure_auth;
}

std::vector<std::string> auth_warnings(const AuthFlags& f) {
    if (!f.allow_insecure_auth) {
        return {};
    }
    return {
        "smtpkit: warning: --allow-insecure-auth: without TLS the password or token "
        "crosses the network readably; anyone on the path can capture and reuse it"};
}

std::string auth_mechanism_in(std::string_view line) {
    if (line.size() < 6 || line[4] != ' ') {
        return {};
    }
    for (std::size_t i = 0; i < 4; ++i) {
        if (std::toupper(static_cast<unsigned char>(line[i])) != "AUTH"[i]) {
            return {};
        }
    }
    line.remove_prefix(5);
    return std::string(line.substr(0, line.find(' ')));
}

}  // namespace smtpkit::cli
