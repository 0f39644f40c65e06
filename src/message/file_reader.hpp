// A file opened for one send, checked against the size it had when it was
// added to a message (a MessageSource::from_file, an attachment), so a file
// changed since then fails before any of it goes out.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <system_error>

#include "smtpkit/message_source.hpp"

namespace smtpkit::message {

// A Reader over `path`; on failure an errno (cannot open), source_truncated
// or source_grew (the size differs from `expected_size`) in `ec`.
MessageSource::Reader open_file_reader(const std::filesystem::path& path,
                                       std::optional<std::uint64_t> expected_size,
                                       std::error_code& ec);

}  // namespace smtpkit::message
