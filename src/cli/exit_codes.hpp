// The exit status of the smtpkit tool (sysexits.h), derived from a run's
// outcome. Scripts rely on it. What each status means, in words, is in one
// place: exit_status_text.cpp (the help, the README and the man page are
// held to it). Here is which error gets which:
//
//   65 bad input found before sending (addresses, header text, UTF-8 the server
//      cannot take), 66 a message file or stdin that cannot be read (also while
//      sending: it changed or failed), 68 HOST_NOT_FOUND, 69 permanent (5xx)
//      refusals and TLS that cannot be had, 75 temporary failures (4xx,
//      timeouts, lost connections, the verdict "unknown"), 76 protocol
//      violations and failed TLS handshakes, 77 refused logins, 78 local
//      configuration (TLS files, secrets, config file, a login that cannot work
//      as configured), 70 the library reporting misuse by the tool.
//
// Errors from elsewhere (the OS) that fit none of these count as temporary (75):
// they come from the network path far more often than from the input. An
// smtpkit error added after this table is placed by its condition.
#pragma once

#include <system_error>
#include <vector>

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

// For recipients asked about without a message (probe --quit-after rcpt):
// 0 when all were accepted, else 69 when any refusal was permanent, else 75.
int exit_code_for_recipients(const std::vector<RecipientResult>& recipients);

// `sendmail`'s status for a run: as exit_code(), but a recipient the server
// does not know (550, 551, 553 or 5.1.x) is 67 (EX_NOUSER), as sendmail
// callers expect.
int sendmail_exit_code(const SendOutcome& outcome);

// VRFY and EXPN: 0 for 250, 251 and 252; 67 when the server does not know
// the address (550, 551, 553 or 5.1.x); 69 for another 5xx (VRFY or EXPN
// disabled: 502, 252 excepted); 75 for a 4xx.
int exit_code_for_lookup(const Reply& reply);

// True for a host name that does not resolve (asio.netdb HOST_NOT_FOUND).
bool is_unknown_host(std::error_code ec);

// For a finished transaction: 0 when the message was delivered to every
// recipient, else 69 when any refusal was permanent, else 75.
int exit_code_for_result(const SendResult& result);

}  // namespace smtpkit::cli
