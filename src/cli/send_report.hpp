// What `smtpkit send` tells people: a short summary on stdout (who was
// accepted, who was rejected, what became of the message) and one line per
// problem on stderr, "smtpkit: <what happened>: <the server's reply>".
#pragma once

#include <string>
#include <vector>

#include "cli/send_outcome.hpp"

namespace smtpkit::cli {

// The stdout summary, one line each; empty when no transaction started.
std::vector<std::string> summary_lines(const SendOutcome& outcome);

// The stderr lines, each starting "smtpkit: "; empty on full success.
std::vector<std::string> error_lines(const SendOutcome& outcome);

// A summary line with its first word marked (accepted green, rejected red)
// when `colour`.
std::string paint_summary_line(const std::string& line, bool colour);

}  // namespace smtpkit::cli
