#include "compat/trace_file.hpp"

#include <filesystem>
#include <system_error>

namespace smtpkit::compat {

bool TraceFile::open(const std::string& path) {
    auto sink = std::make_shared<Sink>();
    sink->out.open(path, std::ios::out | std::ios::app | std::ios::binary);
    if (!sink->out) {
        return false;
    }
    sink_ = std::move(sink);
    return true;
}

void TraceFile::close() {
    if (sink_) {
        std::lock_guard lock(sink_->mutex);
        sink_->out.close();
    }
    sink_.reset();
}

TraceHandler TraceFile::handler() {
    return [sink = sink_](TraceDirection direction, std::string_view line) {
        static constexpr const char* prefixes[] = {"C: ", "S: ", "* "};
        std::lock_guard lock(sink->mutex);
        if (sink->out.is_open()) {
            sink->out << prefixes[static_cast<int>(direction)] << line << '\n' << std::flush;
        }
    };
}

std::string TraceFile::default_path() {
    std::error_code ec;
    std::filesystem::path dir = std::filesystem::temp_directory_path(ec);
    if (ec) {
        dir = ".";
    }
    return (dir / "smtpkit-trace.log").string();
}

}  // namespace smtpkit::compat
