#include "cli/progress_bar.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdio>

#include "cli/terminal.hpp"

namespace smtpkit::cli {
namespace {

constexpr std::size_t bar_width = 24;
constexpr auto redraw_interval = std::chrono::milliseconds(100);

std::string megabytes(std::uint64_t bytes) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f MB", static_cast<double>(bytes) / 1e6);
    return text;
}

std::string duration(std::chrono::milliseconds ms) {
    const auto seconds = ms.count() / 1000;
    char text[32];
    std::snprintf(text, sizeof text, "%lld:%02lld", static_cast<long long>(seconds / 60),
                  static_cast<long long>(seconds % 60));
    return text;
}

std::size_t terminal_width() {
    winsize size{};
    if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) {
        return size.ws_col;
    }
    return 80;
}

// How far along, 0..1: by bytes when the total is known, else by messages.
double fraction(const TransferStatus& s, std::size_t done, std::size_t count) {
    if (s.total > 0) {
        return std::min(1.0, static_cast<double>(s.copied) / static_cast<double>(s.total));
    }
    return count > 0 ? static_cast<double>(done) / static_cast<double>(count) : 0.0;
}

}  // namespace

std::string progress_line(const TransferStatus& s, std::size_t done, std::size_t count,
                          std::size_t width, bool colour) {
    const double f = fraction(s, done, count);
    const auto filled = static_cast<std::size_t>(f * bar_width);
    std::string line = "[" + paint(std::string(filled, '#'), Colour::green, colour) +
                       std::string(bar_width - filled, '.') + "]";
    char percent[8];
    std::snprintf(percent, sizeof percent, " %3d%%", static_cast<int>(f * 100));
    line += percent;
    if (count > 1) {
        line += "  " + std::to_string(done) + " of " + std::to_string(count) + " messages";
    }
    line += "  " + megabytes(s.copied);
    if (s.total > 0 && count <= 1) {
        line += " of " + megabytes(s.total);
    }
    line += "  " + megabytes(s.bytes_per_second) + "/s";
    if (s.estimated.count() > 0) {
        line += "  ETA " + duration(s.estimated);
    }
    // The escape sequences take no columns; cut plain text only.
    if (!colour && line.size() > width - 1) {
        line.resize(width - 1);
    }
    return line;
}

bool progress_allowed(bool quiet) {
    return !quiet && is_terminal(STDERR_FILENO);
}

ProgressBar::ProgressBar(Client& client, std::size_t count, bool enabled, std::ostream& out)
    : client_(client),
      count_(count),
      enabled_(enabled),
      out_(out),
      colour_(colour_enabled(STDERR_FILENO)) {
    if (enabled_) {
        client_.set_event_handler([this](const Event& event) { on_event(event); });
    }
}

ProgressBar::~ProgressBar() {
    if (!enabled_) {
        return;
    }
    client_.set_event_handler({});
    const TransferStatus status = client_.transfer_status();
    if (drawn_ || large(status)) {
        draw(status);
        out_ << '\n' << std::flush;
    }
}

bool ProgressBar::large(const TransferStatus& s) const {
    return count_ > progress_min_messages || s.total > progress_min_bytes ||
           s.copied > progress_min_bytes;
}

void ProgressBar::on_event(const Event& event) {
    if (event.kind != EventKind::progress) {
        return;
    }
    if (event.total > 0 && event.bytes == event.total) {
        ++done_;
    }
    const TransferStatus status = client_.transfer_status();
    const auto now = std::chrono::steady_clock::now();
    if (!large(status) || (drawn_ && now - last_ < redraw_interval)) {
        return;
    }
    last_ = now;
    draw(status);
}

void ProgressBar::draw(const TransferStatus& status) {
    out_ << '\r' << progress_line(status, done_, count_, terminal_width(), colour_) << "\033[K"
         << std::flush;
    drawn_ = true;
}

}  // namespace smtpkit::cli
