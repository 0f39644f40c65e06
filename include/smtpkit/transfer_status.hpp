// The seed's GetTransferStatus: how far the current (or last) send has got.
#pragma once

#include <chrono>
#include <cstdint>

namespace smtpkit {

struct TransferStatus {
    // Octets of message content in this send() / send_many(); 0 when a
    // message's size was not known beforehand (then `copied` is the count).
    std::uint64_t total = 0;
    std::uint64_t copied = 0;  // octets of content handed to the connection so far
    std::uint64_t bytes_per_second = 0;
    std::chrono::milliseconds elapsed{0};  // since the send began (frozen when it ends)
    // Time left at the current rate; 0 when done or when it cannot be told
    // (unknown total, nothing copied yet).
    std::chrono::milliseconds estimated{0};
    bool active = false;  // a send is in progress
};

}  // namespace smtpkit
