// Text from the server or the user, made safe to print on a terminal: an
// escape sequence in a reply must not be able to drive the terminal.
#pragma once

#include <string>
#include <string_view>

namespace smtpkit::cli {

// Control characters (except TAB) and DEL become "\xNN"; everything else,
// UTF-8 included, is kept as it is.
std::string printable(std::string_view text);

}  // namespace smtpkit::cli
