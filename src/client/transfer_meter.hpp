// Counts the content octets of a send for transfer_status(), which any
// thread may call while the owner's send runs.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>

#include "smtpkit/transfer_status.hpp"

namespace smtpkit::client {

class TransferMeter {
  public:
    using Clock = std::chrono::steady_clock;

    void begin(std::uint64_t total);  // 0: not known
    void add(std::uint64_t octets);
    void end();
    TransferStatus status() const;

  private:
    mutable std::mutex mutex_;
    TransferStatus status_;
    Clock::time_point start_{};
};

}  // namespace smtpkit::client
