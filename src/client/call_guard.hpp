// The thread model and cancel() at the door of every public call.
//
// A Client belongs to one thread (the creating one, or whichever
// attach_thread() names); a call from any other fails with error::not_owner
// before it touches anything, unless the connection was made with
// Option::free_thread. While a call runs, its number is published so that
// cancel(), from any thread, can end that call and no later one.
#pragma once

#include <atomic>
#include <cstdint>
#include <system_error>
#include <thread>

#include "smtpkit/error.hpp"

namespace smtpkit::client {

struct CallState {
    std::atomic<std::thread::id> owner{std::this_thread::get_id()};
    std::atomic<bool> free_thread{false};
    std::atomic<std::uint64_t> running{0};    // the call in progress; 0: none
    std::atomic<std::uint64_t> next_call{0};  // numbers calls, blocking and asynchronous

    bool caller_allowed() const noexcept {
        return free_thread.load() || owner.load() == std::this_thread::get_id();
    }

    // The door of every call, in both modes: the thread check, then one
    // operation at a time (a second one, e.g. from an event handler or two
    // free_thread callers at once, is refused rather than interleaved).
    std::error_code admit(bool allow_any_thread) noexcept {
        if (!allow_any_thread && !caller_allowed()) {
            return make_error_code(error::not_owner);
        }
        std::uint64_t idle = 0;
        if (!running.compare_exchange_strong(idle, ++next_call)) {
            return make_error_code(error::operation_in_progress);
        }
        return {};
    }
    void release() noexcept { running.store(0); }
};

// admit() and release() around a blocking call.
class CallGuard {
  public:
    // `allow_any_thread`: connect() with Option::free_thread.
    CallGuard(CallState& state, std::error_code& ec, bool allow_any_thread = false)
        : state_(state) {
        ec = state.admit(allow_any_thread);
        admitted_ = !ec;
    }
    ~CallGuard() {
        if (admitted_) {
            state_.release();
        }
    }
    CallGuard(const CallGuard&) = delete;
    CallGuard& operator=(const CallGuard&) = delete;

    explicit operator bool() const noexcept { return admitted_; }

  private:
    CallState& state_;
    bool admitted_ = false;
};

}  // namespace smtpkit::client
