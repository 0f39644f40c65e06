// How long the next wait may last: the per-wait timeout, cut short by the
// deadline of the whole call when one is set. A server that answers each
// read just in time, one byte at a time, meets the deadline instead.
#pragma once

#include <algorithm>
#include <chrono>
#include <optional>
#include <system_error>

#include "smtpkit/error.hpp"

namespace smtpkit::client {

struct WaitLimits {
    using Clock = std::chrono::steady_clock;

    Clock::duration timeout = std::chrono::seconds(60);
    std::optional<Clock::time_point> deadline;  // none: only the per-wait timeout

    // The limit for a wait starting now: never more than what is left of the
    // deadline (at least a tick, so an expired deadline times out at once).
    Clock::duration next() const {
        if (!deadline) {
            return timeout;
        }
        const Clock::duration left = *deadline - Clock::now();
        return std::clamp(left, Clock::duration(1), timeout);
    }
    // A timeout that ran into the deadline is the deadline's.
    std::error_code explain(std::error_code ec) const {
        if (ec == error::timeout && deadline && Clock::now() >= *deadline) {
            return make_error_code(error::deadline_exceeded);
        }
        return ec;
    }
};

}  // namespace smtpkit::client
