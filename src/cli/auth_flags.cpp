#include "cli/auth_flags.hpp"

#include <openssl/crypto.h>
#include <sys/stat.h>

#include <cctype>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "smtpkit/error.hpp"

namespace smtpkit::cli {
namespace {

const std::vector<std::string>& mechanism_names() {
    static const std::vector<std::string> names{"auto",     "plain",       "login",
                                                "cram-md5", "scram-sha-1", "scram-sha-256",
                                                "xoauth2",  "oauthbearer", "external"};
    return names;
}

bool is_oauth(const std::string& m) {
    return m == "xoauth2" || m == "oauthbearer";
}

const char* const no_secret_on_command_line =
    "a secret is never given on the command line (other users can read it): use "
    "--password-file FILE or the SMTPKIT_PASSWORD environment variable";

// The first line of `path`, without its CR/LF; false with `problem` otherwise.
bool read_first_line(const char* flag, const std::string& path, std::string& line,
                     SecretProblem& problem) {
    problem.about = std::string("cannot read ") + flag + " \"" + path + "\"";
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
        problem.ec = std::make_error_code(std::errc::is_a_directory);
        return false;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in.is_open()) {
        problem.ec = std::error_code(errno != 0 ? errno : ENOENT, std::generic_category());
        return false;
    }
    std::getline(in, line);
    if (in.bad()) {
        problem.ec = std::make_error_code(std::errc::io_error);
        return false;
    }
    while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) {
        line.pop_back();
    }
    return true;
}

// A warning when group or others may read the secret's file.
void warn_if_shared(const char* flag, const std::string& path, std::vector<std::string>& out) {
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0 && (st.st_mode & (S_IRGRP | S_IROTH)) != 0) {
        out.push_back(std::string("smtpkit: warning: ") + flag + " \"" + path +
                      "\" can be read by other users; make it private (chmod 600)");
    }
}

}  // namespace

WipedString::~WipedString() {
    OPENSSL_cleanse(value.data(), value.size());
}

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
    if (is_oauth(f.mechanism) && f.oauth_token_file.empty()) {
        return auth + " needs the token: --oauth-token-file FILE";
    }
    if (!f.oauth_token_file.empty()) {
        return f.mechanism == "auto" || is_oauth(f.mechanism)
                   ? std::string()
                   : "--oauth-token-file goes with --auth auto, xoauth2 or oauthbearer, not " +
                         auth;
    }
    if (f.password_file.empty() && (password_env == nullptr || *password_env == '\0')) {
        return "--user needs a password: --password-file FILE or the SMTPKIT_PASSWORD "
               "environment variable (never on the command line)";
    }
    return {};
}

void add_auth_flags(CLI::App& cmd, AuthFlags& f, const TlsFlags& tls) {
    // An option group: its own heading in --help, and its own callback, run
    // once parsing is done when any of its flags was given (a command has a
    // single parse-complete callback, which the TLS flags already use).
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
        ->check(CLI::IsMember(mechanism_names()))
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
    group->callback([&f, &tls] {
        if (std::string why = check_auth_flags(f, tls, std::getenv(password_variable));
            !why.empty()) {
            throw CLI::ValidationError(why);
        }
    });
}

void apply_auth_flags(const AuthFlags& f, ConnectOptions& options) {
    options.allow_insecure_auth = f.allow_insecure_auth;
}

bool read_secret(const AuthFlags& f, const char* password_env, std::string& secret,
                 SecretProblem& problem, std::vector<std::string>& warnings) {
    secret.clear();
    if (f.mechanism == "external") {
        return true;
    }
    const bool token = !f.oauth_token_file.empty();
    const char* flag = token ? "--oauth-token-file" : "--password-file";
    const std::string& file = token ? f.oauth_token_file : f.password_file;
    if (file.empty()) {
        secret = password_env != nullptr ? password_env : "";
        problem.about = password_variable;
    } else {
        if (!read_first_line(flag, file, secret, problem)) {
            return false;
        }
        problem.about = std::string(flag) + " \"" + file + "\"";
        warn_if_shared(flag, file, warnings);
    }
    if (secret.empty()) {
        problem.ec = std::make_error_code(std::errc::invalid_argument);
        problem.detail = file.empty() ? "it is empty or not set" : "its first line is empty";
        return false;
    }
    return true;
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

namespace {

std::string join_words(const std::vector<std::string>& words) {
    std::string out;
    for (const auto& w : words) {
        out += (out.empty() ? "" : " ") + w;
    }
    return out;
}

// What the user can do about a login that could not start.
std::string advice(std::error_code ec, const Client& client) {
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

}  // namespace

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
    detail = ec ? advice(ec, client) : std::string();
    return out;
}

}  // namespace smtpkit::cli
