// Several messages on one session (`send --repeat N`, several --message
// files) with Client::send_many, which pipelines across messages where the
// server allows. The outcome keeps every message's result; its `result` is
// the first message that did not fully succeed (else the last), so the exit
// status and the single-message report describe the worst case.
//
// JSON: the usual document for that message, plus
//   "batch": {"count": N, "delivered": k, "round_trips": total, "seconds": s,
//             "messages_per_second": r, "messages": [transaction, ...]}
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "cli/json_parts.hpp"
#include "cli/send_outcome.hpp"
#include "smtpkit/client.hpp"

namespace smtpkit::cli {

// The whole message into memory; nullopt with `ec` set when reading fails.
std::optional<std::string> read_all(const MessageSource& source, std::error_code& ec);

// Sends the messages with send_many; fills out.batch, out.batch_seconds,
// out.result, out.ec and out.reply. A one-shot source (stdin) that appears
// more than once is read into memory once, then sent from there.
void send_batch(Client& client, std::vector<OutgoingMessage> messages, SendOutcome& out);

// The "batch" object; null without a batch.
Json batch_json(const SendOutcome& outcome);

// "messages  k of N delivered in S s (R round trips)"; empty without a batch.
std::vector<std::string> batch_summary_lines(const SendOutcome& outcome);

}  // namespace smtpkit::cli
