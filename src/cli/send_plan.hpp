// What `send` will send, worked out before connecting so that bad input
// costs no connection: the composed message, or each --message file with its
// envelope. Recipients are the --to addresses, or when there are none the
// file's To, Cc and Bcc (its Bcc fields then taken out of what is sent). The
// sender is --from, else the account's from, else the file's Sender or From.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cli/send_outcome.hpp"
#include "cli/transfer_flags.hpp"
#include "smtpkit/client.hpp"

namespace smtpkit::cli {

struct SendOptions;

struct PlannedMessage {
    Envelope envelope;  // complete for a file; a composed message's comes from it
    std::optional<MessageSource> source;
    std::optional<Message> composed;
};

// The messages in order; false with `out` saying why (exit 64-66).
bool plan_messages(const SendOptions& options, std::vector<PlannedMessage>& plan, SendOutcome& out);

// After connecting: each message rendered for this server (a composed one's
// envelope and encodings depend on SMTPUTF8 and 8BITMIME) with the envelope
// flags applied, `repeat` times in a row.
std::vector<OutgoingMessage> outgoing_messages(const Client& client,
                                               const std::vector<PlannedMessage>& plan,
                                               const TransferFlags& transfer);

}  // namespace smtpkit::cli
