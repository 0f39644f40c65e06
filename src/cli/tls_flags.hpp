// The TLS flags `send` and `probe` share, and how they become ConnectOptions.
//
//   --tls none|starttls|implicit   starttls and implicit REQUIRE TLS: the
//                                  library aborts when it cannot be had
//   --trusted-site                 DANGEROUS: do not verify the certificate
//   --secure-fallback              DANGEROUS: allow TLS 1.0/1.1, legacy ciphers
//   --cafile FILE, --capath DIR    trust anchors (default: the system's)
//   --cert FILE [--key FILE] [--key-password-file FILE]   client certificate
//
// Without --tls the port decides: 465 is implicit TLS (RFC 8314), any other
// port plaintext. An explicit --tls always wins, so `--tls none --port 465`
// speaks plaintext to port 465 (test servers do that).
//
// A TLS setting while the session will be plaintext is a usage error: a
// forgotten --tls must not silently send in the clear what the user meant to
// protect.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "smtpkit/options.hpp"

namespace smtpkit::cli {

enum class TlsMode { none, starttls, implicit };

struct TlsFlags {
    std::string mode;  // "none", "starttls", "implicit"; empty: not given
    bool trusted_site = false;
    bool secure_fallback = false;
    std::string ca_file;
    std::string ca_path;
    std::string cert_file;
    std::string key_file;
    std::string key_password_file;  // never a password on the command line
};

// Registers the flags on `cmd`; `client_certificate` adds --cert, --key and
// --key-password-file. A parse-complete check on `cmd` turns a combination
// that makes no sense into a usage error (see check_tls_flags).
void add_tls_flags(CLI::App& cmd, TlsFlags& flags, const int& port, bool client_certificate);

// The mode in effect: --tls when given, else implicit on port 465.
TlsMode effective_tls_mode(const TlsFlags& flags, int port);

// Why these flags do not go together, or "" when they do.
std::string check_tls_flags(const TlsFlags& flags, int port);

// Sets the TLS option bits and trust/certificate paths on `options`. The key
// password is not among them: read_key_password() gets it.
void apply_tls_flags(const TlsFlags& flags, int port, ConnectOptions& options);

// The warnings to print on stderr before connecting, each "smtpkit: warning: ...".
std::vector<std::string> tls_warnings(const TlsFlags& flags);

// Checks that the TLS files named exist and can be read (--capath: a
// directory), so a typo is reported with the OS's words rather than
// OpenSSL's; false with the reason in `why` otherwise. Their content is the
// library's to judge.
bool check_tls_files(const TlsFlags& flags, std::string& why);

// The first line of `file` (without its line end) into `password`; on
// failure false, with the reason in `why`.
bool read_key_password(const std::string& file, std::string& password, std::string& why);

const char* to_string(TlsMode mode) noexcept;

}  // namespace smtpkit::cli
