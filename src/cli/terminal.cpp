#include "cli/terminal.hpp"

#include <unistd.h>

#include <cstdlib>
#include <iostream>

namespace smtpkit::cli {
namespace {

const char* code(Colour colour) {
    switch (colour) {
        case Colour::red:
            return "\033[31m";
        case Colour::green:
            return "\033[32m";
        case Colour::yellow:
            return "\033[33m";
        case Colour::bold:
            return "\033[1m";
    }
    return "";
}

// `line` with its first `prefix` painted, when it starts with it.
std::string mark(const std::string& line, std::string_view prefix, Colour colour) {
    if (!line.starts_with(prefix) || !colour_enabled(STDERR_FILENO)) {
        return line;
    }
    return paint(prefix, colour, true) + line.substr(prefix.size());
}

}  // namespace

bool is_terminal(int fd) {
    return ::isatty(fd) == 1;
}

bool colour_enabled(int fd) {
    const char* no_color = std::getenv("NO_COLOR");
    if (no_color != nullptr && *no_color != '\0') {
        return false;
    }
    const char* term = std::getenv("TERM");
    if (term != nullptr && std::string_view(term) == "dumb") {
        return false;
    }
    return is_terminal(fd);
}

std::string paint(std::string_view text, Colour colour, bool enabled) {
    if (!enabled) {
        return std::string(text);
    }
    return std::string(code(colour)) + std::string(text) + "\033[0m";
}

void print_error(const std::string& line) {
    std::cerr << mark(line, "smtpkit:", Colour::red) << '\n';
}

void print_warning(const std::string& line) {
    std::cerr << mark(line, "smtpkit: warning:", Colour::yellow) << '\n';
}

}  // namespace smtpkit::cli
