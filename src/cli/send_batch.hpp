// `smtpkit send --repeat N`: the same message N times on one session with
// Client::send_many, which pipelines across messages where the server allows
// (benchmarks, load tests). The outcome keeps every message's result; its
// `result` is the first message that did not fully succeed (else the last),
// so the exit status and the single-message report describe the worst case.
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

// Sends `message` `copies` times to `envelope` with send_many; fills
// out.batch, out.batch_seconds, out.result, out.ec and out.reply.
void send_repeated(Client& client, const Envelope& envelope, const MessageSource& message,
                   std::size_t copies, SendOutcome& out);

// The "batch" object; null without a batch.
Json batch_json(const SendOutcome& outcome);

// "messages  k of N delivered in S s (R round trips)"; empty without a batch.
std::vector<std::string> batch_summary_lines(const SendOutcome& outcome);

}  // namespace smtpkit::cli
