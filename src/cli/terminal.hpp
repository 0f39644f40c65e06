// Colours, and only on a terminal: stdout or stderr redirected to a file or
// a pipe gets plain text, and so does everyone who sets NO_COLOR
// (https://no-color.org: present and not empty) or TERM=dumb. The text is
// the same with or without colour; colour only marks it.
#pragma once

#include <string>
#include <string_view>

namespace smtpkit::cli {

enum class Colour { red, green, yellow, bold };

bool is_terminal(int fd);

// True when `fd` is a terminal and neither NO_COLOR nor TERM=dumb says no.
bool colour_enabled(int fd);

// `text` wrapped in the colour's escape sequences when `enabled`.
std::string paint(std::string_view text, Colour colour, bool enabled);

// An "smtpkit: ..." line on stderr; on a terminal its "smtpkit:" is red
// (an error) or its "warning:" yellow (a warning).
void print_error(const std::string& line);
void print_warning(const std::string& line);

}  // namespace smtpkit::cli
