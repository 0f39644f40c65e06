// The event handler, its per-kind switches and the freeze queue. Events are
// raised on the thread running the operation; the controls may be used from
// any thread, so the state is under a mutex (never held while the handler
// runs).
#pragma once

#include <array>
#include <atomic>
#include <deque>
#include <memory>
#include <mutex>

#include "smtpkit/events.hpp"

namespace smtpkit::client {

inline Event make_event(EventKind kind, std::error_code ec = {}, std::uint64_t bytes = 0,
                        std::uint64_t total = 0) {
    Event e;
    e.kind = kind;
    e.ec = ec;
    e.bytes = bytes;
    e.total = total;
    return e;
}

class EventHub {
  public:
    static constexpr std::size_t max_held = 65536;

    EventHub() { enable_all(true); }

    void set_handler(EventHandler handler);
    void enable(EventKind kind, bool enabled) noexcept;
    void enable_all(bool enabled) noexcept;
    bool enabled(EventKind kind) const noexcept;
    void freeze(bool frozen);

    // Cheap when nobody listens: one atomic load.
    bool wants(EventKind kind) const noexcept {
        return has_handler_.load(std::memory_order_acquire) && enabled(kind);
    }
    void raise(Event event);

  private:
    mutable std::mutex mutex_;
    std::shared_ptr<const EventHandler> handler_;
    std::atomic<bool> has_handler_{false};
    std::array<std::atomic<bool>, event_kind_count> enabled_{};
    bool frozen_ = false;
    std::deque<Event> held_;
};

}  // namespace smtpkit::client
