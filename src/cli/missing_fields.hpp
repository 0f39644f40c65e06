// What sendmail adds to a message that lacks it, as MTAs do: From (the
// envelope sender, with -F's name), Date (now) and Message-ID (random, in
// the sender's domain). The fields are written by the message layer, so
// names are quoted or RFC 2047 encoded as they must be.
#pragma once

#include <string>
#include <vector>

#include "smtpkit/address.hpp"
#include "smtpkit/header_field.hpp"

namespace smtpkit::cli {

// The missing fields as header lines ("Name: value" CRLF each); "" when
// nothing is missing. `sender` with an empty address (a null sender) gives
// no From.
std::string missing_fields(const std::vector<HeaderField>& present, const Mailbox& sender);

}  // namespace smtpkit::cli
