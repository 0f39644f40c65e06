// The media type (RFC 2046) of an attachment, from its file name's
// extension: a fixed table of common types, compared without regard to case.
// Anything else is application/octet-stream, which every reader can save.
#pragma once

#include <string_view>

namespace smtpkit::message {

inline constexpr std::string_view default_media_type = "application/octet-stream";

// "report.PDF" -> "application/pdf", "C:\\mail\\note.eml" -> "message/rfc822",
// "archive.tar.gz" -> "application/gzip", "README" -> default_media_type.
// Only the part after the last '/' or '\' is looked at, so a directory name
// with a dot does not count.
std::string_view media_type_for(std::string_view file_name) noexcept;

}  // namespace smtpkit::message
