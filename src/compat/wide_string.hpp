// The facade's character edge: wide strings (wchar_t: UTF-32 here, UTF-16
// on Windows) to and from UTF-8, and strings copied out into the caller's
// fixed-size buffers as the seed's members do.
#pragma once

#include <string>
#include <string_view>

#include "smtpkit/compat/types.hpp"

namespace smtpkit::compat {

// Null is the empty string. A code point that cannot be written (a lone
// surrogate, a value past U+10FFFF) becomes U+FFFD.
std::string to_utf8(const wchar_t* text);
std::string to_utf8(std::wstring_view text);
// Invalid UTF-8 becomes U+FFFD.
std::wstring to_wide(std::string_view utf8);

// Copies `text` into `buffer` (nMaxLength characters, the NUL included),
// cut to fit; returns the characters copied, or -1 for a null buffer or a
// length below 1.
INT copy_out(std::string_view text, char* buffer, INT max_length);
INT copy_out(std::string_view utf8, wchar_t* buffer, INT max_length);
// True when `text` fits whole.
bool fits(std::string_view text, const char* buffer, INT max_length);
bool fits(std::string_view utf8, const wchar_t* buffer, INT max_length);

}  // namespace smtpkit::compat
