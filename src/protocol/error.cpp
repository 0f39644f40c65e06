// smtpkit's error category and conditions, driven by one table: every
// error's name, message and classes in one row, in the enum's order (checked
// at compile time), so nothing is classified by ranges of the enum and a new
// error cannot be added without deciding its classes.
#include "smtpkit/error.hpp"

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>

namespace smtpkit {
namespace {

using Classes = std::uint8_t;
constexpr Classes kNeither = 0;
constexpr Classes kTransient = 1u << 0;
constexpr Classes kPermanent = 1u << 1;
constexpr Classes kProtocol = 1u << 2;
constexpr Classes kMisuse = 1u << 3;
constexpr Classes kTimeout = 1u << 4;

struct Row {
    error value;
    const char* name;
    Classes classes;
    const char* message;
};

// clang-format off
constexpr std::array kRows{
    Row{error::reply_not_digits, "reply_not_digits", kProtocol,
        "the server sent a reply line that does not start with a three-digit code"},
    Row{error::reply_too_short, "reply_too_short", kProtocol,
        "the server sent a reply line shorter than a three-digit code"},
    Row{error::reply_bad_separator, "reply_bad_separator", kProtocol,
        "the server sent a reply line whose code is not followed by a space or '-'"},
    Row{error::reply_code_mismatch, "reply_code_mismatch", kProtocol,
        "the server changed the reply code in the middle of a multi-line reply"},
    Row{error::reply_code_out_of_range, "reply_code_out_of_range", kProtocol,
        "the server sent a reply code outside 200-599"},
    Row{error::reply_line_too_long, "reply_line_too_long", kProtocol,
        "the server sent a reply line longer than the limit"},
    Row{error::reply_too_many_lines, "reply_too_many_lines", kProtocol,
        "the server sent a reply with more lines than the limit"},
    Row{error::reply_contains_nul, "reply_contains_nul", kProtocol,
        "the server sent a NUL octet in a reply"},
    Row{error::unexpected_reply, "unexpected_reply", kProtocol,
        "the server sent a reply that no command was waiting for"},
    Row{error::connection_closed, "connection_closed", kTransient,
        "the server closed the connection in the middle of the dialogue"},
    Row{error::greeting_refused, "greeting_refused", kPermanent,
        "the server refused the connection in its greeting"},
    Row{error::hello_refused, "hello_refused", kPermanent,
        "the server refused EHLO/HELO"},
    Row{error::sender_refused, "sender_refused", kPermanent,
        "the server refused the sender (MAIL FROM)"},
    Row{error::command_refused, "command_refused", kPermanent,
        "the server refused the command"},
    Row{error::no_valid_recipients, "no_valid_recipients", kPermanent,
        "the server accepted none of the recipients"},
    Row{error::message_refused, "message_refused", kPermanent,
        "the server refused the message"},
    Row{error::greeting_deferred, "greeting_deferred", kTransient,
        "the server is not accepting mail now (4yz greeting, such as 421): try again later"},
    Row{error::hello_deferred, "hello_deferred", kTransient,
        "the server answered EHLO/HELO with a temporary refusal (4yz)"},
    Row{error::sender_deferred, "sender_deferred", kTransient,
        "the server refused the sender (MAIL FROM) for now (4yz): try again later"},
    Row{error::command_deferred, "command_deferred", kTransient,
        "the server refused the command for now (4yz)"},
    Row{error::recipients_deferred, "recipients_deferred", kTransient,
        "the server accepted none of the recipients, some only for now (4yz): try again later"},
    Row{error::message_deferred, "message_deferred", kTransient,
        "the server refused the message for now (4yz): try again later"},
    Row{error::invalid_character, "invalid_character", kMisuse,
        "an argument contains CR, LF, NUL or another control character"},
    Row{error::invalid_address, "invalid_address", kMisuse,
        "not a valid e-mail address (RFC 5321)"},
    Row{error::invalid_domain, "invalid_domain", kMisuse,
        "not a valid host name for EHLO/HELO"},
    Row{error::command_too_long, "command_too_long", kMisuse,
        "the command line is longer than SMTP allows"},
    Row{error::invalid_command, "invalid_command", kMisuse,
        "the command is empty or must be sent through its own method"},
    Row{error::utf8_not_allowed, "utf8_not_allowed", kMisuse,
        "a UTF-8 address needs SMTPUTF8, which this session does not use"},
    Row{error::not_connected, "not_connected", kMisuse,
        "not connected to a server"},
    Row{error::already_connected, "already_connected", kMisuse,
        "already connected to a server"},
    Row{error::operation_in_progress, "operation_in_progress", kMisuse,
        "another operation is in progress on this session"},
    Row{error::session_failed, "session_failed", kTransient,
        "the session failed earlier and must be closed"},
    Row{error::no_recipients, "no_recipients", kMisuse,
        "the message has no recipients"},
    Row{error::not_owner, "not_owner", kMisuse,
        "this thread does not own the client (see attach_thread)"},
    Row{error::wrong_mode, "wrong_mode", kMisuse,
        "a blocking call on an asynchronous client, or an asynchronous call on a blocking one"},
    Row{error::moved_from, "moved_from", kMisuse,
        "this smtpkit::Client was moved from; use the Client it was moved to"},
    Row{error::tls_settings_without_tls, "tls_settings_without_tls", kMisuse,
        "TLS settings (CA file, client certificate, trusted_site, secure_fallback) were given"
        " for a plaintext session: choose a TLS mode or drop them"},
    Row{error::source_already_read, "source_already_read", kMisuse,
        "the message source is a stream that was already read: a one-shot source can be sent "
        "once (use a string, a file or an opener to send it again)"},
    Row{error::invalid_address_list, "invalid_address_list", kMisuse,
        "not a valid address or address list (RFC 5322: name <user@domain>, separated by commas)"},
    Row{error::invalid_idn, "invalid_idn", kMisuse,
        "an internationalised domain name that IDNA (UTS #46) cannot convert to ASCII"},
    Row{error::invalid_header, "invalid_header", kMisuse,
        "a header field name or value that cannot be sent (CR, LF or NUL in it, or a bad name)"},
    Row{error::malformed_message, "malformed_message", kMisuse,
        "the message's header section cannot be read (not RFC 5322 header fields)"},
    Row{error::timeout, "timeout", kTimeout | kTransient,
        "the server did not answer in time"},
    Row{error::cancelled, "cancelled", kNeither,
        "the operation was cancelled"},
    Row{error::deadline_exceeded, "deadline_exceeded", kTimeout | kTransient,
        "the operation did not finish within its deadline"},
    Row{error::source_truncated, "source_truncated", kNeither,
        "the message source ended before its declared size; the message was not sent"},
    Row{error::source_grew, "source_grew", kNeither,
        "the message source holds more than its declared size; the message was not sent"},
    Row{error::source_read_failed, "source_read_failed", kNeither,
        "the message source could not be read; the message was not sent"},
    Row{error::starttls_not_offered, "starttls_not_offered", kPermanent,
        "TLS is required but the server does not offer STARTTLS"},
    Row{error::starttls_refused, "starttls_refused", kPermanent,
        "TLS is required but the server refused STARTTLS"},
    Row{error::starttls_deferred, "starttls_deferred", kTransient,
        "TLS is required but the server cannot start TLS now (4yz, such as 454)"},
    Row{error::starttls_injection, "starttls_injection", kProtocol,
        "the server sent data after agreeing to STARTTLS and before the TLS handshake (a "
        "STARTTLS injection attack or a broken server)"},
    Row{error::tls_handshake_failed, "tls_handshake_failed", kNeither,
        "the TLS handshake failed"},
    Row{error::tls_version_refused, "tls_version_refused", kNeither,
        "the server offers only TLS versions below the allowed minimum (TLS 1.2; see "
        "secure_fallback)"},
    Row{error::certificate_expired, "certificate_expired", kNeither,
        "the server's certificate has expired"},
    Row{error::certificate_not_yet_valid, "certificate_not_yet_valid", kNeither,
        "the server's certificate is not valid yet"},
    Row{error::certificate_self_signed, "certificate_self_signed", kNeither,
        "the server's certificate is self-signed and not trusted"},
    Row{error::certificate_untrusted, "certificate_untrusted", kNeither,
        "the server's certificate does not chain to a trusted certificate authority"},
    Row{error::certificate_host_mismatch, "certificate_host_mismatch", kNeither,
        "the server's certificate does not match the host name"},
    Row{error::certificate_invalid, "certificate_invalid", kNeither,
        "the server's certificate failed verification"},
    Row{error::tls_setup_failed, "tls_setup_failed", kMisuse,
        "the TLS settings could not be loaded (CA file, client certificate or key)"},
    Row{error::auth_mechanism_not_offered, "auth_mechanism_not_offered", kPermanent,
        "invalid authentication type: the server does not offer the mechanism"},
    Row{error::auth_insecure, "auth_insecure", kMisuse,
        "refusing to send a password or token in clear text: the session is not encrypted "
        "(use TLS, or allow insecure authentication explicitly)"},
    Row{error::auth_credentials_invalid, "auth_credentials_invalid", kPermanent,
        "authentication failed: the server refused the user name or secret"},
    Row{error::auth_mechanism_too_weak, "auth_mechanism_too_weak", kPermanent,
        "authentication failed: the server wants a stronger mechanism"},
    Row{error::auth_encryption_required, "auth_encryption_required", kPermanent,
        "authentication failed: the server wants TLS for this mechanism"},
    Row{error::auth_temporary_failure, "auth_temporary_failure", kTransient,
        "authentication failed for now: the server asks to try again later"},
    Row{error::auth_failed, "auth_failed", kPermanent,
        "authentication failed"},
    Row{error::sasl_bad_challenge, "sasl_bad_challenge", kProtocol,
        "the server sent a malformed authentication challenge"},
    Row{error::sasl_server_not_verified, "sasl_server_not_verified", kNeither,
        "the server did not prove that it knows the password (SCRAM signature)"},
    Row{error::sasl_invalid_input, "sasl_invalid_input", kMisuse,
        "the user name or secret cannot be used with this mechanism"},
    Row{error::already_authenticated, "already_authenticated", kMisuse,
        "the session is already authenticated"},
    Row{error::message_too_large, "message_too_large", kPermanent,
        "the message is larger than the server accepts (SIZE limit)"},
    Row{error::eight_bit_not_offered, "eight_bit_not_offered", kPermanent,
        "the message has 8-bit content and the server does not offer 8BITMIME"},
    Row{error::binary_not_offered, "binary_not_offered", kPermanent,
        "the message has binary content (NUL or lines over 998 octets) and the server does "
        "not offer BINARYMIME with CHUNKING"},
    Row{error::dsn_not_offered, "dsn_not_offered", kPermanent,
        "delivery status notifications are required and the server does not offer DSN"},
    Row{error::requiretls_not_possible, "requiretls_not_possible", kPermanent,
        "REQUIRETLS needs a TLS session and a server that offers REQUIRETLS"},
    Row{error::invalid_parameter, "invalid_parameter", kMisuse,
        "a message parameter is out of range (MT-PRIORITY, DELIVERBY, ENVID, ...)"},
    Row{error::content_not_as_declared, "content_not_as_declared", kMisuse,
        "the message content does not match the declared body type (binary or 8-bit octets "
        "found); the message was not sent"},
    Row{error::pipelining_refused, "pipelining_refused", kTransient,
        "the server refused a command pipelined after the end of data (the message is sent "
        "again without pipelining)"},
    Row{error::proxy_not_configured, "proxy_not_configured", kMisuse,
        "a tunnel was asked for but no proxy or port forward is configured"},
    Row{error::proxy_invalid_settings, "proxy_invalid_settings", kMisuse,
        "the destination or the proxy credentials cannot be sent to the proxy (too long, "
        "empty or with control characters)"},
    Row{error::proxy_protocol_error, "proxy_protocol_error", kProtocol,
        "the proxy sent a malformed or unexpected reply"},
    Row{error::proxy_auth_required, "proxy_auth_required", kPermanent,
        "the proxy requires authentication and no proxy user was given"},
    Row{error::proxy_auth_method_rejected, "proxy_auth_method_rejected", kPermanent,
        "the proxy accepts none of the offered authentication methods"},
    Row{error::proxy_auth_failed, "proxy_auth_failed", kPermanent,
        "proxy authentication failed: the proxy refused the user name or password"},
    Row{error::proxy_general_failure, "proxy_general_failure", kTransient,
        "the proxy reported a general failure"},
    Row{error::proxy_not_allowed, "proxy_not_allowed", kPermanent,
        "the proxy's rules do not allow a connection to the destination"},
    Row{error::proxy_network_unreachable, "proxy_network_unreachable", kTransient,
        "the proxy cannot reach the destination's network"},
    Row{error::proxy_host_unreachable, "proxy_host_unreachable", kTransient,
        "the proxy cannot reach the destination host"},
    Row{error::proxy_connection_refused, "proxy_connection_refused", kTransient,
        "the destination refused the proxy's connection"},
    Row{error::proxy_ttl_expired, "proxy_ttl_expired", kTransient,
        "the proxy's connection to the destination expired (TTL expired)"},
    Row{error::proxy_command_not_supported, "proxy_command_not_supported", kPermanent,
        "the proxy does not support the CONNECT command"},
    Row{error::proxy_address_type_not_supported, "proxy_address_type_not_supported", kPermanent,
        "the proxy does not support the destination's address type"},
    Row{error::proxy_refused, "proxy_refused", kNeither,
        "the proxy refused to open the tunnel"},
    Row{error::dkim_key_unreadable, "dkim_key_unreadable", kMisuse,
        "the DKIM key could not be read: the file is missing or unreadable, or holds no "
        "unencrypted PEM private key"},
    Row{error::dkim_key_not_private, "dkim_key_not_private", kMisuse,
        "the DKIM key is a public key or a certificate: signing needs the private key"},
    Row{error::dkim_key_unsupported, "dkim_key_unsupported", kMisuse,
        "the DKIM key is of an unsupported type: use RSA (1024 bits or more) or Ed25519"},
    Row{error::dkim_invalid_settings, "dkim_invalid_settings", kMisuse,
        "the DKIM domain, selector or identity is not valid (ASCII domain names; the identity "
        "must be in the signing domain or below it)"},
    Row{error::dkim_no_from, "dkim_no_from", kMisuse,
        "the message has no From header field, which a DKIM signature must cover"},
    Row{error::dkim_source_not_restartable, "dkim_source_not_restartable", kMisuse,
        "DKIM signing reads the message twice, and this source is a stream that can be read "
        "once: sign a string, a file or an opener"},
    Row{error::dkim_signing_failed, "dkim_signing_failed", kNeither,
        "OpenSSL could not make the DKIM signature with this key"},
};
// clang-format on

constexpr bool rows_in_enum_order() {
    for (std::size_t i = 0; i < kRows.size(); ++i) {
        if (static_cast<std::size_t>(kRows[i].value) != i + 1) {
            return false;
        }
    }
    return true;
}
static_assert(rows_in_enum_order(), "one row per smtpkit::error, in the enum's order");
static_assert(kRows.back().value == error::dkim_signing_failed, "the last error has a row");

const Row* row_of(int value) noexcept {
    if (value < 1 || static_cast<std::size_t>(value) > kRows.size()) {
        return nullptr;
    }
    return &kRows[static_cast<std::size_t>(value) - 1];
}

class ErrorCategory final : public std::error_category {
  public:
    const char* name() const noexcept override { return "smtpkit"; }
    std::string message(int ev) const override {
        const Row* row = row_of(ev);
        return row != nullptr ? row->message : "unknown smtpkit error";
    }
};

bool is_errno_category(const std::error_category& category) {
    return category == std::system_category() || category == std::generic_category() ||
           std::strcmp(category.name(), "asio.system") == 0;
}

// System errors: time-outs, resets and refusals are worth a retry. Asio 1.22
// reports them in its own "asio.system" category, which does not map to
// std::errc, so errno values are compared directly.
Classes system_classes(int v) noexcept {
    switch (v) {
        case ETIMEDOUT:
            return kTimeout | kTransient;
        case ECONNREFUSED:
        case ECONNRESET:
        case ECONNABORTED:
        case ENETUNREACH:
        case EHOSTUNREACH:
        case EPIPE:
            return kTransient;
        default:
            return kNeither;
    }
}

Classes classes_of(const std::error_code& code) noexcept {
    if (code.category() == error_category()) {
        const Row* row = row_of(code.value());
        return row != nullptr ? row->classes : kNeither;
    }
    // The end of a stream in the middle of a dialogue (asio.misc eof): the
    // server went away.
    if (std::strcmp(code.category().name(), "asio.misc") == 0 && code.value() == 2) {
        return kTransient;
    }
    return is_errno_category(code.category()) ? system_classes(code.value()) : kNeither;
}

Classes class_of(condition c) noexcept {
    switch (c) {
        case condition::timeout:
            return kTimeout;
        case condition::transient:
            return kTransient;
        case condition::permanent:
            return kPermanent;
        case condition::protocol_violation:
            return kProtocol;
        case condition::misuse:
            return kMisuse;
    }
    return kNeither;
}

class ConditionCategory final : public std::error_category {
  public:
    const char* name() const noexcept override { return "smtpkit.condition"; }
    std::string message(int ev) const override {
        switch (static_cast<condition>(ev)) {
            case condition::timeout:
                return "timed out";
            case condition::transient:
                return "temporary failure, worth retrying later";
            case condition::permanent:
                return "permanent failure";
            case condition::protocol_violation:
                return "the server broke the SMTP protocol";
            case condition::misuse:
                return "the caller used the API wrongly or gave bad input";
        }
        return "unknown condition";
    }
    bool equivalent(const std::error_code& code, int cond) const noexcept override {
        return (classes_of(code) & class_of(static_cast<condition>(cond))) != 0;
    }
};

}  // namespace

const std::error_category& error_category() noexcept {
    static const ErrorCategory category;
    return category;
}

const std::error_category& condition_category() noexcept {
    static const ConditionCategory category;
    return category;
}

std::error_code make_error_code(error e) noexcept {
    return {static_cast<int>(e), error_category()};
}

std::error_condition make_error_condition(condition c) noexcept {
    return {static_cast<int>(c), condition_category()};
}

const char* to_string(error e) noexcept {
    const Row* row = row_of(static_cast<int>(e));
    return row != nullptr ? row->name : "unknown";
}

error refusal_for(int reply_code, error refused, error deferred) noexcept {
    return reply_code >= 400 && reply_code < 500 ? deferred : refused;
}

}  // namespace smtpkit
