// --json: a run's outcome as one JSON document on stdout, for scripts.
//
//   {"verdict": "delivered" | "not_delivered" | "unknown", "delivered": bool,
//    "mail": reply | null, "recipients": [{"address", "accepted", "code", "enhanced", "text"}],
//    "data": reply | null, "final": reply | null, "round_trips": n, "bytes": n,
//    "chunked": bool, "body": "" | "8BITMIME" | "BINARYMIME", "dropped": ["DSN", ...],
//    "batch": {...}  (with --repeat, send_batch.hpp),
//    "tls": tls  (when the session ran over TLS),
//    "auth": {"requested": "auto" | "plain" | ..., "mechanism": "CRAM-MD5" | null,
//             "result": "ok" | "failed", "reply": reply | null}
//            (when --user or --auth external asked for a login that was attempted;
//             mechanism is null when no AUTH was sent; never the secret or user name),
//    "error": {"code", "value", "category", "message", "stage", "detail", "about", "reply"}
//             (on failure)}
//
// reply and tls are as in json_parts.hpp; a reply is null where the dialogue
// never got that far. error.code is a stable name for smtpkit's own
// errors ("no_valid_recipients"), std::errc's for common system errors
// ("connection_refused") and the number as a string for others; error.reply is
// the server's refusal when there was one; error.detail the library's explanation
// (OpenSSL's reason for a certificate or TLS file failure); error.about what the error concerns (an
// address, a file, host and port), when that helps.
#pragma once

#include <string>
#include <system_error>

#include "cli/json_parts.hpp"
#include "cli/send_outcome.hpp"

namespace smtpkit::cli {

// The document, pretty-printed, without a trailing newline. Bytes that are
// not UTF-8 (a server may send them) are replaced, never fatal.
std::string json_report(const SendOutcome& outcome);

// One transaction's part of the document: verdict, delivered, mail,
// recipients, data, final, round_trips, bytes, chunked, body, dropped.
Json transaction_json(const SendResult& result);

// The stable name of an error for scripts: smtpkit's enumerator names
// ("invalid_address"), std::errc's for common system errors
// ("connection_refused"), else the number as text.
std::string error_name(std::error_code ec);

const char* stage_name(Stage stage) noexcept;

}  // namespace smtpkit::cli
