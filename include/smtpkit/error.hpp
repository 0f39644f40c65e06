// smtpkit's own error codes. Asio and OpenSSL errors pass through in their
// own categories; these name what smtpkit itself detected. Each value says
// whose fault it was: the server's (protocol violations, refusals), the
// caller's (misuse, bad input) or the environment's (timeouts, cancellation).
#pragma once

#include <string>
#include <system_error>

namespace smtpkit {

enum class error {
    // --- the server broke the protocol (remote violation) ---
    reply_not_digits = 1,     // a reply line does not start with three digits
    reply_too_short,          // a reply line is shorter than "NNN"
    reply_bad_separator,      // the fourth octet is neither ' ', '-' nor end of line
    reply_code_mismatch,      // a continuation line carries another code
    reply_code_out_of_range,  // a code outside 200..599 (RFC 5321 4.2)
    reply_line_too_long,      // no CRLF within the line length limit
    reply_too_many_lines,     // more lines in one reply than the limit
    reply_contains_nul,       // a NUL octet in a reply
    unexpected_reply,         // a reply nothing was waiting for, or an impossible code
    connection_closed,        // the server closed the connection mid-dialogue

    // --- the server refused (its reply is in last_reply()) ---
    // Each refusal comes in two forms, by the reply's class: `*_refused` for
    // 5yz (and anything else that is not 4yz), `*_deferred` for 4yz. The
    // conditions permanent and transient tell them apart without a reply.
    greeting_refused,     // 554 or any other non-220 greeting
    hello_refused,        // EHLO and HELO both refused
    sender_refused,       // MAIL FROM refused: the transaction cannot go on
    command_refused,      // a raw command / RSET / NOOP / VRFY / EXPN got 5xx
    no_valid_recipients,  // every RCPT was refused, each with 5yz; no DATA was sent
    message_refused,      // DATA or the end of data was refused with 5yz
    greeting_deferred,    // 421 (or another 4yz) greeting: the server is busy
    hello_deferred,       // EHLO/HELO answered 4yz
    sender_deferred,      // MAIL FROM answered 4yz (451 local error, 452 no space, 421)
    command_deferred,     // a simple command answered 4yz
    recipients_deferred,  // every RCPT was refused, at least one with 4yz (452 too many)
    message_deferred,     // DATA or the end of data answered 4yz (451, 452)

    // --- the caller's input or use was wrong (local misuse) ---
    invalid_character,         // CR, LF, NUL, another control or DEL in an argument
    invalid_address,           // not an RFC 5321 mailbox
    invalid_domain,            // not a valid EHLO/HELO name
    command_too_long,          // a command line over the 512-octet limit
    invalid_command,           // empty or otherwise unusable command text
    utf8_not_allowed,          // a UTF-8 address where SMTPUTF8 is not in use
    not_connected,             // the operation needs a connected session
    already_connected,         // connect() on a connected client
    operation_in_progress,     // a second operation while one is running
    session_failed,            // the session hit an earlier error and must be closed
    no_recipients,             // send() with an empty recipient list
    not_owner,                 // called from a thread that does not own the client
    wrong_mode,                // a blocking call on an asynchronous client, or the reverse
    moved_from,                // the Client was moved from; use the one it was moved to
    tls_settings_without_tls,  // CA, client certificate or TLS switches with Security::plaintext
    source_already_read,       // a one-shot MessageSource (a stream) sent a second time
    invalid_address_list,      // not an RFC 5322 address, mailbox or address list
    invalid_idn,               // a domain IDNA (UTS #46) cannot convert to an A-label
    invalid_header,            // a header name or value that cannot be sent (CR, LF, NUL, ...)
    malformed_message,         // a message's header section that cannot be read

    // --- time and cancellation ---
    timeout,            // the server did not answer within the timeout
    cancelled,          // cancel() was called, or the operation's cancellation slot fired
    deadline_exceeded,  // the whole operation outlasted ConnectOptions::deadline

    // --- the message source (checked as it is read; the message is not sent) ---
    source_truncated,    // the source ended before its declared size
    source_grew,         // the source holds more octets than its declared size
    source_read_failed,  // the source could not be opened or read (see last_error_detail())

    // --- TLS (each aborts the session before any AUTH or MAIL) ---
    starttls_not_offered,       // TLS is required and the server does not offer STARTTLS
    starttls_refused,           // the server answered STARTTLS with 5yz or another non-220
    starttls_deferred,          // the server answered STARTTLS with 4yz (454: TLS not available)
    starttls_injection,         // bytes followed the 220 to STARTTLS before the handshake
    tls_handshake_failed,       // the TLS handshake failed (see the message for why)
    tls_version_refused,        // the server speaks only TLS versions we do not allow
    certificate_expired,        // the server's certificate has expired
    certificate_not_yet_valid,  // the server's certificate is not valid yet
    certificate_self_signed,    // the server's certificate signs itself
    certificate_untrusted,      // the chain does not lead to a trusted CA
    certificate_host_mismatch,  // the certificate is for another host name or address
    certificate_invalid,        // any other certificate verification failure
    tls_setup_failed,           // bad CA file, client certificate or key

    // --- authentication (the server's reply is in last_reply()) ---
    auth_mechanism_not_offered,  // the server does not offer the mechanism (or any usable one)
    auth_insecure,               // a clear-text mechanism on a session without TLS
    auth_credentials_invalid,    // 535: wrong user name or secret
    auth_mechanism_too_weak,     // 534: the server wants a stronger mechanism
    auth_encryption_required,    // 538: the server wants TLS for this mechanism
    auth_temporary_failure,      // 454: try again later
    auth_failed,                 // any other refusal, or a cancelled exchange
    sasl_bad_challenge,          // a challenge that is not base64, too long or malformed
    sasl_server_not_verified,    // SCRAM: the server's signature is wrong or missing
    sasl_invalid_input,          // credentials the mechanism cannot carry
    already_authenticated,       // AUTH after a successful AUTH

    // --- extensions (checked before anything of the message is written) ---
    message_too_large,        // larger than the server's SIZE limit
    eight_bit_not_offered,    // 8-bit content and the server lacks 8BITMIME
    binary_not_offered,       // binary content and the server lacks BINARYMIME or CHUNKING
    dsn_not_offered,          // DSN required and the server does not offer it
    requiretls_not_possible,  // REQUIRETLS asked without TLS, or not offered
    invalid_parameter,        // a parameter value out of range (MT-PRIORITY, DELIVERBY, ...)
    content_not_as_declared,  // the content turned out binary/8-bit beyond what was declared
    pipelining_refused,  // 503 to a MAIL pipelined after an end of data (sent again unpipelined)
    // --- proxies and tunnels (Option::tunnel, ConnectOptions::proxy) ---
    proxy_not_configured,         // misuse: Option::tunnel without a proxy
    proxy_invalid_settings,       // misuse: a destination or credentials the proxy cannot carry
    proxy_protocol_error,         // the proxy broke SOCKS5 or HTTP (malformed or short reply)
    proxy_auth_required,          // the proxy wants credentials and none were given
    proxy_auth_method_rejected,   // SOCKS5: the proxy accepts none of the offered methods
    proxy_auth_failed,            // the proxy refused the user name or password
    proxy_general_failure,        // SOCKS5 reply 1: general SOCKS server failure
    proxy_not_allowed,            // SOCKS5 reply 2, HTTP 403: the proxy's rules forbid it
    proxy_network_unreachable,    // SOCKS5 reply 3
    proxy_host_unreachable,       // SOCKS5 reply 4
    proxy_connection_refused,     // SOCKS5 reply 5: the destination refused the proxy
    proxy_ttl_expired,            // SOCKS5 reply 6
    proxy_command_not_supported,  // SOCKS5 reply 7: no CONNECT
    proxy_address_type_not_supported,  // SOCKS5 reply 8
    proxy_refused,                     // any other SOCKS5 reply or non-2xx HTTP status

    // --- DKIM signing (smtpkit/dkim.hpp; the caller's input) ---
    dkim_key_unreadable,          // no such key file, or no unencrypted PEM private key in it
    dkim_key_not_private,         // a public key or certificate where the private key belongs
    dkim_key_unsupported,         // neither RSA (1024 bits or more) nor Ed25519
    dkim_invalid_settings,        // a bad d= domain, s= selector or i= identity
    dkim_no_from,                 // the message has no From field to sign
    dkim_source_not_restartable,  // a one-shot source: signing reads the message twice
    dkim_signing_failed,          // OpenSSL could not sign with the key
};

const std::error_category& error_category() noexcept;
std::error_code make_error_code(error e) noexcept;
// The enumerator's name ("sender_refused"), for logs and JSON.
const char* to_string(error e) noexcept;
// The refusal error for a reply: `refused` for 5yz, `deferred` for 4yz.
error refusal_for(int reply_code, error refused, error deferred) noexcept;

// Groups of errors a caller may want to test for, independent of category:
//   ec == smtpkit::condition::timeout
//
// transient and permanent classify by the server's reply where there is one
// (4yz transient, 5yz permanent), so a 451 to MAIL, a 452 to every RCPT and a
// 421 greeting are transient and a 550 permanent. Timeouts and lost or reset
// connections are transient. Usage errors and TLS verification failures are
// neither: retrying as it is cannot help, and nothing was refused.
enum class condition {
    timeout = 1,         // any timeout, ours or the system's (deadline included)
    transient,           // worth retrying later (4yz refusals, timeouts, resets)
    permanent,           // will not succeed as it is (5yz refusals, limits the server announced)
    protocol_violation,  // the server broke the protocol
    misuse,              // the caller used the API wrongly or gave bad input
};

const std::error_category& condition_category() noexcept;
std::error_condition make_error_condition(condition c) noexcept;

// Thrown by the throwing overloads; carries the error code and, where the
// server refused, the reply text in what().
class system_error : public std::system_error {  // NOLINT(readability-identifier-naming)
  public:
    using std::system_error::system_error;
};

}  // namespace smtpkit

template <>
struct std::is_error_code_enum<smtpkit::error> : std::true_type {};
template <>
struct std::is_error_condition_enum<smtpkit::condition> : std::true_type {};
