#include "compat/event_bridge.hpp"

#include "compat/error_codes.hpp"

namespace smtpkit::compat {
namespace {

UINT seed_event(EventKind kind) {
    switch (kind) {
        case EventKind::connect:
            return SMTP_EVENT_CONNECT;
        case EventKind::disconnect:
            return SMTP_EVENT_DISCONNECT;
        case EventKind::read:
            return SMTP_EVENT_READ;
        case EventKind::write:
            return SMTP_EVENT_WRITE;
        case EventKind::timeout:
            return SMTP_EVENT_TIMEOUT;
        case EventKind::cancel:
            return SMTP_EVENT_CANCEL;
        case EventKind::command:
            return SMTP_EVENT_COMMAND;
        case EventKind::progress:
            return SMTP_EVENT_PROGRESS;
    }
    return 0;
}

}  // namespace

void EventBridge::set_target(SmtpEventTarget target, UINT message) {
    std::lock_guard lock(mutex_);
    target_ = std::move(target);
    message_ = message;
    if (target_) {
        enabled_ = true;
    }
}

void EventBridge::enable(bool on) {
    std::lock_guard lock(mutex_);
    enabled_ = on;
    if (!on) {
        target_ = nullptr;  // the seed's DisableEvents: back to blocking
        message_ = WM_NULL;
    }
}

bool EventBridge::enabled() const {
    std::lock_guard lock(mutex_);
    return enabled_;
}

bool EventBridge::asynchronous() const {
    std::lock_guard lock(mutex_);
    return enabled_ && static_cast<bool>(target_);
}

bool EventBridge::register_callback(UINT event, SMTPEVENTPROC callback, DWORD_PTR param) {
    if (event < SMTP_EVENT_CONNECT || event > SMTP_EVENT_PROGRESS) {
        return false;
    }
    std::lock_guard lock(mutex_);
    registered_[event] = {callback, param};
    if (callback != nullptr) {
        enabled_ = true;  // the seed: registering a callback enables events
    }
    return true;
}

void EventBridge::on_smtpkit_event(const Event& event) {
    const UINT kind = seed_event(event.kind);
    if (kind == SMTP_EVENT_CONNECT) {
        return;  // raised by Connect itself when the session is ready
    }
    if (kind == SMTP_EVENT_DISCONNECT && local_close_.load()) {
        return;
    }
    raise(kind, st_error_for(event.ec));
}

SmtpEventMessage EventBridge::make_message(UINT event, DWORD error) const {
    SmtpEventMessage m;
    m.pClient = &client_;
    m.uMsg = message_;
    m.nEventId = event;
    m.dwError = error;
    m.wParam = reinterpret_cast<WPARAM>(&client_);
    m.lParam = static_cast<LPARAM>(event | (static_cast<DWORD>(compat_low_word(error)) << 16));
    return m;
}

void EventBridge::raise(UINT event, DWORD error) {
    SmtpEventMessage message;
    {
        std::lock_guard lock(mutex_);
        if (!enabled_) {
            return;
        }
        message = make_message(event, error);
        if (frozen_) {
            if (held_.size() < max_held) {
                held_.push_back(message);
            }
            return;
        }
    }
    deliver(message);
}

// Outside the lock: a callback may use the event controls.
void EventBridge::deliver(const SmtpEventMessage& message) {
    Registered registered;
    SmtpEventTarget target;
    {
        std::lock_guard lock(mutex_);
        registered = registered_[message.nEventId];
        target = target_;
    }
    if (registered.callback != nullptr) {
        registered.callback(message.pClient, message.nEventId, message.dwError, registered.param);
    }
    if (target) {
        target.Deliver(message);
    }
}

// The held events go out in order, on the thread that unfreezes.
void EventBridge::freeze(bool frozen) {
    if (frozen) {
        std::lock_guard lock(mutex_);
        frozen_ = true;
        return;
    }
    for (;;) {
        SmtpEventMessage message;
        {
            std::lock_guard lock(mutex_);
            if (held_.empty()) {
                frozen_ = false;
                return;
            }
            message = held_.front();
            held_.pop_front();
        }
        deliver(message);
    }
}

}  // namespace smtpkit::compat
