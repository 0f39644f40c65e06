// This process's resident memory, from /proc/self/status, for tests that
// prove memory stays flat while something large streams.
#pragma once

#include <cstdint>

namespace smtpkit::test {

// VmRSS in octets (0 when /proc cannot be read).
std::uint64_t current_rss_bytes();
// VmHWM in octets: the peak since the process started or since
// reset_peak_rss().
std::uint64_t peak_rss_bytes();
// Makes the peak the current size (Linux: "5" to /proc/self/clear_refs).
void reset_peak_rss();

}  // namespace smtpkit::test
