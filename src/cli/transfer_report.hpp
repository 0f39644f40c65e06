// How `send` and `probe` report the ESMTP extensions (issue 5): the JSON
// fields of a transaction (chunked, body, dropped), the server's extensions as
// the seed's GetExtendedOptions flags.
//
//   transaction: ..., "chunked": bool, "body": "" | "8BITMIME" | "BINARYMIME",
//                "dropped": ["DSN", "MT-PRIORITY", ...]
//   probe:       "extended_options": ["pipelining", "size", "8bitmime", ...]
#pragma once

#include <string>
#include <vector>

#include "cli/json_parts.hpp"
#include "smtpkit/client.hpp"
#include "smtpkit/envelope.hpp"

namespace smtpkit::cli {

// Adds "chunked", "body" and "dropped" to a transaction's JSON object.
void add_transfer_json(Json& doc, const SendResult& result);

// Summary lines about the transfer: parameters the server did not take.
std::vector<std::string> transfer_summary_lines(const SendResult& result);

// The flags set, by name ("pipelining", "size", "8bitmime", "auth_plain", ...),
// in the order of the ExtendedOption enumeration.
std::vector<std::string> extended_option_names(ExtendedOption flags);

}  // namespace smtpkit::cli
