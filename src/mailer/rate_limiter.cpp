#include "mailer/rate_limiter.hpp"

#include <algorithm>
#include <cmath>

namespace smtpkit::mailer {

TokenBucket::TokenBucket(double rate_per_second, double capacity, Clock::time_point now)
    : rate_(rate_per_second), capacity_(std::max(1.0, capacity)), tokens_(capacity_), last_(now) {}

void TokenBucket::refill(Clock::time_point now) noexcept {
    if (!limited() || now <= last_) {
        return;
    }
    const double elapsed = std::chrono::duration<double>(now - last_).count();
    tokens_ = std::min(capacity_, tokens_ + elapsed * rate_);
    last_ = now;
}

void TokenBucket::give_back(double n) noexcept {
    tokens_ = std::min(capacity_, tokens_ + n);
}

Clock::duration TokenBucket::until_one() const noexcept {
    if (!limited() || tokens_ >= 1.0) {
        return Clock::duration::zero();
    }
    const std::chrono::duration<double> seconds((1.0 - tokens_) / rate_);
    // Rounded up, so that the token is there when the wait ends.
    return std::chrono::ceil<Clock::duration>(seconds) + std::chrono::microseconds(100);
}

namespace {

// The default burst: a tenth of a second at the per-second rate, a second at
// the per-minute rate: small, so that the rate holds over short spans too.
double burst_for(const RateLimit& limit, double rate_per_second, double default_span) {
    if (limit.burst > 0) {
        return static_cast<double>(limit.burst);
    }
    return std::max(1.0, std::floor(rate_per_second * default_span));
}

TokenBucket bucket(const RateLimit& limit, double per_second, double span, Clock::time_point now) {
    if (per_second <= 0) {
        return {};
    }
    return {per_second, burst_for(limit, per_second, span), now};
}

}  // namespace

RateLimiter::RateLimiter(const RateLimit& limit, Clock::time_point now)
    : second_(bucket(limit, limit.per_second, 0.1, now)),
      minute_(bucket(limit, limit.per_minute / 60.0, 1.0, now)) {}

std::size_t RateLimiter::take(std::size_t wanted, Clock::time_point now) {
    std::size_t n = wanted;
    for (TokenBucket* b : {&second_, &minute_}) {
        if (b->limited()) {
            b->refill(now);
            n = std::min(n, static_cast<std::size_t>(std::max(0.0, std::floor(b->tokens()))));
        }
    }
    for (TokenBucket* b : {&second_, &minute_}) {
        if (b->limited()) {
            b->take(static_cast<double>(n));
        }
    }
    return n;
}

void RateLimiter::give_back(std::size_t n) noexcept {
    second_.give_back(static_cast<double>(n));
    minute_.give_back(static_cast<double>(n));
}

Clock::duration RateLimiter::wait(Clock::time_point now) {
    second_.refill(now);
    minute_.refill(now);
    return std::max(second_.until_one(), minute_.until_one());
}

}  // namespace smtpkit::mailer
