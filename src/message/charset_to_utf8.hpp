// Text in a MIME charset converted to UTF-8.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace smtpkit::message {

// UTF-8, US-ASCII and ISO-8859-1 (and their common aliases) are converted
// here; any other charset name goes to iconv(3). nullopt when the charset is
// unknown or `bytes` is not valid in it. The result is valid UTF-8.
std::optional<std::string> charset_to_utf8(std::string_view charset, std::string_view bytes);

}  // namespace smtpkit::message
