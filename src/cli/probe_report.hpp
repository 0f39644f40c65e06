// What `smtpkit probe` tells people and scripts.
//
// stdout, by default: one section a line, label in the first 14 columns,
//   server        127.0.0.1 port 25
//   greeting      220 mail.example ESMTP
//   EHLO          mail.example (plaintext)
//     PIPELINING
//     SIZE 10240000
//   STARTTLS      220 2.0.0 Ready to start TLS
//   TLS           TLSv1.3 TLS_AES_256_GCM_SHA384 (256 bits) after STARTTLS
//     subject     CN=mail.example
//     ...
//     verified    yes, for mail.example
//   EHLO          mail.example (over TLS)
//     ...
//
// --json: {"server", "port", "tls_mode", "greeting": reply | null,
//          "before_tls": hello | null, "starttls": reply | null, "tls": tls | null,
//          "after_tls": hello | null, "extended_options": ["pipelining", ...] (the
//          last EHLO as flags, transfer_report.hpp), "rejected_certificate": tls
//          (only when the certificate was refused), "error": error (on failure)}
//   With --user: "auth_mechanisms": [{"mechanism", "tried", "result": "ok" | "failed" |
//   "not tried", "reply", "detail"}]; with --quit-after: "quit_after", and as far as
//   it got "auth" (as for send), "mail": reply, "recipients": [{"address", "accepted",
//   "code", "enhanced", "text"}].
//   hello = {"command": "EHLO" | "HELO", "server_name", "capabilities", "reply"};
//   reply, tls, capabilities and error as in json_parts.hpp. "before_tls" is
//   the plaintext session (all of it with --tls none), null with implicit TLS.
//
// stderr: one "smtpkit: ..." line when the probe failed.
#pragma once

#include <string>
#include <vector>

#include "cli/probe_outcome.hpp"

namespace smtpkit::cli {

std::vector<std::string> probe_lines(const ProbeOutcome& outcome);
std::vector<std::string> probe_error_lines(const ProbeOutcome& outcome);
std::string probe_json(const ProbeOutcome& outcome);

// 0 when the session (and TLS, when asked for) was established and, with
// --user, a mechanism worked; with --quit-after rcpt when every recipient
// was accepted; else the status of the error as for `send` (69 for a
// refused certificate).
int probe_exit_code(const ProbeOutcome& outcome);

}  // namespace smtpkit::cli
