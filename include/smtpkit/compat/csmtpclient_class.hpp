// CSmtpClient: SocketTools' SMTP client class, as a thin facade over
// smtpkit::Client and smtpkit::Message. Include <smtpkit/csmtpclient.h>
// rather than this file: it also brings the names into the global namespace
// and selects TCHAR. docs/porting-from-sockettools.md lists every member,
// what it maps to and how it differs.
//
// Every string parameter has an ANSI form (char, UTF-8) and a wide form
// (wchar_t, converted to UTF-8); both are always callable, and TCHAR picks
// one as UNICODE says. BOOL members return non-zero on success; INT members
// return SMTP_ERROR (-1) on failure, 0 (or the documented count) on
// success. After a failure GetLastError() gives an ST_ERROR_* code and
// GetErrorString() its description; GetResultCode() and GetResultString()
// give the server's last reply.
//
// Threads: the instance belongs to the thread that created it (or the one
// AttachThread names); a call from another thread fails with
// ST_ERROR_NOT_HANDLE_OWNER and changes nothing, unless the connection was
// made with SMTP_OPTION_FREETHREAD. Cancel(), GetStatus(), IsBlocking(),
// GetTransferStatus() and AttachThread() may be called from any thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "smtpkit/address.hpp"
#include "smtpkit/compat/constants.hpp"
#include "smtpkit/compat/events.hpp"
#include "smtpkit/compat/structures.hpp"
#include "smtpkit/compat/types.hpp"
#include "smtpkit/envelope.hpp"

namespace smtpkit {
class Client;
}

namespace smtpkit::compat {

// The calling thread's number, as AttachThread takes it (the stand-in for
// Windows' GetCurrentThreadId): small, stable for the thread's life.
DWORD GetCurrentThreadId();

class CSmtpClient {
  public:
    CSmtpClient();
    ~CSmtpClient();  // cancels and closes whatever is open
    CSmtpClient(const CSmtpClient&) = delete;
    CSmtpClient& operator=(const CSmtpClient&) = delete;

    // --- the session ---------------------------------------------------------
    // The seed's Connect: port 0 is 25 (465 with SMTP_OPTION_SECURE_IMPLICIT),
    // 587 turns SMTP_OPTION_EXTENDED on, nTimeout is in seconds (0: 20).
    // Options 0 is plain SMTP: HELO, no TLS. With an event target the call
    // returns at once and SMTP_EVENT_CONNECT reports the outcome; without
    // one it blocks until the session is ready or has failed.
    BOOL Connect(LPCSTR lpszRemoteHost, UINT nRemotePort = 0, UINT nTimeout = 0,
                 DWORD dwOptions = SMTP_OPTION_NONE, SmtpEventTarget eventTarget = nullptr,
                 UINT uEventMsg = WM_NULL);
    BOOL Connect(LPCWSTR lpszRemoteHost, UINT nRemotePort = 0, UINT nTimeout = 0,
                 DWORD dwOptions = SMTP_OPTION_NONE, SmtpEventTarget eventTarget = nullptr,
                 UINT uEventMsg = WM_NULL);
    // QUIT, then close (the connection is closed whatever QUIT gets).
    BOOL Disconnect();
    // AUTH. For SMTP_AUTH_XOAUTH2 and SMTP_AUTH_BEARER the password is the
    // bearer token. A mechanism the server does not offer fails with
    // ST_ERROR_INVALID_AUTHENTICATION_TYPE.
    INT Authenticate(LPCSTR lpszUserName, LPCSTR lpszPassword, UINT nAuthType = SMTP_AUTH_LOGIN);
    INT Authenticate(LPCWSTR lpszUserName, LPCWSTR lpszPassword, UINT nAuthType = SMTP_AUTH_LOGIN);

    BOOL IsConnected();
    BOOL IsBlocking();  // a call of this instance is in progress (any thread may ask)
    // Something from the server waits to be read between calls (a reply
    // nobody asked for, such as a 421, or the end of the connection),
    // waiting up to nTimeout milliseconds for it. *lpdwAvail: 1 if so, else 0.
    BOOL IsReadable(INT nTimeout = 0, LPDWORD lpdwAvail = nullptr);
    BOOL IsWritable(INT nTimeout = 0);  // connected, and no call in progress
    INT GetStatus();                    // SMTP_STATUS_*
    UINT GetTimeout();                  // seconds
    BOOL SetTimeout(UINT nTimeout);     // seconds; a connected client uses it from the next call
    BOOL Cancel();  // ends the call in progress (any thread); the connection is closed
    // Gives the instance to dwThreadId (0: the calling thread); returns the
    // previous owner's number.
    DWORD AttachThread(DWORD dwThreadId = 0);
    std::thread::id AttachThread(std::thread::id thread);

    // --- sending -------------------------------------------------------------------
    // A complete RFC 5322 message to every address in lpszRecipients
    // (separated by commas or semicolons; the headers are not read for
    // recipients). SMTP_MESSAGE_MEMORY: lpvMessage holds dwMessageSize
    // octets, or (size 0) a NUL-terminated string (the wide form: a wide
    // string, sent as UTF-8). SMTP_MESSAGE_FILE: lpvMessage is a file name.
    INT SendMessage(LPCSTR lpszFrom, LPCSTR lpszRecipients, LPCVOID lpvMessage,
                    DWORD dwMessageSize = 0, DWORD dwOptions = SMTP_MESSAGE_MEMORY);
    INT SendMessage(LPCWSTR lpszFrom, LPCWSTR lpszRecipients, LPCVOID lpvMessage,
                    DWORD dwMessageSize = 0, DWORD dwOptions = SMTP_MESSAGE_MEMORY);
    // Composes the message (smtpkit::Message) and submits it in one call:
    // connect, log in when a user name is given, send, disconnect. The
    // client must not be connected.
    BOOL SubmitMessage(const SMTPMESSAGEEXA* lpMessage, const SMTPSERVERA* lpServer);
    BOOL SubmitMessage(const SMTPMESSAGEEXW* lpMessage, const SMTPSERVERW* lpServer);

    // The step-by-step transaction: MAIL FROM (dwMessageSize 0: unknown), one
    // RCPT per AddRecipient with its own reply (a refused recipient fails
    // that call with ST_ERROR_RECIPIENT_REFUSED and the transaction goes
    // on), the content in pieces (any line ends), the end of data.
    INT CreateMessage(LPCSTR lpszSender, DWORD dwMessageSize = 0);
    INT CreateMessage(LPCWSTR lpszSender, DWORD dwMessageSize = 0);
    INT AddRecipient(LPCSTR lpszAddress);
    INT AddRecipient(LPCWSTR lpszAddress);
    INT Write(LPCVOID lpvBuffer, INT cbBuffer);  // returns cbBuffer on success
    INT Write(LPCSTR lpszText);                  // a NUL-terminated string
    INT Write(LPCWSTR lpszText);                 // sent as UTF-8
    INT AppendMessage(LPCVOID lpvBuffer, INT cbBuffer) { return Write(lpvBuffer, cbBuffer); }
    // The verdict: 0 when the server took the message. A reply lost after
    // the end of data fails with ST_ERROR_DELIVERY_STATUS_UNKNOWN: the
    // message may or may not have been taken.
    INT CloseMessage();

    // --- commands ------------------------------------------------------------------
    BOOL VerifyAddress(LPCSTR lpszAddress);  // VRFY: TRUE for 250, 251, 252
    BOOL VerifyAddress(LPCWSTR lpszAddress);
    // EXPN, the reply parsed into mailboxes: their addresses, separated by
    // commas, go in lpszBuffer (a recipient list for SendMessage). Returns
    // how many, or SMTP_ERROR.
    INT ExpandAddress(LPCSTR lpszAddress, LPSTR lpszBuffer, INT nMaxLength);
    INT ExpandAddress(LPCWSTR lpszAddress, LPWSTR lpszBuffer, INT nMaxLength);
    // The same with display names kept (ours).
    std::vector<smtpkit::Mailbox> ExpandAddress(LPCSTR lpszAddress);
    // Any command ("NOOP", "HELP", "ETRN"), lpszParameter appended after a
    // space. Returns the reply code (whatever it is), or SMTP_ERROR.
    INT Command(LPCSTR lpszCommand, LPCSTR lpszParameter = nullptr);
    INT Command(LPCWSTR lpszCommand, LPCWSTR lpszParameter = nullptr);
    BOOL Reset();  // RSET; abandons a message begun with CreateMessage
    BOOL GetExtendedOptions(LPDWORD lpdwOptions);  // SMTP_EXTOPT_*
    // Session-wide DSN defaults (SMTP_NOTIFY_*, SMTP_RETURN_*) and an
    // envelope id, for every later message; dropped where the server does
    // not offer DSN.
    BOOL SetDeliveryOptions(DWORD dwOptions, LPCSTR lpszEnvelopeId = nullptr);
    BOOL SetDeliveryOptions(DWORD dwOptions, LPCWSTR lpszEnvelopeId);
    BOOL GetDeliveryOptions(LPDWORD lpdwOptions);
    BOOL GetDeliveryOptions(LPDWORD lpdwOptions, LPSTR lpszEnvelopeId, INT nMaxLength);
    BOOL GetDeliveryOptions(LPDWORD lpdwOptions, LPWSTR lpszEnvelopeId, INT nMaxLength);

    // --- results and errors -----------------------------------------------------
    INT GetResultCode();  // the last reply's code; 0 before any
    // The last reply's text (its lines joined by LF); returns the length
    // copied (cut to nMaxLength - 1), or SMTP_ERROR.
    INT GetResultString(LPSTR lpszResult, INT nMaxLength);
    INT GetResultString(LPWSTR lpszResult, INT nMaxLength);
    // The last error of this thread's calls on this instance (0: none).
    DWORD GetLastError();
    // The description of dwErrorCode; for GetLastError()'s code it adds
    // smtpkit's own words (which error, and why).
    INT GetErrorString(DWORD dwErrorCode, LPSTR lpszDescription, INT nMaxLength);
    INT GetErrorString(DWORD dwErrorCode, LPWSTR lpszDescription, INT nMaxLength);
    BOOL GetTransferStatus(LPSMTPTRANSFERSTATUS lpStatus);
    BOOL GetSecurityInformation(SECURITYINFOA* lpSecurityInfo);
    BOOL GetSecurityInformation(SECURITYINFOW* lpSecurityInfo);

    // --- events ----------------------------------------------------------------------
    // On: to the target given here (or to Connect) and to RegisterEvent's
    // callbacks. A target makes the session asynchronous (IsBlocking()
    // false between calls, READ and WRITE notified, Connect returns at once).
    BOOL EnableEvents();
    BOOL EnableEvents(SmtpEventTarget eventTarget, UINT uEventMsg);
    BOOL DisableEvents();             // off, and back to a blocking session
    BOOL FreezeEvents(BOOL bFreeze);  // held, in order, until unfrozen
    // One callback per event kind (a later one replaces it; nullptr removes
    // it). Registering turns events on.
    BOOL RegisterEvent(UINT nEventId, SMTPEVENTPROC lpEventProc, DWORD_PTR dwParam = 0);

    // --- trace -------------------------------------------------------------------------
    // The dialogue, appended to lpszTraceFile (null or none given: a file
    // "smtpkit-trace.log" in the temporary directory), credentials redacted.
    BOOL EnableTrace();
    BOOL EnableTrace(LPCSTR lpszTraceFile, DWORD dwTraceFlags = TRACE_INFO);
    BOOL EnableTrace(LPCWSTR lpszTraceFile, DWORD dwTraceFlags = TRACE_INFO);
    BOOL DisableTrace();

    // --- settings SocketTools takes elsewhere (ours) ----------------------------------
    // The proxy or port forward SMTP_OPTION_TUNNEL goes through (SMTP_PROXY_*).
    BOOL SetProxy(UINT nProxyType, LPCSTR lpszHost, UINT nPort, LPCSTR lpszUserName = nullptr,
                  LPCSTR lpszPassword = nullptr);
    BOOL SetProxy(UINT nProxyType, LPCWSTR lpszHost, UINT nPort, LPCWSTR lpszUserName = nullptr,
                  LPCWSTR lpszPassword = nullptr);
    // The name said in EHLO/HELO (SmtpConnect's lpszLocalName); default: the
    // machine's host name.
    BOOL SetLocalName(LPCSTR lpszLocalName);
    BOOL SetLocalName(LPCWSTR lpszLocalName);
    // Trust anchors and a client certificate for TLS (SmtpConnect's
    // lpCredentials): PEM files; null keeps the system's trust store.
    BOOL SetSecurityCredentials(LPCSTR lpszCaFile, LPCSTR lpszCertFile = nullptr,
                                LPCSTR lpszKeyFile = nullptr, LPCSTR lpszKeyPassword = nullptr);
    BOOL SetSecurityCredentials(LPCWSTR lpszCaFile, LPCWSTR lpszCertFile = nullptr,
                                LPCWSTR lpszKeyFile = nullptr, LPCWSTR lpszKeyPassword = nullptr);
    // DANGEROUS: lets Authenticate send passwords and tokens over a session
    // without TLS (SocketTools does by default; smtpkit refuses with
    // ST_ERROR_AUTHENTICATION_INSECURE). Takes effect at the next Connect.
    BOOL AllowInsecureAuthentication(BOOL bAllow);

    // --- the modern view (ours) ----------------------------------------------------------
    std::error_code GetLastErrorCode();  // smtpkit's error behind GetLastError()
    // The last SendMessage, SubmitMessage or CloseMessage: verdict, every
    // recipient's reply, the final reply.
    const smtpkit::SendResult& GetLastSendResult() const;
    smtpkit::Client& GetClient();  // the session itself, for code moving to smtpkit

    struct State;  // src/compat/state.hpp

  private:
    std::unique_ptr<State> state_;
};

}  // namespace smtpkit::compat
