// smtpkit's errors as SocketTools' GetLastError codes, and the words for
// each code. The table in docs/porting-from-sockettools.md is this file's.
#pragma once

#include <string>
#include <system_error>

#include "smtpkit/compat/types.hpp"

namespace smtpkit::compat {

// Never 0 for an error; 0 for no error.
DWORD st_error_for(std::error_code ec) noexcept;
// The fixed description of a code ("" for a code that is none of ours).
const char* st_error_description(DWORD code) noexcept;

}  // namespace smtpkit::compat
