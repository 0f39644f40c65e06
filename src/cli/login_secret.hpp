// Where the login's secret comes from, in this order: --oauth-token-file,
// --password-file, the SMTPKIT_PASSWORD environment variable, then the
// account's password_command, password_file, password_env or password
// (config_file.hpp). The command line and the environment win over the file.
//
// A secret file's first line is the secret (its CR/LF stripped); so is the
// first line a password_command prints. The command runs with /bin/sh -c,
// stdin from /dev/null (in sendmail mode stdin is the message) and stderr
// passed through (gpg and pass talk there); it must exit 0. An empty secret is
// an error. A --password-file that others may read is used with a warning
// (containers mount secrets 0444); an account's password_file that others may
// read is refused, as msmtp refuses it, with the chmod that fixes it.
#pragma once

#include <string>
#include <system_error>
#include <vector>

#include "cli/auth_flags.hpp"

namespace smtpkit::cli {

// Why the secret could not be had: `ec` the OS's reason (or invalid_argument
// for an empty secret, permission_denied for a file others may read),
// `about` the file, variable or command, `detail` more words.
struct SecretProblem {
    std::error_code ec;
    std::string about;
    std::string detail;
};

// The secret for the login ("" for EXTERNAL). `password_env` is the value
// of SMTPKIT_PASSWORD (nullptr when unset). False, with `problem` filled
// in, when a source cannot be read or the secret is empty. `warnings` gets
// "smtpkit: warning: ..." lines.
bool read_secret(const AuthFlags& flags, const char* password_env, std::string& secret,
                 SecretProblem& problem, std::vector<std::string>& warnings);

// A secret that is wiped when it goes out of scope, on every path.
struct WipedString {
    std::string value;
    WipedString() = default;
    WipedString(const WipedString&) = delete;
    WipedString& operator=(const WipedString&) = delete;
    ~WipedString();
};

}  // namespace smtpkit::cli
