#include "smtpkit/error.hpp"

#include <cerrno>
#include <cstring>

namespace smtpkit {
namespace {

class ErrorCategory final : public std::error_category {
  public:
    const char* name() const noexcept override { return "smtpkit"; }

    std::string message(int ev) const override {
        switch (static_cast<error>(ev)) {
            case error::reply_not_digits:
                return "the server sent a reply line that does not start with a three-digit code";
            case error::reply_too_short:
                return "the server sent a reply line shorter than a three-digit code";
            case error::reply_bad_separator:
                return "the server sent a reply line whose code is not followed by a space or '-'";
            case error::reply_code_mismatch:
                return "the server changed the reply code in the middle of a multi-line reply";
            case error::reply_code_out_of_range:
                return "the server sent a reply code outside 200-599";
            case error::reply_line_too_long:
                return "the server sent a reply line longer than the limit";
            case error::reply_too_many_lines:
                return "the server sent a reply with more lines than the limit";
            case error::reply_contains_nul:
                return "the server sent a NUL octet in a reply";
            case error::unexpected_reply:
                return "the server sent a reply that no command was waiting for";
            case error::connection_closed:
                return "the server closed the connection in the middle of the dialogue";
            case error::greeting_refused:
                return "the server refused the connection in its greeting";
            case error::hello_refused:
                return "the server refused EHLO/HELO";
            case error::sender_refused:
                return "the server refused the sender (MAIL FROM)";
            case error::command_refused:
                return "the server refused the command";
            case error::no_valid_recipients:
                return "the server accepted none of the recipients";
            case error::message_refused:
                return "the server refused the message";
            case error::invalid_character:
                return "an argument contains CR, LF, NUL or another control character";
            case error::invalid_address:
                return "not a valid e-mail address (RFC 5321)";
            case error::invalid_domain:
                return "not a valid host name for EHLO/HELO";
            case error::command_too_long:
                return "the command line is longer than SMTP allows";
            case error::invalid_command:
                return "the command is empty or must be sent through its own method";
            case error::utf8_not_allowed:
                return "a UTF-8 address needs SMTPUTF8, which this session does not use";
            case error::not_connected:
                return "not connected to a server";
            case error::already_connected:
                return "already connected to a server";
            case error::operation_in_progress:
                return "another operation is in progress on this session";
            case error::session_failed:
                return "the session failed earlier and must be closed";
            case error::no_recipients:
                return "the message has no recipients";
            case error::not_owner:
                return "this thread does not own the client (see attach_thread)";
            case error::wrong_mode:
                return "a blocking call on an asynchronous client, or an asynchronous call on "
                       "a blocking one";
            case error::timeout:
                return "the server did not answer in time";
            case error::cancelled:
                return "the operation was cancelled";
            case error::starttls_not_offered:
                return "TLS is required but the server does not offer STARTTLS";
            case error::starttls_refused:
                return "TLS is required but the server refused STARTTLS";
            case error::starttls_injection:
                return "the server sent data after agreeing to STARTTLS and before the TLS "
                       "handshake (a STARTTLS injection attack or a broken server)";
            case error::tls_handshake_failed:
                return "the TLS handshake failed";
            case error::tls_version_refused:
                return "the server offers only TLS versions below the allowed minimum (TLS 1.2; "
                       "see secure_fallback)";
            case error::certificate_expired:
                return "the server's certificate has expired";
            case error::certificate_not_yet_valid:
                return "the server's certificate is not valid yet";
            case error::certificate_self_signed:
                return "the server's certificate is self-signed and not trusted";
            case error::certificate_untrusted:
                return "the server's certificate does not chain to a trusted certificate authority";
            case error::certificate_host_mismatch:
                return "the server's certificate does not match the host name";
            case error::certificate_invalid:
                return "the server's certificate failed verification";
            case error::tls_setup_failed:
                return "the TLS settings could not be loaded (CA file, client certificate or key)";
            case error::auth_mechanism_not_offered:
                return "invalid authentication type: the server does not offer the mechanism";
            case error::auth_insecure:
                return "refusing to send a password or token in clear text: the session is not "
                       "encrypted (use TLS, or allow insecure authentication explicitly)";
            case error::auth_credentials_invalid:
                return "authentication failed: the server refused the user name or secret";
            case error::auth_mechanism_too_weak:
                return "authentication failed: the server wants a stronger mechanism";
            case error::auth_encryption_required:
                return "authentication failed: the server wants TLS for this mechanism";
            case error::auth_temporary_failure:
                return "authentication failed for now: the server asks to try again later";
            case error::auth_failed:
                return "authentication failed";
            case error::sasl_bad_challenge:
                return "the server sent a malformed authentication challenge";
            case error::sasl_server_not_verified:
                return "the server did not prove that it knows the password (SCRAM signature)";
            case error::sasl_invalid_input:
                return "the user name or secret cannot be used with this mechanism";
            case error::already_authenticated:
                return "the session is already authenticated";
            case error::message_too_large:
                return "the message is larger than the server accepts (SIZE limit)";
            case error::eight_bit_not_offered:
                return "the message has 8-bit content and the server does not offer 8BITMIME";
            case error::binary_not_offered:
                return "the message has binary content (NUL or lines over 998 octets) and the "
                       "server does not offer BINARYMIME with CHUNKING";
            case error::dsn_not_offered:
                return "delivery status notifications are required and the server does not "
                       "offer DSN";
            case error::requiretls_not_possible:
                return "REQUIRETLS needs a TLS session and a server that offers REQUIRETLS";
            case error::invalid_parameter:
                return "a message parameter is out of range (MT-PRIORITY, DELIVERBY, ENVID, ...)";
            case error::content_not_as_declared:
                return "the message content does not match the declared body type (binary or "
                       "8-bit octets found); the message was not sent";
            case error::proxy_not_configured:
                return "a tunnel was asked for but no proxy or port forward is configured";
            case error::proxy_invalid_settings:
                return "the destination or the proxy credentials cannot be sent to the proxy "
                       "(too long, empty or with control characters)";
            case error::proxy_protocol_error:
                return "the proxy sent a malformed or unexpected reply";
            case error::proxy_auth_required:
                return "the proxy requires authentication and no proxy user was given";
            case error::proxy_auth_method_rejected:
                return "the proxy accepts none of the offered authentication methods";
            case error::proxy_auth_failed:
                return "proxy authentication failed: the proxy refused the user name or password";
            case error::proxy_general_failure:
                return "the proxy reported a general failure";
            case error::proxy_not_allowed:
                return "the proxy's rules do not allow a connection to the destination";
            case error::proxy_network_unreachable:
                return "the proxy cannot reach the destination's network";
            case error::proxy_host_unreachable:
                return "the proxy cannot reach the destination host";
            case error::proxy_connection_refused:
                return "the destination refused the proxy's connection";
            case error::proxy_ttl_expired:
                return "the proxy's connection to the destination expired (TTL expired)";
            case error::proxy_command_not_supported:
                return "the proxy does not support the CONNECT command";
            case error::proxy_address_type_not_supported:
                return "the proxy does not support the destination's address type";
            case error::proxy_refused:
                return "the proxy refused to open the tunnel";
        }
        return "unknown smtpkit error";
    }
};

bool is_errno_category(const std::error_category& category) {
    return category == std::system_category() || category == std::generic_category() ||
           std::strcmp(category.name(), "asio.system") == 0;
}

// A proxy that cannot reach the destination now may reach it later.
bool is_transient_proxy_error(error e) noexcept {
    switch (e) {
        case error::proxy_general_failure:
        case error::proxy_network_unreachable:
        case error::proxy_host_unreachable:
        case error::proxy_connection_refused:
        case error::proxy_ttl_expired:
            return true;
        default:
            return false;
    }
}

// Settings, credentials and the proxy's rules do not change by retrying. A
// refusal by HTTP status (proxy_refused) may be either: it is neither.
bool is_permanent_proxy_error(error e) noexcept {
    switch (e) {
        case error::proxy_not_configured:
        case error::proxy_invalid_settings:
        case error::proxy_auth_required:
        case error::proxy_auth_method_rejected:
        case error::proxy_auth_failed:
        case error::proxy_not_allowed:
        case error::proxy_command_not_supported:
        case error::proxy_address_type_not_supported:
            return true;
        default:
            return false;
    }
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
        const auto c = static_cast<condition>(cond);
        if (code.category() == smtpkit::error_category()) {
            const auto e = static_cast<error>(code.value());
            switch (c) {
                case condition::timeout:
                    return e == error::timeout;
                case condition::transient:
                    return e == error::timeout || e == error::connection_closed ||
                           e == error::auth_temporary_failure || is_transient_proxy_error(e);
                case condition::permanent:
                    return (e >= error::invalid_character && e <= error::no_recipients) ||
                           (e >= error::starttls_not_offered && e <= error::tls_setup_failed &&
                            e != error::starttls_refused) ||
                           (e >= error::auth_mechanism_not_offered &&
                            e <= error::auth_encryption_required) ||
                           e == error::sasl_invalid_input || is_permanent_proxy_error(e) ||
                           (e >= error::message_too_large && e <= error::content_not_as_declared);
                case condition::protocol_violation:
                    return (e >= error::reply_not_digits && e <= error::unexpected_reply) ||
                           e == error::starttls_injection || e == error::sasl_bad_challenge ||
                           e == error::proxy_protocol_error;
                case condition::misuse:
                    return (e >= error::invalid_character && e <= error::wrong_mode) ||
                           e == error::auth_insecure || e == error::sasl_invalid_input ||
                           e == error::already_authenticated || e == error::proxy_not_configured ||
                           e == error::proxy_invalid_settings || e == error::invalid_parameter ||
                           e == error::content_not_as_declared;
            }
            return false;
        }
        // System errors: time-outs, resets and refusals are worth a retry.
        // Asio 1.22 reports them in its own "asio.system" category, which
        // does not map to std::errc, so errno values are compared directly.
        if (!is_errno_category(code.category())) {
            return false;
        }
        const int v = code.value();
        if (v == ETIMEDOUT) {
            return c == condition::timeout || c == condition::transient;
        }
        if (c == condition::transient) {
            return v == ECONNREFUSED || v == ECONNRESET || v == ECONNABORTED || v == ENETUNREACH ||
                   v == EHOSTUNREACH || v == EPIPE;
        }
        return false;
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

}  // namespace smtpkit
