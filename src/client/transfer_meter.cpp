#include "client/transfer_meter.hpp"

namespace smtpkit::client {

void TransferMeter::begin(std::uint64_t total) {
    std::lock_guard lock(mutex_);
    status_ = TransferStatus{};
    status_.total = total;
    status_.active = true;
    start_ = Clock::now();
}

void TransferMeter::add(std::uint64_t octets) {
    std::lock_guard lock(mutex_);
    status_.copied += octets;
}

void TransferMeter::end() {
    std::lock_guard lock(mutex_);
    if (!status_.active) {
        return;
    }
    status_.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start_);
    status_.active = false;
}

// Rate and estimate are worked out when asked, from the elapsed time.
TransferStatus TransferMeter::status() const {
    std::lock_guard lock(mutex_);
    TransferStatus s = status_;
    if (s.active) {
        s.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start_);
    }
    const auto ms = static_cast<std::uint64_t>(s.elapsed.count());
    if (ms > 0) {
        s.bytes_per_second = s.copied * 1000 / ms;
    } else if (s.copied > 0) {
        s.bytes_per_second = s.copied * 1000;  // under a millisecond: at least this fast
    }
    if (s.active && s.total > s.copied && s.bytes_per_second > 0) {
        s.estimated = std::chrono::milliseconds((s.total - s.copied) * 1000 / s.bytes_per_second);
    }
    return s;
}

}  // namespace smtpkit::client
