#include "cli/json_output.hpp"

#include <string_view>
#include <utility>

#include "cli/json_parts.hpp"
#include "cli/send_batch.hpp"
#include "cli/transfer_report.hpp"
#include "smtpkit/error.hpp"

namespace smtpkit::cli {
namespace {

using json = Json;

const char* smtpkit_error_name(error e) {
    switch (e) {
        case error::reply_not_digits:
            return "reply_not_digits";
        case error::reply_too_short:
            return "reply_too_short";
        case error::reply_bad_separator:
            return "reply_bad_separator";
        case error::reply_code_mismatch:
            return "reply_code_mismatch";
        case error::reply_code_out_of_range:
            return "reply_code_out_of_range";
        case error::reply_line_too_long:
            return "reply_line_too_long";
        case error::reply_too_many_lines:
            return "reply_too_many_lines";
        case error::reply_contains_nul:
            return "reply_contains_nul";
        case error::unexpected_reply:
            return "unexpected_reply";
        case error::connection_closed:
            return "connection_closed";
        case error::greeting_refused:
            return "greeting_refused";
        case error::hello_refused:
            return "hello_refused";
        case error::sender_refused:
            return "sender_refused";
        case error::command_refused:
            return "command_refused";
        case error::no_valid_recipients:
            return "no_valid_recipients";
        case error::message_refused:
            return "message_refused";
        case error::invalid_character:
            return "invalid_character";
        case error::invalid_address:
            return "invalid_address";
        case error::invalid_domain:
            return "invalid_domain";
        case error::command_too_long:
            return "command_too_long";
        case error::invalid_command:
            return "invalid_command";
        case error::utf8_not_allowed:
            return "utf8_not_allowed";
        case error::not_connected:
            return "not_connected";
        case error::already_connected:
            return "already_connected";
        case error::operation_in_progress:
            return "operation_in_progress";
        case error::session_failed:
            return "session_failed";
        case error::no_recipients:
            return "no_recipients";
        case error::not_owner:
            return "not_owner";
        case error::wrong_mode:
            return "wrong_mode";
        case error::timeout:
            return "timeout";
        case error::cancelled:
            return "cancelled";
        case error::starttls_not_offered:
            return "starttls_not_offered";
        case error::starttls_refused:
            return "starttls_refused";
        case error::starttls_injection:
            return "starttls_injection";
        case error::tls_handshake_failed:
            return "tls_handshake_failed";
        case error::tls_version_refused:
            return "tls_version_refused";
        case error::certificate_expired:
            return "certificate_expired";
        case error::certificate_not_yet_valid:
            return "certificate_not_yet_valid";
        case error::certificate_self_signed:
            return "certificate_self_signed";
        case error::certificate_untrusted:
            return "certificate_untrusted";
        case error::certificate_host_mismatch:
            return "certificate_host_mismatch";
        case error::certificate_invalid:
            return "certificate_invalid";
        case error::tls_setup_failed:
            return "tls_setup_failed";
        case error::auth_mechanism_not_offered:
            return "auth_mechanism_not_offered";
        case error::auth_insecure:
            return "auth_insecure";
        case error::auth_credentials_invalid:
            return "auth_credentials_invalid";
        case error::auth_mechanism_too_weak:
            return "auth_mechanism_too_weak";
        case error::auth_encryption_required:
            return "auth_encryption_required";
        case error::auth_temporary_failure:
            return "auth_temporary_failure";
        case error::auth_failed:
            return "auth_failed";
        case error::sasl_bad_challenge:
            return "sasl_bad_challenge";
        case error::sasl_server_not_verified:
            return "sasl_server_not_verified";
        case error::sasl_invalid_input:
            return "sasl_invalid_input";
        case error::already_authenticated:
            return "already_authenticated";
        case error::proxy_not_configured:
            return "proxy_not_configured";
        case error::proxy_invalid_settings:
            return "proxy_invalid_settings";
        case error::proxy_protocol_error:
            return "proxy_protocol_error";
        case error::proxy_auth_required:
            return "proxy_auth_required";
        case error::proxy_auth_method_rejected:
            return "proxy_auth_method_rejected";
        case error::proxy_auth_failed:
            return "proxy_auth_failed";
        case error::proxy_general_failure:
            return "proxy_general_failure";
        case error::proxy_not_allowed:
            return "proxy_not_allowed";
        case error::proxy_network_unreachable:
            return "proxy_network_unreachable";
        case error::proxy_host_unreachable:
            return "proxy_host_unreachable";
        case error::proxy_connection_refused:
            return "proxy_connection_refused";
        case error::proxy_ttl_expired:
            return "proxy_ttl_expired";
        case error::proxy_command_not_supported:
            return "proxy_command_not_supported";
        case error::proxy_address_type_not_supported:
            return "proxy_address_type_not_supported";
        case error::proxy_refused:
            return "proxy_refused";
        case error::message_too_large:
            return "message_too_large";
        case error::eight_bit_not_offered:
            return "eight_bit_not_offered";
        case error::binary_not_offered:
            return "binary_not_offered";
        case error::dsn_not_offered:
            return "dsn_not_offered";
        case error::requiretls_not_possible:
            return "requiretls_not_possible";
        case error::invalid_parameter:
            return "invalid_parameter";
        case error::content_not_as_declared:
            return "content_not_as_declared";
        default:
            // Added to the library after this list: error_name() falls back
            // to the number, and the build does not break.
            break;
    }
    return nullptr;
}

json recipient_json(const RecipientResult& r) {
    json j = {{"address", r.address}, {"accepted", r.accepted()}};
    const json reply = reply_json(r.reply);
    for (const char* key : {"code", "enhanced", "text"}) {
        j[key] = reply.is_null() ? json(nullptr) : reply[key];
    }
    return j;
}

// Asio 1.22 reports socket errors in its own "asio.system" category, whose
// values are errno values but which does not compare equal to std::errc.
bool is_errno_category(const std::error_category& category) {
    return category == std::generic_category() || category == std::system_category() ||
           std::string_view(category.name()) == "asio.system";
}

// Names for the system errors a send meets most (as std::errc spells them).
const char* system_error_name(std::error_code ec) {
    if (!is_errno_category(ec.category())) {
        return nullptr;
    }
    static constexpr std::pair<std::errc, const char*> names[] = {
        {std::errc::connection_refused, "connection_refused"},
        {std::errc::connection_reset, "connection_reset"},
        {std::errc::connection_aborted, "connection_aborted"},
        {std::errc::timed_out, "timed_out"},
        {std::errc::network_unreachable, "network_unreachable"},
        {std::errc::host_unreachable, "host_unreachable"},
        {std::errc::broken_pipe, "broken_pipe"},
        {std::errc::no_such_file_or_directory, "no_such_file_or_directory"},
        {std::errc::is_a_directory, "is_a_directory"},
        {std::errc::permission_denied, "permission_denied"},
        {std::errc::io_error, "io_error"},
        {std::errc::illegal_byte_sequence, "illegal_byte_sequence"},
    };
    for (const auto& [value, name] : names) {
        if (ec.value() == static_cast<int>(value)) {
            return name;
        }
    }
    return nullptr;
}

// Never the secret, nor the user name.
json auth_json(const AuthOutcome& a) {
    return {{"requested", a.requested},
            {"mechanism", a.mechanism.empty() ? json(nullptr) : json(a.mechanism)},
            {"result", a.succeeded ? "ok" : "failed"},
            {"reply", reply_json(a.reply)}};
}

}  // namespace

std::string error_name(std::error_code ec) {
    if (ec.category() == error_category()) {
        if (const char* name = smtpkit_error_name(static_cast<error>(ec.value()))) {
            return name;
        }
    } else if (const char* name = system_error_name(ec)) {
        return name;
    }
    return std::to_string(ec.value());
}

const char* stage_name(Stage stage) noexcept {
    switch (stage) {
        case Stage::check_input:
            return "check_input";
        case Stage::read_message:
            return "read_message";
        case Stage::read_secret:
            return "read_secret";
        case Stage::connect:
            return "connect";
        case Stage::authenticate:
            return "authenticate";
        case Stage::send:
            return "send";
        case Stage::done:
            return "done";
    }
    return "unknown";
}

Json transaction_json(const SendResult& r) {
    json recipients = json::array();
    for (const RecipientResult& recipient : r.recipients) {
        recipients.push_back(recipient_json(recipient));
    }
    json doc = {{"verdict", to_string(r.verdict)},  {"delivered", r.delivered()},
                {"mail", reply_json(r.mail_reply)}, {"recipients", std::move(recipients)},
                {"data", reply_json(r.data_reply)}, {"final", reply_json(r.final_reply)},
                {"round_trips", r.round_trips},     {"bytes", r.bytes_sent}};
    add_transfer_json(doc, r);
    return doc;
}

std::string json_report(const SendOutcome& o) {
    json doc = transaction_json(o.result);
    if (!o.batch.empty()) {
        doc["batch"] = batch_json(o);
    }
    if (o.security.active) {
        doc["tls"] = tls_json(o.security);
    }
    if (o.auth) {
        doc["auth"] = auth_json(*o.auth);
    }
    if (o.ec) {
        doc["error"] = error_json(o.ec, o.subject, o.detail, o.reply, stage_name(o.stage));
    }
    return dump(doc);
}

}  // namespace smtpkit::cli
