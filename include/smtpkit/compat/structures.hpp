// The structures CSmtpClient's members take: SMTPMESSAGEEX and SMTPSERVER
// (SubmitMessage), SMTPTRANSFERSTATUS (GetTransferStatus) and SECURITYINFO
// (GetSecurityInformation). Each string-holding one comes in an A form
// (char, UTF-8) and a W form (wchar_t); the plain name follows UNICODE.
#pragma once

#include <cstddef>
#include <cstring>

#include "smtpkit/compat/types.hpp"

namespace smtpkit::compat {

// SocketTools' SMTPMESSAGEEX: a message to compose and submit. Address
// lists are separated by commas or semicolons; Bcc recipients get the
// message and never appear in it. dwSize must be sizeof the structure.
template <class C>
struct BasicSmtpMessageEx {
    DWORD dwSize = 0;
    const C* lpszFrom = nullptr;     // required
    const C* lpszTo = nullptr;       // required: at least one address
    const C* lpszCc = nullptr;       // may be null or empty
    const C* lpszBcc = nullptr;      // may be null or empty
    const C* lpszDate = nullptr;     // RFC 5322 date-time; null or empty: now
    const C* lpszSubject = nullptr;  // may be null
    // More header fields, "Name: value" each, separated by CRLF or LF.
    const C* lpszHeaders = nullptr;
    const C* lpszText = nullptr;  // the plain text body
    const C* lpszHTML = nullptr;  // with lpszText: multipart/alternative
    // Files to attach, separated by semicolons (a file name may hold
    // commas); each goes as an attachment named after the file.
    const C* lpszAttach = nullptr;
    UINT nCharSet = 0;  // MIME_CHARSET_*
    UINT nEncType = 0;  // MIME_ENCODING_*: accepted; smtpkit chooses per part
    DWORD dwReserved = 0;
};
using SMTPMESSAGEEXA = BasicSmtpMessageEx<char>;
using SMTPMESSAGEEXW = BasicSmtpMessageEx<wchar_t>;
using SMTPMESSAGEEX = BasicSmtpMessageEx<TCHAR>;
using LPSMTPMESSAGEEX = SMTPMESSAGEEX*;

// SocketTools' SMTPSERVER: where SubmitMessage sends. A user name turns
// SMTP_OPTION_EXTENDED on and logs in before the message goes.
template <class C>
struct BasicSmtpServer {
    const C* lpszHostName = nullptr;  // required
    const C* lpszUserName = nullptr;  // null or empty: no AUTH
    const C* lpszPassword = nullptr;
    UINT nHostPort = 0;   // 0: 25, or 465 with SMTP_OPTION_SECURE_IMPLICIT
    UINT nTimeout = 0;    // seconds; 0: 20
    DWORD dwOptions = 0;  // SMTP_OPTION_*
    DWORD dwReserved = 0;
};
using SMTPSERVERA = BasicSmtpServer<char>;
using SMTPSERVERW = BasicSmtpServer<wchar_t>;
using SMTPSERVER = BasicSmtpServer<TCHAR>;
using LPSMTPSERVER = SMTPSERVER*;

// SocketTools' SMTPTRANSFERSTATUS: the current or last message's progress.
// Octet counts past 4 GiB saturate at 0xFFFFFFFF.
struct SMTPTRANSFERSTATUS {
    DWORD dwBytesTotal = 0;  // 0 when the size is not known beforehand
    DWORD dwBytesCopied = 0;
    DWORD dwBytesPerSecond = 0;
    DWORD dwTimeElapsed = 0;    // seconds
    DWORD dwTimeEstimated = 0;  // seconds left at the current rate
};
using LPSMTPTRANSFERSTATUS = SMTPTRANSFERSTATUS*;

// What GetSecurityInformation reports about the TLS session (ours: the
// fields of smtpkit::SecurityInfo; long values are cut to fit).
template <class C>
struct BasicSecurityInfo {
    DWORD dwSize = 0;
    BOOL bSecure = 0;            // TLS is up on the connection
    BOOL bImplicit = 0;          // TLS from the first byte, not STARTTLS
    BOOL bVerified = 0;          // chain and host name verified
    DWORD dwCipherStrength = 0;  // bits
    C szProtocol[16] = {};       // "TLSv1.3"
    C szCipher[64] = {};         // "TLS_AES_256_GCM_SHA384"
    C szCertSubject[256] = {};   // RFC 2253
    C szCertIssuer[256] = {};
    C szCertValidFrom[32] = {};  // "2026-01-01T00:00:00Z"
    C szCertValidTo[32] = {};
    C szCertFingerprint[100] = {};  // SHA-256, "AB:CD:..."
    C szVerifyResult[128] = {};     // OpenSSL's words: "ok", "certificate has expired", ...
};
using SECURITYINFOA = BasicSecurityInfo<char>;
using SECURITYINFOW = BasicSecurityInfo<wchar_t>;
using SECURITYINFO = BasicSecurityInfo<TCHAR>;
using LPSECURITYINFO = SECURITYINFO*;

// Windows' ZeroMemory, which SocketTools' examples clear structures with.
inline void compat_zero_memory(void* destination, std::size_t length) noexcept {
    std::memset(destination, 0, length);
}

}  // namespace smtpkit::compat
