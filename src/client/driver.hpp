// Runs a protocol::Session over a transport::Connection: writes what the
// session wants written, reads when it waits for replies, and stops at the
// session's next completion event. The client's coroutines await it (on the
// private io_context of a blocking client, or on the caller's executor), so
// the flow exists once.
#pragma once

#include <array>
#include <functional>
#include <optional>
#include <system_error>

#include "client/wait_limits.hpp"
#include "smtpkit/protocol/session.hpp"
#include "transport/connection.hpp"

namespace smtpkit::client {

class Driver {
  public:
    using Observer = std::function<void(const protocol::Event&)>;
    using CompletionHandler = std::function<void(protocol::Event)>;
    using FlushHandler = std::function<void(std::error_code)>;
    // Told of every completed write (true) and read (false) and its size.
    using IoObserver = std::function<void(bool wrote, std::size_t octets)>;

    Driver(transport::Connection& connection, protocol::Session& session, WaitLimits limits,
           Observer observer)
        : connection_(connection),
          session_(session),
          limits_(limits),
          observer_(std::move(observer)) {}

    void set_io_observer(IoObserver observer) { io_observer_ = std::move(observer); }

    // Moves bytes until the session queues a completion event, which the
    // handler receives. Every non-completion event goes to the observer first.
    // Transport failures are fed to the session, so they end as events too.
    void async_run(CompletionHandler handler);

    // Writes everything the session has pending (message content); on a
    // transport failure the session is told and the handler gets the error.
    void async_flush(FlushHandler handler);

    // Feeds the session whatever the server has already sent, without
    // waiting (replies that arrive while content streams). Events stay
    // queued for the next async_run().
    void async_poll(FlushHandler handler);

  private:
    void pump();
    bool deliver_events();
    void on_transport_error(std::error_code ec);
    void wrote(std::size_t n);
    void read(std::size_t n);

    transport::Connection& connection_;
    protocol::Session& session_;
    WaitLimits limits_;
    Observer observer_;
    IoObserver io_observer_;
    CompletionHandler handler_;
    std::array<char, std::size_t{16} * 1024> buffer_{};
};

}  // namespace smtpkit::client
