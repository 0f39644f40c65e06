#include "support/process_memory.hpp"

#include <fstream>
#include <sstream>
#include <string>

namespace smtpkit::test {
namespace {

std::uint64_t status_kib(const std::string& key) {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind(key + ":", 0) == 0) {
            std::istringstream value(line.substr(key.size() + 1));
            std::uint64_t kib = 0;
            value >> kib;
            return kib;
        }
    }
    return 0;
}

}  // namespace

std::uint64_t current_rss_bytes() {
    return status_kib("VmRSS") * 1024;
}

std::uint64_t peak_rss_bytes() {
    return status_kib("VmHWM") * 1024;
}

void reset_peak_rss() {
    std::ofstream("/proc/self/clear_refs") << "5";
}

}  // namespace smtpkit::test
