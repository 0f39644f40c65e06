// Event notifications (the seed's SMTP_EVENT_*): what happens on a session,
// for progress bars, logs and monitors. Set with Client::set_event_handler().
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <system_error>

#include "smtpkit/reply.hpp"

namespace smtpkit {

enum class EventKind : std::uint8_t {
    connect,     // the connection is open (before the greeting), or failed to open
    disconnect,  // the connection closed: QUIT, disconnect(), a failure or cancel()
    read,        // octets arrived from the server (`bytes`)
    write,       // octets went to the server (`bytes`)
    timeout,     // an operation ended because the server did not answer in time
    cancel,      // an operation ended because cancel() was called
    command,     // a reply arrived (`reply`), to the command `command` names
    progress,    // message content: `bytes` of `total` handed to the connection
};

inline constexpr std::size_t event_kind_count = 8;

const char* to_string(EventKind kind) noexcept;

struct Event {
    EventKind kind = EventKind::connect;
    std::error_code ec;  // why a connect, disconnect, timeout or cancel happened
    // command: the verb the reply answers ("EHLO", "MAIL", "DATA", ...),
    // empty for the greeting.
    std::string command;
    Reply reply;              // command: the server's reply
    std::uint64_t bytes = 0;  // read, write: octets this time; progress: octets so far
    // progress: the message's size when known beforehand, otherwise the
    // octets so far (the last Progress of a message always has bytes == total).
    std::uint64_t total = 0;
};

// Runs on the thread that runs the operation: the caller of a blocking call,
// or the thread running the executor of an asynchronous client. It must not
// call the client's operations; it may call the event controls
// (enable_event(), freeze_events(), ...).
using EventHandler = std::function<void(const Event&)>;

}  // namespace smtpkit
