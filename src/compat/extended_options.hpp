// GetExtendedOptions: the extensions the server offered, from smtpkit's
// flags to SMTP_EXTOPT_*.
#pragma once

#include "smtpkit/compat/types.hpp"
#include "smtpkit/protocol/capabilities.hpp"

namespace smtpkit::compat {

DWORD extended_options_of(protocol::ExtendedOption offered);

}  // namespace smtpkit::compat
