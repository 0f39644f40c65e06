// The TLS flags of every command that connects, and how they become ConnectOptions.
//
//   --tls starttls|implicit|opportunistic|none
//                                  starttls and implicit REQUIRE TLS: the
//                                  library aborts when it cannot be had;
//                                  opportunistic: STARTTLS when offered
//   --trusted-site                 DANGEROUS: do not verify the certificate
//   --secure-fallback              DANGEROUS: allow TLS 1.0/1.1, legacy ciphers
//   --cafile FILE, --capath DIR    trust anchors (default: the system's)
//   --cert FILE [--key FILE] [--key-password-file FILE]   client certificate
//
// Without --tls TLS is required, as in the library: implicit TLS on port 465
// (RFC 8314), STARTTLS on any other port. The one exception is a server on
// loopback (127.0.0.0/8, ::1, localhost), which is not on a network: there
// the default is plaintext, so local relays and test servers need no flag.
// An explicit --tls always wins, so `--tls none --port 465` speaks plaintext
// to port 465 (test servers do that) and `--tls none` is the named opt-out.
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

enum class TlsMode { none, starttls, implicit, opportunistic };

struct TlsFlags {
    std::string mode;  // "none", "starttls", "implicit", "opportunistic"; empty: not given
    bool trusted_site = false;
    bool secure_fallback = false;
    std::string ca_file;
    std::string ca_path;
    std::string cert_file;
    std::string key_file;
    std::string key_password_file;  // never a password on the command line
};

// Registers the flags on `cmd`. The command checks them once parsing is
// done (connection_flags.hpp): a combination that makes no sense is a usage
// error (see check_tls_flags). Files are not looked at then: loading them is
// the library's job, and a TLS file that cannot be loaded exits 78.
void add_tls_flags(CLI::App& cmd, TlsFlags& flags);

// True for a server named by a loopback address or as localhost.
bool is_loopback_server(const std::string& server);

// The mode in effect: --tls when given; else none for a loopback server,
// implicit on port 465, starttls elsewhere.
TlsMode effective_tls_mode(const TlsFlags& flags, int port, const std::string& server);

// Why these flags do not go together, or "" when they do.
std::string check_tls_flags(const TlsFlags& flags, int port, const std::string& server);

// Sets the security mode, TLS option bits and trust/certificate paths on
// `options`. The key password is not among them: read_key_password() gets it.
void apply_tls_flags(const TlsFlags& flags, int port, const std::string& server,
                     ConnectOptions& options);

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
