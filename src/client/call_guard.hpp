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
    std::atomic<std::uint64_t> running{0};      // the call in progress; 0: none
    std::uint64_t calls = 0;                    // touched only by the caller of the moment
    std::atomic<std::uint64_t> async_calls{0};  // asynchronous clients' calls (any thread)

    bool caller_allowed() const noexcept {
        return free_thread.load() || owner.load() == std::this_thread::get_id();
    }
};

class CallGuard {
  public:
    // `allow_any_thread`: connect() with Option::free_thread.
    CallGuard(CallState& state, std::error_code& ec, bool allow_any_thread = false)
        : state_(state) {
        if (!allow_any_thread && !state.caller_allowed()) {
            ec = make_error_code(error::not_owner);
            return;
        }
        admitted_ = true;
        state_.running.store(++state_.calls);
    }
    ~CallGuard() {
        if (admitted_) {
            state_.running.store(0);
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
