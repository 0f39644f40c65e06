// One failure as the facade reports it: the seed's code, smtpkit's error
// behind it and smtpkit's words about it.
#pragma once

#include <string>
#include <system_error>

#include "smtpkit/compat/types.hpp"

namespace smtpkit::compat {

struct ErrorRecord {
    DWORD code = 0;
    std::error_code ec;  // smtpkit's error behind the code, when there is one
    std::string detail;  // smtpkit's words about it (last_error_detail(), what())
};

}  // namespace smtpkit::compat
