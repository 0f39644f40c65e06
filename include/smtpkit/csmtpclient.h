// SocketTools' CSmtpClient on smtpkit: include this instead of cstools10.h.
//
//   #include <smtpkit/csmtpclient.h>
//
//   CSmtpClient client;
//   if (!client.Connect(_T("mail.example.com"), 587, 30, SMTP_OPTION_SECURE, NULL, WM_NULL)) ...
//   client.Authenticate(_T("user"), _T("password"));
//   client.SendMessage(_T("me@example.com"), _T("you@example.org"), lpszMessage);
//   client.Disconnect();
//
// Everything is declared in namespace smtpkit::compat; this header makes it
// visible in the global namespace as well, as a SocketTools program expects
// (define SMTPKIT_COMPAT_NO_GLOBAL_NAMES to keep it qualified). UNICODE
// selects the wide TCHAR, as in Windows programs; _T() and TEXT() are
// defined where nobody has defined them. See docs/porting-from-sockettools.md.
#pragma once

#include "smtpkit/compat/constants.hpp"
#include "smtpkit/compat/csmtpclient_class.hpp"
#include "smtpkit/compat/events.hpp"
#include "smtpkit/compat/structures.hpp"
#include "smtpkit/compat/types.hpp"

#ifndef SMTPKIT_COMPAT_NO_GLOBAL_NAMES
using namespace smtpkit::compat;  // NOLINT(google-global-names-in-headers): the point of it
#endif

#ifndef SMTPKIT_COMPAT_NO_TCHAR_MACROS
#ifndef _T
#ifdef UNICODE
#define _T(text) L##text
#else
#define _T(text) text
#endif
#endif
#ifndef TEXT
#define TEXT(text) _T(text)
#endif
#ifndef LOWORD
#define LOWORD(value) (::smtpkit::compat::compat_low_word(static_cast<std::uintmax_t>(value)))
#endif
#ifndef HIWORD
#define HIWORD(value) (::smtpkit::compat::compat_high_word(static_cast<std::uintmax_t>(value)))
#endif
#ifndef ZeroMemory
#define ZeroMemory(destination, length) \
    (::smtpkit::compat::compat_zero_memory((destination), (length)))
#endif
#endif
