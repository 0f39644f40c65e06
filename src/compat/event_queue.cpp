// The event queue an application pumps, and delivery to an event target.
#include <chrono>

#include "smtpkit/compat/events.hpp"

namespace smtpkit::compat {

void SmtpEventQueue::Post(const SmtpEventMessage& message) {
    {
        std::lock_guard lock(mutex_);
        events_.push_back(message);
    }
    arrived_.notify_one();
}

BOOL SmtpEventQueue::Get(SmtpEventMessage& message, DWORD dwTimeout) {
    std::unique_lock lock(mutex_);
    const auto ready = [this] { return !events_.empty(); };
    if (dwTimeout == INFINITE) {
        arrived_.wait(lock, ready);
    } else if (!arrived_.wait_for(lock, std::chrono::milliseconds(dwTimeout), ready)) {
        return FALSE;
    }
    message = events_.front();
    events_.pop_front();
    return TRUE;
}

BOOL SmtpEventQueue::Peek(SmtpEventMessage& message) {
    std::lock_guard lock(mutex_);
    if (events_.empty()) {
        return FALSE;
    }
    message = events_.front();
    events_.pop_front();
    return TRUE;
}

std::size_t SmtpEventQueue::Count() const {
    std::lock_guard lock(mutex_);
    return events_.size();
}

void SmtpEventTarget::Deliver(const SmtpEventMessage& message) const {
    if (queue_ != nullptr) {
        queue_->Post(message);
    } else if (callback_) {
        callback_(message);
    }
}

}  // namespace smtpkit::compat
