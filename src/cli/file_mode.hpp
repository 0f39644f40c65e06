// Who else may read or change a file: the checks behind the warnings and
// refusals about secrets and configuration files.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

namespace smtpkit::cli {

// The permission bits as chmod takes them: "0644".
std::string mode_text(mode_t mode);

// The file's mode when group or others may read it; nullopt when they may
// not, or when the file cannot be looked at (reading it will say why).
std::optional<mode_t> readable_by_others(const std::string& path);

}  // namespace smtpkit::cli
