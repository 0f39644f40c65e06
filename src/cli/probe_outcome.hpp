// What one `smtpkit probe` run found: the single value its human report,
// JSON document and exit status are all derived from.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "cli/auth_outcome.hpp"
#include "cli/tls_flags.hpp"
#include "smtpkit/client.hpp"
#include "smtpkit/reply.hpp"
#include "smtpkit/tls.hpp"

namespace smtpkit::cli {

using HelloRecord = SessionOpening::Hello;

// One AUTH mechanism tried on a session of its own (probe --user).
struct MechanismTrial {
    std::string mechanism;  // as offered: "SCRAM-SHA-256"
    bool tried = false;     // false: smtpkit cannot (not a mechanism it speaks, no token, ...)
    std::error_code ec;     // empty: the login worked
    Reply reply;            // the server's final answer to AUTH
    std::string detail;     // why not tried, or the advice for a failure
};

struct ProbeOutcome {
    std::string server;
    std::uint16_t port = 0;  // the port really used (0 resolved to 25 or 465)
    TlsMode tls_mode = TlsMode::none;
    bool trusted_site = false;

    Reply greeting;
    std::optional<HelloRecord> before_tls;  // the plaintext EHLO/HELO (all of it with --tls none)
    Reply starttls_reply;
    SecurityInfo tls;  // active when the TLS session was established
    std::optional<HelloRecord> after_tls;
    // The last EHLO's extensions as the seed's GetExtendedOptions flags.
    ExtendedOption extended_options = ExtendedOption::none;
    // When the certificate was refused: the session looked at again with
    // verification off, to show what the server presents (active: false when
    // that did not work either, or was not tried).
    SecurityInfo rejected;

    std::string quit_after;                   // as given; empty: the whole opening
    std::vector<MechanismTrial> auth_trials;  // --user without --quit-after
    std::optional<AuthOutcome> auth;          // --quit-after auth, mail, rcpt with --user
    Reply mail_reply;                         // --quit-after mail, rcpt
    std::vector<RecipientResult> recipients;  // --quit-after rcpt

    std::error_code ec;
    std::string subject;          // what the failure concerns: "connecting to host port 25"
    std::string detail;           // the library's explanation (OpenSSL's reason)
    std::string fix;              // what to do about it, when known (subject then names the cause)
    bool secret_problem = false;  // the --user secret could not be had (exit 78)
    Reply reply;                  // the server's last reply when ec is set
};

}  // namespace smtpkit::cli
