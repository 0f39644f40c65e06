// The exit status of the smtpkit tool (sysexits.h), derived from a run's
// outcome. Scripts rely on it; keep this table and the code in step.
//
//   status              meaning
//   0  EX_OK            every recipient was accepted and the server took the message
//   64 EX_USAGE         bad command line (unknown flag, missing --from/--to, bad --helo,
//                       --message together with --subject/--text, ...)
//   65 EX_DATAERR       bad input: an address that is not RFC 5321, a subject or text with
//                       control characters or invalid UTF-8, a UTF-8 address the server
//                       cannot take (no SMTPUTF8)
//   66 EX_NOINPUT       the --message file (or stdin) could not be opened or read
//   68 EX_NOHOST        the server's host name does not resolve
//   69 EX_UNAVAILABLE   a permanent (5xx) refusal: greeting, EHLO/HELO, sender, the message,
//                       or any recipient -- also when the message was delivered to the
//                       others (the JSON then shows "delivered": true), because not every
//                       recipient was accepted and retrying cannot change that; and when
//                       the server cannot give the TLS security required (no STARTTLS,
//                       only old TLS versions, a certificate that does not verify)
//   70 EX_SOFTWARE      an internal error (the library reported misuse by the tool)
//   75 EX_TEMPFAIL      a temporary failure worth retrying: a 4xx refusal (and no 5xx one),
//                       a timeout, connection refused/reset/closed, a DNS failure that may
//                       pass, or a connection lost after the message was sent (verdict
//                       "unknown": retrying may deliver it twice)
//   76 EX_PROTOCOL      the server broke the SMTP protocol (garbled or unexpected replies,
//                       data injected after STARTTLS) or the TLS handshake failed; or the
//                       SASL exchange (a challenge that is not base64 or too long, a SCRAM
//                       server that cannot prove it knows the password: an impostor?)
//   77 EX_NOPERM        the login was refused: 535 (wrong user name or secret) or another
//                       permanent refusal of AUTH (a 454 or other 4xx to AUTH is 75)
//   78 EX_CONFIG        the local TLS settings could not be loaded (CA file, certificate, key);
//                       the --password-file / --oauth-token-file could not be read or the
//                       secret is empty; or the login as configured cannot work: the --auth
//                       mechanism is not offered (or AUTH not at all), a password would go
//                       without TLS (no --allow-insecure-auth), the server wants a stronger
//                       mechanism (534) or encryption (538)
//
// Errors from elsewhere (the OS) that fit none of these count as temporary (75):
// they come from the network path far more often than from the input. An
// smtpkit error added after this table is placed by its condition.
#pragma once

#include <system_error>

#include "smtpkit/envelope.hpp"
#include "smtpkit/reply.hpp"

#include "cli/send_outcome.hpp"

namespace smtpkit::cli {

// The exit status for a whole run.
int exit_code(const SendOutcome& outcome);

// The exit status for an error alone; `reply` is the server's last reply,
// which tells a temporary refusal (4xx) from a permanent one (5xx), and
// `result` the recipients' replies when the error is no_valid_recipients.
int exit_code_for_error(std::error_code ec, const Reply& reply, const SendResult& result);

// For a finished transaction: 0 when the message was delivered to every
// recipient, else 69 when any refusal was permanent, else 75.
int exit_code_for_result(const SendResult& result);

}  // namespace smtpkit::cli
