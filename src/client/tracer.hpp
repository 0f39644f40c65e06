// Turns session events into trace lines ("C: " / "S: " in the CLI). The one
// place where the dialogue becomes text, so redaction (AUTH) lives here.
#pragma once

#include <string>

#include "smtpkit/client.hpp"
#include "smtpkit/protocol/session.hpp"

namespace smtpkit::client {

class Tracer {
  public:
    void set_handler(TraceHandler handler) { handler_ = std::move(handler); }
    bool enabled() const { return static_cast<bool>(handler_); }

    void on_event(const protocol::Event& event);
    void info(const std::string& line);

  private:
    TraceHandler handler_;
};

}  // namespace smtpkit::client
