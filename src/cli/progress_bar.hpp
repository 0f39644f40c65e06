// A progress bar on stderr for long sends: a message over 1 MB or a batch of
// over 100 messages. Only when stderr is a terminal and not --quiet: a
// redirected stderr (a log, cron's mail) never gets carriage returns and
// escape sequences. It shows the bytes sent of the total, the rate and the
// time left, from Client::transfer_status(); for a batch the messages done
// too. It is drawn on the client's progress events, at most ten times a
// second, and once more at the end; then the line is ended.
//
//   [##############..........]  58%  1.2 MB of 2.0 MB  3.4 MB/s  ETA 0:01
//   [####....................]  17%  35 of 200 messages  0.1 MB  1.0 MB/s  ETA 0:02
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <ostream>
#include <string>

#include "smtpkit/client.hpp"

namespace smtpkit::cli {

inline constexpr std::uint64_t progress_min_bytes = 1024 * 1024;
inline constexpr std::size_t progress_min_messages = 100;

// The line for `status` with `done` of `count` messages, `width` columns
// wide at most; colour marks the bar's filled part.
std::string progress_line(const TransferStatus& status, std::size_t done, std::size_t count,
                          std::size_t width, bool colour);

class ProgressBar {
  public:
    // Watches `client` for the send of `count` messages; draws nothing unless
    // `enabled` (stderr is a terminal, no --quiet) and the send is large.
    ProgressBar(Client& client, std::size_t count, bool enabled, std::ostream& out);
    ~ProgressBar();
    ProgressBar(const ProgressBar&) = delete;
    ProgressBar& operator=(const ProgressBar&) = delete;

  private:
    void on_event(const Event& event);
    bool large(const TransferStatus& status) const;
    void draw(const TransferStatus& status);

    Client& client_;
    std::size_t count_;
    bool enabled_;
    std::ostream& out_;
    bool colour_;
    std::size_t done_ = 0;
    bool drawn_ = false;
    std::chrono::steady_clock::time_point last_{};
};

// True when the bar may be drawn: stderr is a terminal and not --quiet.
bool progress_allowed(bool quiet);

}  // namespace smtpkit::cli
