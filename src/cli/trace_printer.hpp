// --trace: the SMTP dialogue on a stream, one line per command or reply line,
// "C: " for the client, "S: " for the server and "* " for the library's own
// notes. Every trace line passes through here, so this is the one place that
// keeps credentials off the screen.
#pragma once

#include <ostream>
#include <string>
#include <string_view>

#include "smtpkit/client.hpp"

namespace smtpkit::cli {

class TracePrinter {
  public:
    explicit TracePrinter(std::ostream& out) : out_(&out) {}

    void operator()(TraceDirection direction, std::string_view line);

    // The line as it will be printed (without the newline).
    std::string format(TraceDirection direction, std::string_view line);

  private:
    std::string redact_client(std::string_view line);

    std::ostream* out_;
    // Between "AUTH ..." and the server's final reply to it, every client
    // line is a credential (RFC 4954 4): user names, passwords, tokens.
    bool in_auth_ = false;
};

}  // namespace smtpkit::cli
