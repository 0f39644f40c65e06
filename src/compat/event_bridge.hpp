// From smtpkit's events to the seed's notifications: each smtpkit::Event
// becomes an SMTP_EVENT_* with an ST_ERROR_* code, delivered to the
// callback RegisterEvent set for its kind and to the event target, unless
// events are off or frozen.
//
// Two events are the facade's own rather than smtpkit's: SMTP_EVENT_CONNECT
// is raised when Connect has finished (the session ready, or failed), which
// is what the seed's CONNECT tells an asynchronous caller, rather than when
// the TCP connection opens; and SMTP_EVENT_DISCONNECT is not raised for a
// close the application asked for (Disconnect), as the seed's is "the server
// has closed the connection". READ and WRITE reach a target only in
// asynchronous mode, as the seed says, since only that mode has one.
#pragma once

#include <array>
#include <atomic>
#include <deque>
#include <mutex>

#include "smtpkit/compat/events.hpp"
#include "smtpkit/events.hpp"

namespace smtpkit::compat {

class EventBridge {
  public:
    static constexpr std::size_t max_held = 65536;  // frozen events beyond are dropped

    explicit EventBridge(CSmtpClient& client) : client_(client) {}

    // A target makes the session asynchronous; an empty one, blocking.
    void set_target(SmtpEventTarget target, UINT message);
    void enable(bool on);
    bool enabled() const;
    bool asynchronous() const;
    void freeze(bool frozen);
    // nullptr removes the kind's callback. False for an unknown kind.
    bool register_callback(UINT event, SMTPEVENTPROC callback, DWORD_PTR param);
    // While the application itself closes the connection.
    void set_local_close(bool closing) { local_close_.store(closing); }

    void on_smtpkit_event(const Event& event);  // smtpkit::Client's event handler
    void raise(UINT event, DWORD error);

  private:
    struct Registered {
        SMTPEVENTPROC callback = nullptr;
        DWORD_PTR param = 0;
    };
    SmtpEventMessage make_message(UINT event, DWORD error) const;
    void deliver(const SmtpEventMessage& message);

    CSmtpClient& client_;
    mutable std::mutex mutex_;  // guards everything below but local_close_
    SmtpEventTarget target_;
    UINT message_ = WM_NULL;
    bool enabled_ = false;
    bool frozen_ = false;
    std::deque<SmtpEventMessage> held_;
    std::array<Registered, SMTP_EVENT_PROGRESS + 1> registered_{};
    std::atomic<bool> local_close_{false};
};

}  // namespace smtpkit::compat
