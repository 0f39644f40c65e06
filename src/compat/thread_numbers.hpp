// Thread numbers for AttachThread: the seed names threads by a DWORD
// (Windows' thread id); these are small numbers handed out on first use,
// one per std::thread::id, kept for the life of the process.
#pragma once

#include <thread>

#include "smtpkit/compat/types.hpp"

namespace smtpkit::compat {

DWORD number_of(std::thread::id thread);        // 0 for std::thread::id{}
std::thread::id thread_numbered(DWORD number);  // {} for a number never handed out

}  // namespace smtpkit::compat
