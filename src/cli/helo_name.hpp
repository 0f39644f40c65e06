// --helo: checked when parsing, so a bad name is a usage error (64) rather
// than a failure after connecting.
#pragma once

#include <CLI/CLI.hpp>

namespace smtpkit::cli {

// Accepts a host name or an address literal ("[192.0.2.1]") EHLO/HELO can carry.
CLI::Validator helo_name_validator();

}  // namespace smtpkit::cli
