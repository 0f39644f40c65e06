// The Mailer's rate limit: two token buckets (per second, per minute) that
// a message must both find a token in before a session starts it.
#pragma once

#include <chrono>
#include <cstddef>

#include "smtpkit/mailer.hpp"

namespace smtpkit::mailer {

using Clock = std::chrono::steady_clock;

class TokenBucket {
  public:
    TokenBucket() = default;  // no limit
    TokenBucket(double rate_per_second, double capacity, Clock::time_point now);
    bool limited() const noexcept { return rate_ > 0; }
    void refill(Clock::time_point now) noexcept;
    double tokens() const noexcept { return tokens_; }
    void take(double n) noexcept { tokens_ -= n; }
    void give_back(double n) noexcept;
    // How long until one whole token is there (zero when it is).
    Clock::duration until_one() const noexcept;

  private:
    double rate_ = 0;
    double capacity_ = 0;
    double tokens_ = 0;
    Clock::time_point last_{};
};

class RateLimiter {
  public:
    explicit RateLimiter(const RateLimit& limit, Clock::time_point now = Clock::now());
    // Takes up to `wanted` tokens from both buckets; returns how many.
    std::size_t take(std::size_t wanted, Clock::time_point now = Clock::now());
    void give_back(std::size_t n) noexcept;
    // When the next token is due (now when one is there).
    Clock::duration wait(Clock::time_point now = Clock::now());

  private:
    TokenBucket second_;
    TokenBucket minute_;
};

}  // namespace smtpkit::mailer
