#include "compat/error_codes.hpp"

#include <asio/error.hpp>
#include <asio/ssl/error.hpp>

#include "smtpkit/compat/constants.hpp"
#include "smtpkit/error.hpp"

namespace smtpkit::compat {
namespace {

// Each smtpkit::error in one of four groups. A test walks every error
// (to_string() knows them all) and fails for one that no group maps, or
// that the porting guide's table does not name.
DWORD for_protocol_and_refusals(error e) noexcept {
    switch (e) {
        case error::reply_not_digits:
        case error::reply_too_short:
        case error::reply_bad_separator:
        case error::reply_code_mismatch:
        case error::reply_code_out_of_range:
        case error::reply_line_too_long:
        case error::reply_too_many_lines:
        case error::reply_contains_nul:
        case error::unexpected_reply:
            return ST_ERROR_PROTOCOL_ERROR;
        case error::connection_closed:
            return ST_ERROR_CONNECTION_CLOSED;
        case error::greeting_refused:
        case error::greeting_deferred:
            return ST_ERROR_SERVICE_UNAVAILABLE;
        case error::hello_refused:
        case error::hello_deferred:
            return ST_ERROR_HELLO_REFUSED;
        case error::sender_refused:
        case error::sender_deferred:
        case error::pipelining_refused:  // a MAIL pipelined after the end of data, 503
            return ST_ERROR_SENDER_REFUSED;
        case error::command_refused:
        case error::command_deferred:
            return ST_ERROR_COMMAND_REFUSED;
        case error::no_valid_recipients:
        case error::recipients_deferred:
        case error::no_recipients:
            return ST_ERROR_NO_VALID_RECIPIENTS;
        case error::message_refused:
        case error::message_deferred:
            return ST_ERROR_MESSAGE_REFUSED;
        default:
            return 0;
    }
}

DWORD for_misuse(error e) noexcept {
    switch (e) {
        case error::invalid_character:
            return ST_ERROR_INVALID_CHARACTER;
        case error::invalid_address:
        case error::invalid_address_list:
        case error::invalid_idn:
            return ST_ERROR_INVALID_ADDRESS;
        case error::invalid_domain:
        case error::invalid_parameter:
        case error::tls_settings_without_tls:
            return ST_ERROR_INVALID_PARAMETER;
        case error::command_too_long:
        case error::invalid_command:
            return ST_ERROR_INVALID_COMMAND;
        case error::not_connected:
        case error::moved_from:
            return ST_ERROR_NOT_CONNECTED;
        case error::already_connected:
            return ST_ERROR_ALREADY_CONNECTED;
        case error::operation_in_progress:
        case error::wrong_mode:
            return ST_ERROR_OPERATION_IN_PROGRESS;
        case error::session_failed:
            return ST_ERROR_SESSION_FAILED;
        case error::not_owner:
            return ST_ERROR_NOT_HANDLE_OWNER;
        case error::invalid_header:
            return ST_ERROR_INVALID_HEADER;
        case error::malformed_message:
        case error::source_already_read:
        case error::source_truncated:
        case error::source_grew:
        case error::content_not_as_declared:
            return ST_ERROR_INVALID_MESSAGE;
        case error::source_read_failed:
            return ST_ERROR_FILE_READ_FAILED;
        case error::timeout:
        case error::deadline_exceeded:
            return ST_ERROR_TIMEOUT;
        case error::cancelled:
            return ST_ERROR_OPERATION_CANCELED;
        default:
            return 0;
    }
}

DWORD for_tls_and_auth(error e) noexcept {
    switch (e) {
        case error::starttls_not_offered:
            return ST_ERROR_SECURE_NOT_SUPPORTED;
        case error::starttls_refused:
        case error::starttls_deferred:
            return ST_ERROR_SECURE_REFUSED;
        case error::starttls_injection:
            return ST_ERROR_SECURE_INJECTION;
        case error::tls_handshake_failed:
        case error::tls_version_refused:
            return ST_ERROR_SECURE_HANDSHAKE_FAILED;
        case error::certificate_expired:
        case error::certificate_not_yet_valid:
            return ST_ERROR_CERTIFICATE_EXPIRED;
        case error::certificate_self_signed:
        case error::certificate_untrusted:
            return ST_ERROR_CERTIFICATE_UNTRUSTED;
        case error::certificate_host_mismatch:
            return ST_ERROR_CERTIFICATE_NAME_MISMATCH;
        case error::certificate_invalid:
            return ST_ERROR_CERTIFICATE_INVALID;
        case error::tls_setup_failed:
            return ST_ERROR_SECURITY_SETUP_FAILED;
        case error::auth_mechanism_not_offered:
            return ST_ERROR_INVALID_AUTHENTICATION_TYPE;
        case error::auth_insecure:
            return ST_ERROR_AUTHENTICATION_INSECURE;
        case error::auth_credentials_invalid:
        case error::auth_mechanism_too_weak:
        case error::auth_encryption_required:
        case error::auth_temporary_failure:
        case error::auth_failed:
        case error::sasl_bad_challenge:
        case error::sasl_invalid_input:
        case error::already_authenticated:
            return ST_ERROR_AUTHENTICATION_FAILED;
        case error::sasl_server_not_verified:
            return ST_ERROR_SERVER_NOT_VERIFIED;
        default:
            return 0;
    }
}

DWORD for_extensions_and_proxies(error e) noexcept {
    switch (e) {
        case error::message_too_large:
            return ST_ERROR_MESSAGE_TOO_LARGE;
        case error::utf8_not_allowed:
        case error::eight_bit_not_offered:
        case error::binary_not_offered:
        case error::dsn_not_offered:
        case error::requiretls_not_possible:
            return ST_ERROR_EXTENSION_NOT_SUPPORTED;
        case error::proxy_not_configured:
        case error::proxy_invalid_settings:
            return ST_ERROR_PROXY_NOT_CONFIGURED;
        case error::proxy_protocol_error:
            return ST_ERROR_PROXY_PROTOCOL_ERROR;
        case error::proxy_auth_required:
        case error::proxy_auth_method_rejected:
        case error::proxy_auth_failed:
            return ST_ERROR_PROXY_AUTHENTICATION_FAILED;
        case error::proxy_general_failure:
        case error::proxy_not_allowed:
        case error::proxy_network_unreachable:
        case error::proxy_host_unreachable:
        case error::proxy_connection_refused:
        case error::proxy_ttl_expired:
        case error::proxy_command_not_supported:
        case error::proxy_address_type_not_supported:
        case error::proxy_refused:
            return ST_ERROR_PROXY_REFUSED;
        case error::dkim_key_unreadable:
        case error::dkim_key_not_private:
        case error::dkim_key_unsupported:
        case error::dkim_signing_failed:
            return ST_ERROR_SECURITY_SETUP_FAILED;
        case error::dkim_invalid_settings:
            return ST_ERROR_INVALID_PARAMETER;
        case error::dkim_no_from:
        case error::dkim_source_not_restartable:
            return ST_ERROR_INVALID_MESSAGE;
        default:
            return 0;
    }
}

DWORD for_smtpkit(error e) noexcept {
    for (auto* group :
         {for_protocol_and_refusals, for_misuse, for_tls_and_auth, for_extensions_and_proxies}) {
        if (const DWORD code = group(e)) {
            return code;
        }
    }
    return ST_ERROR_NETWORK_ERROR;  // never for a mapped error: the test checks
}

// Asio's and the system's errors, by what they mean. Standalone Asio's
// system category ("asio.system") holds errno values but compares equal to
// no std::errc condition: read it as the system category it stands for.
DWORD for_system(std::error_code ec) noexcept {
    if (ec.category() == asio::error::get_system_category()) {
        ec = std::error_code(ec.value(), std::system_category());
    }
    if (ec == asio::error::host_not_found || ec == asio::error::host_not_found_try_again ||
        ec == asio::error::no_data) {
        return ST_ERROR_HOST_NAME_NOT_FOUND;
    }
    if (ec == std::errc::connection_refused) {
        return ST_ERROR_CONNECTION_REFUSED;
    }
    if (ec == std::errc::network_unreachable || ec == std::errc::host_unreachable) {
        return ST_ERROR_NETWORK_UNREACHABLE;
    }
    if (ec == std::errc::connection_reset || ec == std::errc::connection_aborted ||
        ec == std::errc::broken_pipe) {
        return ST_ERROR_CONNECTION_RESET;
    }
    if (ec == asio::error::eof || ec == asio::ssl::error::stream_truncated) {
        return ST_ERROR_CONNECTION_CLOSED;
    }
    if (ec == std::errc::timed_out) {
        return ST_ERROR_TIMEOUT;
    }
    if (ec == std::errc::operation_canceled) {
        return ST_ERROR_OPERATION_CANCELED;
    }
    if (ec == std::errc::not_enough_memory) {
        return ST_ERROR_OUT_OF_MEMORY;
    }
    if (ec == std::errc::no_such_file_or_directory || ec == std::errc::permission_denied ||
        ec == std::errc::is_a_directory) {
        return ST_ERROR_FILE_READ_FAILED;
    }
    return ST_ERROR_NETWORK_ERROR;
}

}  // namespace

DWORD st_error_for(std::error_code ec) noexcept {
    if (!ec) {
        return 0;
    }
    if (ec.category() == error_category()) {
        return for_smtpkit(static_cast<error>(ec.value()));
    }
    return for_system(ec);
}

const char* st_error_description(DWORD code) noexcept {
    switch (code) {
        case 0:
            return "No error";
        case ST_ERROR_INVALID_PARAMETER:
            return "An invalid parameter was specified";
        case ST_ERROR_INVALID_OPTION:
            return "An unknown option was specified";
        case ST_ERROR_NOT_HANDLE_OWNER:
            return "The calling thread does not own this client";
        case ST_ERROR_OPERATION_IN_PROGRESS:
            return "Another operation is in progress";
        case ST_ERROR_OPERATION_WOULD_BLOCK:
            return "The connection is still being established";
        case ST_ERROR_OPERATION_CANCELED:
            return "The operation was canceled";
        case ST_ERROR_NOT_CONNECTED:
            return "The client is not connected";
        case ST_ERROR_ALREADY_CONNECTED:
            return "The client is already connected";
        case ST_ERROR_INVALID_CHARACTER:
            return "A control character is not permitted here";
        case ST_ERROR_INVALID_ADDRESS:
            return "An invalid email address was specified";
        case ST_ERROR_INVALID_COMMAND:
            return "The command cannot be sent in this state";
        case ST_ERROR_INVALID_HEADER:
            return "An invalid header field was specified";
        case ST_ERROR_INVALID_MESSAGE:
            return "The message cannot be sent as given";
        case ST_ERROR_FILE_READ_FAILED:
            return "The file cannot be opened or read";
        case ST_ERROR_SESSION_FAILED:
            return "The session failed and must be reconnected";
        case ST_ERROR_TIMEOUT:
            return "The server did not respond in time";
        case ST_ERROR_INVALID_CHARACTER_SET:
            return "An unknown character set was specified";
        case ST_ERROR_OUT_OF_MEMORY:
            return "Not enough memory";
        case ST_ERROR_BUFFER_TOO_SMALL:
            return "The buffer is too small for the result";
        case ST_ERROR_HOST_NAME_NOT_FOUND:
            return "The host name cannot be resolved";
        case ST_ERROR_CONNECTION_REFUSED:
            return "The server refused the connection";
        case ST_ERROR_NETWORK_UNREACHABLE:
            return "The server cannot be reached";
        case ST_ERROR_CONNECTION_RESET:
            return "The connection was reset";
        case ST_ERROR_CONNECTION_CLOSED:
            return "The server closed the connection";
        case ST_ERROR_NETWORK_ERROR:
            return "A network error occurred";
        case ST_ERROR_PROXY_NOT_CONFIGURED:
            return "The tunnel needs a proxy (SetProxy)";
        case ST_ERROR_PROXY_PROTOCOL_ERROR:
            return "The proxy broke its protocol";
        case ST_ERROR_PROXY_AUTHENTICATION_FAILED:
            return "The proxy refused the credentials";
        case ST_ERROR_PROXY_REFUSED:
            return "The proxy refused the connection";
        case ST_ERROR_SECURE_NOT_SUPPORTED:
            return "The server does not offer STARTTLS";
        case ST_ERROR_SECURE_REFUSED:
            return "The server refused STARTTLS";
        case ST_ERROR_SECURE_HANDSHAKE_FAILED:
            return "The TLS handshake failed";
        case ST_ERROR_SECURE_INJECTION:
            return "Data followed STARTTLS before the handshake";
        case ST_ERROR_CERTIFICATE_EXPIRED:
            return "The server certificate is not valid now";
        case ST_ERROR_CERTIFICATE_UNTRUSTED:
            return "The server certificate is not trusted";
        case ST_ERROR_CERTIFICATE_NAME_MISMATCH:
            return "The server certificate is for another host";
        case ST_ERROR_CERTIFICATE_INVALID:
            return "The server certificate is invalid";
        case ST_ERROR_SECURITY_SETUP_FAILED:
            return "The TLS settings cannot be loaded";
        case ST_ERROR_PROTOCOL_ERROR:
            return "The server sent an invalid reply";
        case ST_ERROR_SERVICE_UNAVAILABLE:
            return "The server refused the session";
        case ST_ERROR_HELLO_REFUSED:
            return "The server refused EHLO and HELO";
        case ST_ERROR_SENDER_REFUSED:
            return "The server refused the sender";
        case ST_ERROR_RECIPIENT_REFUSED:
            return "The server refused the recipient";
        case ST_ERROR_COMMAND_REFUSED:
            return "The server refused the command";
        case ST_ERROR_MESSAGE_REFUSED:
            return "The server refused the message";
        case ST_ERROR_NO_VALID_RECIPIENTS:
            return "No valid recipients were specified";
        case ST_ERROR_MESSAGE_TOO_LARGE:
            return "The message is larger than the server accepts";
        case ST_ERROR_INVALID_AUTHENTICATION_TYPE:
            return "Invalid authentication type";
        case ST_ERROR_AUTHENTICATION_FAILED:
            return "Authentication failed";
        case ST_ERROR_AUTHENTICATION_INSECURE:
            return "Credentials would be sent without TLS";
        case ST_ERROR_EXTENSION_NOT_SUPPORTED:
            return "The server lacks an extension the message needs";
        case ST_ERROR_DELIVERY_STATUS_UNKNOWN:
            return "The connection failed after the message was sent; it may or may not have been "
                   "delivered";
        case ST_ERROR_SERVER_NOT_VERIFIED:
            return "The server could not prove it knows the password";
        default:
            return "";
    }
}

}  // namespace smtpkit::compat
