// Where CSmtpClient's event notifications go, in place of the seed's window
// handle and message number.
//
// The seed posts a window message (wParam: the client, lParam: the event in
// the low word, the error's low word in the high word) to a window whose
// message pump runs on the thread that owns the client. Here the event
// target is one of:
//   - nullptr (the seed's NULL window): no notifications, a blocking session;
//   - an SmtpEventQueue the application pumps, as a message loop does: the
//     events wait there, in order, until the owning thread takes them, so
//     the handling code runs on that thread and may call the client;
//   - a callback (any callable taking const SmtpEventMessage&): it runs on
//     the thread that runs the operation (the caller of a blocking member,
//     or the worker of an asynchronous Connect), and like the modern
//     library's event handler it must not call the client's operations.
// RegisterEvent's per-event callbacks (SMTPEVENTPROC) run the same way.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <type_traits>
#include <utility>

#include "smtpkit/compat/constants.hpp"
#include "smtpkit/compat/types.hpp"

namespace smtpkit::compat {

class CSmtpClient;

// One notification: what the seed's window message carries, unpacked and
// packed.
struct SmtpEventMessage {
    CSmtpClient* pClient = nullptr;  // the client (the seed's wParam: its handle)
    UINT uMsg = WM_NULL;             // the message number given to Connect or EnableEvents
    UINT nEventId = 0;               // SMTP_EVENT_*
    DWORD dwError = 0;               // 0, or the ST_ERROR_* the event reports
    WPARAM wParam = 0;               // as the seed posts it: the client
    LPARAM lParam = 0;               // as the seed posts it: event | (error's low word << 16)
};

// SocketTools' RegisterEvent callback: the client, the event, its error (0
// when none) and the value given to RegisterEvent.
using SMTPEVENTPROC = void (*)(CSmtpClient* pClient, UINT nEventId, DWORD dwError,
                               DWORD_PTR dwParam);

// A message queue for events: the portable stand-in for an event window.
// Any thread may post; the application takes them, usually on the thread
// that owns the client. Keep it alive as long as a client may post to it.
class SmtpEventQueue {
  public:
    void Post(const SmtpEventMessage& message);
    // Takes the oldest event, waiting up to dwTimeout milliseconds for one
    // (INFINITE: no limit). FALSE when none came in time.
    BOOL Get(SmtpEventMessage& message, DWORD dwTimeout = INFINITE);
    // Takes the oldest event if there is one, without waiting.
    BOOL Peek(SmtpEventMessage& message);
    std::size_t Count() const;

  private:
    mutable std::mutex mutex_;
    std::condition_variable arrived_;
    std::deque<SmtpEventMessage> events_;
};

// The event target Connect and EnableEvents take.
class SmtpEventTarget {
  public:
    using Callback = std::function<void(const SmtpEventMessage&)>;

    SmtpEventTarget() = default;
    SmtpEventTarget(std::nullptr_t) {}  // NOLINT: NULL, as the seed passes it
    SmtpEventTarget(SmtpEventQueue& queue) : queue_(&queue) {}  // NOLINT
    template <class F>
    requires(std::is_invocable_v<F&, const SmtpEventMessage&> &&
             !std::is_same_v<std::decay_t<F>, SmtpEventTarget>) SmtpEventTarget(F callback)
        : callback_(std::move(callback)) {}  // NOLINT

    explicit operator bool() const noexcept { return queue_ != nullptr || callback_; }
    void Deliver(const SmtpEventMessage& message) const;

  private:
    SmtpEventQueue* queue_ = nullptr;
    Callback callback_;
};

}  // namespace smtpkit::compat
