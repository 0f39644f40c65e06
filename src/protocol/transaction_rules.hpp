// What the batch and step-by-step transaction paths share: the errors a
// refusal maps to, by the class of the reply (5yz refused, 4yz deferred),
// and the form an address is reported in.
#pragma once

#include <algorithm>
#include <system_error>

#include "smtpkit/envelope.hpp"
#include "smtpkit/error.hpp"
#include "smtpkit/protocol/address.hpp"

namespace smtpkit::protocol {

// Every recipient refused: deferred when one of them may be accepted later.
inline std::error_code no_recipient_accepted(const SendResult& result) {
    const bool any_transient =
        std::any_of(result.recipients.begin(), result.recipients.end(),
                    [](const RecipientResult& r) { return r.reply.transient(); });
    return make_error_code(any_transient ? error::recipients_deferred : error::no_valid_recipients);
}

inline std::error_code message_refusal(const Reply& reply) {
    return make_error_code(
        refusal_for(reply.code, error::message_refused, error::message_deferred));
}

// The canonical form of an address that Command::check() already accepted.
inline std::string canonical(const std::string& address, bool utf8) {
    std::error_code ec;
    return canonical_address(address, AddressRules{utf8, false}, ec);
}

}  // namespace smtpkit::protocol
