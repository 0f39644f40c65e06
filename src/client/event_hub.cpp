#include "client/event_hub.hpp"

#include <utility>

namespace smtpkit {

const char* to_string(EventKind kind) noexcept {
    switch (kind) {
        case EventKind::connect:
            return "connect";
        case EventKind::disconnect:
            return "disconnect";
        case EventKind::read:
            return "read";
        case EventKind::write:
            return "write";
        case EventKind::timeout:
            return "timeout";
        case EventKind::cancel:
            return "cancel";
        case EventKind::command:
            return "command";
        case EventKind::progress:
            return "progress";
    }
    return "unknown";
}

}  // namespace smtpkit

namespace smtpkit::client {

void EventHub::set_handler(EventHandler handler) {
    std::lock_guard lock(mutex_);
    has_handler_.store(static_cast<bool>(handler), std::memory_order_release);
    handler_ = handler ? std::make_shared<const EventHandler>(std::move(handler)) : nullptr;
}

void EventHub::enable(EventKind kind, bool enabled) noexcept {
    enabled_[static_cast<std::size_t>(kind)].store(enabled);
}

void EventHub::enable_all(bool enabled) noexcept {
    for (auto& e : enabled_) {
        e.store(enabled);
    }
}

bool EventHub::enabled(EventKind kind) const noexcept {
    return enabled_[static_cast<std::size_t>(kind)].load();
}

void EventHub::raise(Event event) {
    if (!wants(event.kind)) {
        return;
    }
    std::shared_ptr<const EventHandler> handler;
    {
        std::lock_guard lock(mutex_);
        if (frozen_) {
            if (held_.size() < max_held) {
                held_.push_back(std::move(event));
            }
            return;
        }
        handler = handler_;
    }
    if (handler) {
        (*handler)(event);
    }
}

// The held events go out in order, on this thread; events raised meanwhile
// by a running operation wait behind them, so the order stays whole.
void EventHub::freeze(bool frozen) {
    if (frozen) {
        std::lock_guard lock(mutex_);
        frozen_ = true;
        return;
    }
    for (;;) {
        std::shared_ptr<const EventHandler> handler;
        Event event;
        {
            std::lock_guard lock(mutex_);
            if (held_.empty()) {
                frozen_ = false;
                return;
            }
            event = std::move(held_.front());
            held_.pop_front();
            handler = handler_;
        }
        if (handler) {
            (*handler)(event);
        }
    }
}

}  // namespace smtpkit::client
