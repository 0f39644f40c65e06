// The Windows-style types SocketTools' CSmtpClient is declared with (BOOL,
// INT, UINT, DWORD, LPCTSTR, ...), for the facade in <smtpkit/csmtpclient.h>.
//
// They live in namespace smtpkit::compat, so nothing here can clash with
// another library's BOOL or DWORD; <smtpkit/csmtpclient.h> makes them
// visible in the global namespace (unless SMTPKIT_COMPAT_NO_GLOBAL_NAMES is
// defined), as a ported program expects.
//
// Characters: the ANSI forms are `char` holding UTF-8, the wide forms
// `wchar_t` (converted to and from UTF-8 at the facade's edge). TCHAR,
// LPTSTR and LPCTSTR follow the UNICODE macro as in Windows programs:
// defined, they are the wide forms.
#pragma once

#include <cstdint>

namespace smtpkit::compat {

using BOOL = int;
using INT = int;
using UINT = unsigned int;
using LONG = std::int32_t;
using DWORD = std::uint32_t;
using WORD = std::uint16_t;
using BYTE = std::uint8_t;
using DWORD_PTR = std::uintptr_t;
using WPARAM = std::uintptr_t;
using LPARAM = std::intptr_t;
using LPDWORD = DWORD*;
using LPVOID = void*;
using LPCVOID = const void*;

using CHAR = char;
using WCHAR = wchar_t;
using LPSTR = char*;
using LPCSTR = const char*;
using LPWSTR = wchar_t*;
using LPCWSTR = const wchar_t*;

#ifdef UNICODE
using TCHAR = wchar_t;
#else
using TCHAR = char;
#endif
using LPTSTR = TCHAR*;
using LPCTSTR = const TCHAR*;

// The halves of a message parameter, as the seed's window procedures read
// lParam (LOWORD: the event, HIWORD: the error's low word).
constexpr WORD compat_low_word(std::uintmax_t value) noexcept {
    return static_cast<WORD>(value & 0xFFFFu);
}
constexpr WORD compat_high_word(std::uintmax_t value) noexcept {
    return static_cast<WORD>((value >> 16) & 0xFFFFu);
}

}  // namespace smtpkit::compat

// TRUE and FALSE are macros in Windows headers (and in glib's); defined here
// only where nobody has.
#ifndef TRUE
#define TRUE 1
#endif
#ifndef FALSE
#define FALSE 0
#endif
