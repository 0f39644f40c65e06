#include "cli/trace_printer.hpp"

#include <algorithm>
#include <cctype>

#include "cli/printable.hpp"

namespace smtpkit::cli {
namespace {

constexpr std::string_view redacted = "<redacted>";

bool starts_with_nocase(std::string_view text, std::string_view prefix) {
    return text.size() >= prefix.size() &&
           std::equal(prefix.begin(), prefix.end(), text.begin(), [](char a, char b) {
               return std::toupper(static_cast<unsigned char>(a)) ==
                      std::toupper(static_cast<unsigned char>(b));
           });
}

// True for the last line of a reply ("250 ok", or a bare "250").
bool is_final_reply_line(std::string_view line) {
    return line.size() == 3 || line[3] == ' ';
}

}  // namespace

std::string TracePrinter::redact_client(std::string_view line) {
    if (starts_with_nocase(line, "AUTH ")) {
        in_auth_ = true;
        // Keep the mechanism, hide an initial response (SASL-IR) if any.
        const std::size_t mech_end = line.find(' ', 5);
        if (mech_end == std::string_view::npos) {
            return std::string(line);
        }
        return std::string(line.substr(0, mech_end + 1)) + std::string(redacted);
    }
    if (in_auth_) {
        return std::string(redacted);
    }
    return std::string(line);
}

std::string TracePrinter::format(TraceDirection direction, std::string_view line) {
    switch (direction) {
        case TraceDirection::client:
            return "C: " + printable(redact_client(line));
        case TraceDirection::server:
            if (in_auth_ && line.size() >= 3 && is_final_reply_line(line) &&
                !line.starts_with("334")) {
                in_auth_ = false;
            }
            return "S: " + printable(line);
        case TraceDirection::info:
            return "* " + printable(line);
    }
    return "* " + printable(line);
}

void TracePrinter::operator()(TraceDirection direction, std::string_view line) {
    *out_ << format(direction, line) << '\n' << std::flush;
}

}  // namespace smtpkit::cli
