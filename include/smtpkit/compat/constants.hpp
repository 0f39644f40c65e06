// The constants of SocketTools' CSmtpClient, with the names its
// documentation uses. Where SocketTools' published documentation gives a
// value it is used; the others are smtpkit's own (marked "ours"), chosen not
// to collide with the published ones. docs/porting-from-sockettools.md says
// where each value comes from. Code that uses the names ports unchanged;
// code that hard-codes the numbers marked "ours" does not.
#pragma once

#include "smtpkit/compat/types.hpp"

namespace smtpkit::compat {

// Returned by the INT members on failure (GetLastError says why).
inline constexpr INT SMTP_ERROR = -1;

// --- Connect options (dwOptions) --------------------------------------------
// TUNNEL, TRUSTEDSITE, SECURE, SECURE_IMPLICIT and SECURE_FALLBACK: the
// values of SocketTools 11's SMTP control (smtpOption*: &H400 ... &H8000).
inline constexpr DWORD SMTP_OPTION_NONE = 0x00000000;
inline constexpr DWORD SMTP_OPTION_EXTENDED = 0x00000001;  // ours
inline constexpr DWORD SMTP_OPTION_TUNNEL = 0x00000400;
inline constexpr DWORD SMTP_OPTION_TRUSTEDSITE = 0x00000800;
inline constexpr DWORD SMTP_OPTION_SECURE = 0x00001000;
inline constexpr DWORD SMTP_OPTION_SECURE_IMPLICIT = 0x00002000;
inline constexpr DWORD SMTP_OPTION_SECURE_FALLBACK = 0x00008000;
inline constexpr DWORD SMTP_OPTION_PREFER_IPV6 = 0x00010000;  // ours
inline constexpr DWORD SMTP_OPTION_FREETHREAD = 0x00080000;   // ours

// --- events (the low word of the seed's lParam) ------------------------------ ours
inline constexpr UINT SMTP_EVENT_CONNECT = 1;
inline constexpr UINT SMTP_EVENT_DISCONNECT = 2;
inline constexpr UINT SMTP_EVENT_READ = 3;
inline constexpr UINT SMTP_EVENT_WRITE = 4;
inline constexpr UINT SMTP_EVENT_TIMEOUT = 5;
inline constexpr UINT SMTP_EVENT_CANCEL = 6;
inline constexpr UINT SMTP_EVENT_COMMAND = 7;
inline constexpr UINT SMTP_EVENT_PROGRESS = 8;

// Window message numbers, as Windows defines them: the seed passes WM_NULL
// without an event window and a number above WM_USER with one.
inline constexpr UINT WM_NULL = 0x0000;
inline constexpr UINT WM_USER = 0x0400;
inline constexpr DWORD INFINITE = 0xFFFFFFFF;  // no time limit (SmtpEventQueue::Get)

// --- Authenticate (nAuthType) ------------------------------------------------
// LOGIN, PLAIN, XOAUTH2 and BEARER: SocketTools 10's AuthType values
// (smtpAuthLogin 0, smtpAuthPlain 1, smtpAuthXOAuth2 3, smtpAuthBearer 4).
inline constexpr UINT SMTP_AUTH_LOGIN = 0;
inline constexpr UINT SMTP_AUTH_PLAIN = 1;
inline constexpr UINT SMTP_AUTH_XOAUTH2 = 3;
inline constexpr UINT SMTP_AUTH_BEARER = 4;            // OAUTHBEARER (RFC 7628)
inline constexpr UINT SMTP_AUTH_CRAM_MD5 = 16;         // ours
inline constexpr UINT SMTP_AUTH_SCRAM_SHA1 = 17;       // ours
inline constexpr UINT SMTP_AUTH_SCRAM_SHA256 = 18;     // ours
inline constexpr UINT SMTP_AUTH_EXTERNAL = 19;         // ours: the TLS client certificate
inline constexpr UINT SMTP_AUTH_AUTOMATIC = 20;        // ours: the strongest password mechanism
inline constexpr UINT SMTP_AUTH_AUTOMATIC_TOKEN = 21;  // ours: OAUTHBEARER, else XOAUTH2

// --- GetExtendedOptions (the extensions offered) ---------------------------- ours
inline constexpr DWORD SMTP_EXTOPT_EXPN = 0x00000001;
inline constexpr DWORD SMTP_EXTOPT_VRFY = 0x00000002;
inline constexpr DWORD SMTP_EXTOPT_DSN = 0x00000004;
inline constexpr DWORD SMTP_EXTOPT_SIZE = 0x00000008;
inline constexpr DWORD SMTP_EXTOPT_ETRN = 0x00000010;
inline constexpr DWORD SMTP_EXTOPT_8BITMIME = 0x00000020;
inline constexpr DWORD SMTP_EXTOPT_AUTHLOGIN = 0x00000040;
inline constexpr DWORD SMTP_EXTOPT_AUTHPLAIN = 0x00000080;
inline constexpr DWORD SMTP_EXTOPT_AUTHXOAUTH2 = 0x00000100;
inline constexpr DWORD SMTP_EXTOPT_AUTHBEARER = 0x00000200;
inline constexpr DWORD SMTP_EXTOPT_AUTHCRAMMD5 = 0x00000400;
inline constexpr DWORD SMTP_EXTOPT_AUTHSCRAMSHA1 = 0x00000800;
inline constexpr DWORD SMTP_EXTOPT_AUTHSCRAMSHA256 = 0x00001000;
inline constexpr DWORD SMTP_EXTOPT_AUTHEXTERNAL = 0x00002000;
inline constexpr DWORD SMTP_EXTOPT_PIPELINING = 0x00004000;
inline constexpr DWORD SMTP_EXTOPT_CHUNKING = 0x00008000;
inline constexpr DWORD SMTP_EXTOPT_BINARYMIME = 0x00010000;
inline constexpr DWORD SMTP_EXTOPT_SMTPUTF8 = 0x00020000;
inline constexpr DWORD SMTP_EXTOPT_STARTTLS = 0x00040000;
inline constexpr DWORD SMTP_EXTOPT_ENHANCEDSTATUS = 0x00080000;
inline constexpr DWORD SMTP_EXTOPT_REQUIRETLS = 0x00100000;
inline constexpr DWORD SMTP_EXTOPT_MTPRIORITY = 0x00200000;
inline constexpr DWORD SMTP_EXTOPT_DELIVERBY = 0x00400000;
inline constexpr DWORD SMTP_EXTOPT_HELP = 0x00800000;
inline constexpr DWORD SMTP_EXTOPT_AUTH = 0x01000000;  // any AUTH mechanism

// --- SetDeliveryOptions (DSN, RFC 3461) --------------------------------------
// SUCCESS, FAILURE, DELAY, RETURN_HEADERS and RETURN_MESSAGE: the values of
// the vendor's InternetMail control (mailNotifySuccess &H10000 ...).
inline constexpr DWORD SMTP_NOTIFY_DEFAULT = 0x00000000;  // no NOTIFY: the server decides
inline constexpr DWORD SMTP_NOTIFY_SUCCESS = 0x00010000;
inline constexpr DWORD SMTP_NOTIFY_FAILURE = 0x00020000;
inline constexpr DWORD SMTP_NOTIFY_DELAY = 0x00040000;
inline constexpr DWORD SMTP_RETURN_HEADERS = 0x00080000;  // RET=HDRS
inline constexpr DWORD SMTP_RETURN_MESSAGE = 0x00100000;  // RET=FULL
inline constexpr DWORD SMTP_NOTIFY_NEVER = 0x00200000;    // ours: NOTIFY=NEVER

// --- SendMessage (dwOptions: where the message is) ------------------------- ours
inline constexpr DWORD SMTP_MESSAGE_MEMORY = 0;  // lpvMessage points at the octets
inline constexpr DWORD SMTP_MESSAGE_FILE = 1;    // lpvMessage is a file name (a TCHAR string)

// --- GetStatus ---------------------------------------------------------------- ours
inline constexpr INT SMTP_STATUS_UNUSED = 0;   // no connection
inline constexpr INT SMTP_STATUS_IDLE = 1;     // connected, no call running
inline constexpr INT SMTP_STATUS_CONNECT = 2;  // Connect in progress
inline constexpr INT SMTP_STATUS_READ = 3;     // a call is waiting for the server
inline constexpr INT SMTP_STATUS_WRITE = 4;    // message content is being written

// --- SetProxy (the path SMTP_OPTION_TUNNEL uses) ---------------------------- ours
inline constexpr UINT SMTP_PROXY_NONE = 0;
inline constexpr UINT SMTP_PROXY_SOCKS5 = 1;
inline constexpr UINT SMTP_PROXY_HTTP = 2;     // HTTP CONNECT
inline constexpr UINT SMTP_PROXY_FORWARD = 3;  // a port forward (ssh -L, stunnel)

// --- EnableTrace (dwTraceFlags) ----------------------------------------------
// The vendor's trace flag values (mailTraceInfo 0 ... mailTraceHexDump 4).
// smtpkit's trace is always the dialogue (see the porting guide).
inline constexpr DWORD TRACE_INFO = 0;
inline constexpr DWORD TRACE_ERROR = 1;
inline constexpr DWORD TRACE_WARNING = 2;
inline constexpr DWORD TRACE_HEXDUMP = 4;

// --- SMTPMESSAGEEX (nCharSet, nEncType) ------------------------------------- ours
inline constexpr UINT MIME_CHARSET_DEFAULT = 0;  // UTF-8
inline constexpr UINT MIME_CHARSET_USASCII = 1;
inline constexpr UINT MIME_CHARSET_ISO8859_1 = 2;  // the text is converted to UTF-8
inline constexpr UINT MIME_CHARSET_UTF8 = 3;
inline constexpr UINT MIME_ENCODING_DEFAULT = 0;  // every value: smtpkit chooses per part
inline constexpr UINT MIME_ENCODING_7BIT = 1;
inline constexpr UINT MIME_ENCODING_8BIT = 2;
inline constexpr UINT MIME_ENCODING_QUOTED = 3;
inline constexpr UINT MIME_ENCODING_BASE64 = 4;

// --- GetLastError codes --------------------------------------------------------
// SocketTools' library returns 0x8004xxxx codes whose low word is the
// number its controls report. ST_ERROR_NO_VALID_RECIPIENTS (0x80043008,
// 12296) is the published one; the rest are ours, in the same form. The
// porting guide maps every smtpkit::error onto them.
inline constexpr DWORD ST_ERROR_INVALID_PARAMETER = 0x80040001;
inline constexpr DWORD ST_ERROR_INVALID_OPTION = 0x80040002;
inline constexpr DWORD ST_ERROR_NOT_HANDLE_OWNER = 0x80040003;
inline constexpr DWORD ST_ERROR_OPERATION_IN_PROGRESS = 0x80040004;
inline constexpr DWORD ST_ERROR_OPERATION_WOULD_BLOCK = 0x80040005;
inline constexpr DWORD ST_ERROR_OPERATION_CANCELED = 0x80040006;
inline constexpr DWORD ST_ERROR_NOT_CONNECTED = 0x80040007;
inline constexpr DWORD ST_ERROR_ALREADY_CONNECTED = 0x80040008;
inline constexpr DWORD ST_ERROR_INVALID_CHARACTER = 0x80040009;
inline constexpr DWORD ST_ERROR_INVALID_ADDRESS = 0x8004000A;
inline constexpr DWORD ST_ERROR_INVALID_COMMAND = 0x8004000B;
inline constexpr DWORD ST_ERROR_INVALID_HEADER = 0x8004000C;
inline constexpr DWORD ST_ERROR_INVALID_MESSAGE = 0x8004000D;
inline constexpr DWORD ST_ERROR_FILE_READ_FAILED = 0x8004000E;
inline constexpr DWORD ST_ERROR_SESSION_FAILED = 0x8004000F;
inline constexpr DWORD ST_ERROR_TIMEOUT = 0x80040010;
inline constexpr DWORD ST_ERROR_INVALID_CHARACTER_SET = 0x80040011;
inline constexpr DWORD ST_ERROR_OUT_OF_MEMORY = 0x80040012;
inline constexpr DWORD ST_ERROR_BUFFER_TOO_SMALL = 0x80040013;

inline constexpr DWORD ST_ERROR_HOST_NAME_NOT_FOUND = 0x80040101;
inline constexpr DWORD ST_ERROR_CONNECTION_REFUSED = 0x80040102;
inline constexpr DWORD ST_ERROR_NETWORK_UNREACHABLE = 0x80040103;
inline constexpr DWORD ST_ERROR_CONNECTION_RESET = 0x80040104;
inline constexpr DWORD ST_ERROR_CONNECTION_CLOSED = 0x80040105;
inline constexpr DWORD ST_ERROR_NETWORK_ERROR = 0x80040106;
inline constexpr DWORD ST_ERROR_PROXY_NOT_CONFIGURED = 0x80040107;
inline constexpr DWORD ST_ERROR_PROXY_PROTOCOL_ERROR = 0x80040108;
inline constexpr DWORD ST_ERROR_PROXY_AUTHENTICATION_FAILED = 0x80040109;
inline constexpr DWORD ST_ERROR_PROXY_REFUSED = 0x8004010A;

inline constexpr DWORD ST_ERROR_SECURE_NOT_SUPPORTED = 0x80040201;
inline constexpr DWORD ST_ERROR_SECURE_REFUSED = 0x80040202;
inline constexpr DWORD ST_ERROR_SECURE_HANDSHAKE_FAILED = 0x80040203;
inline constexpr DWORD ST_ERROR_SECURE_INJECTION = 0x80040204;
inline constexpr DWORD ST_ERROR_CERTIFICATE_EXPIRED = 0x80040205;
inline constexpr DWORD ST_ERROR_CERTIFICATE_UNTRUSTED = 0x80040206;
inline constexpr DWORD ST_ERROR_CERTIFICATE_NAME_MISMATCH = 0x80040207;
inline constexpr DWORD ST_ERROR_CERTIFICATE_INVALID = 0x80040208;
inline constexpr DWORD ST_ERROR_SECURITY_SETUP_FAILED = 0x80040209;

inline constexpr DWORD ST_ERROR_PROTOCOL_ERROR = 0x80043001;
inline constexpr DWORD ST_ERROR_SERVICE_UNAVAILABLE = 0x80043002;
inline constexpr DWORD ST_ERROR_HELLO_REFUSED = 0x80043003;
inline constexpr DWORD ST_ERROR_SENDER_REFUSED = 0x80043004;
inline constexpr DWORD ST_ERROR_RECIPIENT_REFUSED = 0x80043005;
inline constexpr DWORD ST_ERROR_COMMAND_REFUSED = 0x80043006;
inline constexpr DWORD ST_ERROR_MESSAGE_REFUSED = 0x80043007;
inline constexpr DWORD ST_ERROR_NO_VALID_RECIPIENTS = 0x80043008;  // published
inline constexpr DWORD ST_ERROR_MESSAGE_TOO_LARGE = 0x80043009;
inline constexpr DWORD ST_ERROR_INVALID_AUTHENTICATION_TYPE = 0x8004300A;
inline constexpr DWORD ST_ERROR_AUTHENTICATION_FAILED = 0x8004300B;
inline constexpr DWORD ST_ERROR_AUTHENTICATION_INSECURE = 0x8004300C;
inline constexpr DWORD ST_ERROR_EXTENSION_NOT_SUPPORTED = 0x8004300D;
inline constexpr DWORD ST_ERROR_DELIVERY_STATUS_UNKNOWN = 0x8004300E;
inline constexpr DWORD ST_ERROR_SERVER_NOT_VERIFIED = 0x8004300F;

}  // namespace smtpkit::compat
