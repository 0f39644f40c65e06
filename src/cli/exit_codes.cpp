#include "cli/exit_codes.hpp"

#include <sysexits.h>
#include <string_view>

#include "smtpkit/error.hpp"

namespace smtpkit::cli {
namespace {

// Severity of a set of refusals: permanent wins, since retrying cannot turn
// a 5xx into success even if the 4xx ones would pass later.
enum class Severity { none, transient, permanent };

Severity severity(const Reply& reply) {
    if (reply.permanent()) {
        return Severity::permanent;
    }
    return reply.transient() ? Severity::transient : Severity::none;
}

Severity worst(Severity a, Severity b) {
    return a > b ? a : b;
}

Severity recipients_severity(const SendResult& result) {
    Severity s = Severity::none;
    for (const RecipientResult& r : result.recipients) {
        s = worst(s, severity(r.reply));
    }
    return s;
}

int status_for(Severity s, int otherwise) {
    switch (s) {
        case Severity::permanent:
            return EX_UNAVAILABLE;
        case Severity::transient:
            return EX_TEMPFAIL;
        case Severity::none:
            break;
    }
    return otherwise;
}

int exit_code_for_smtpkit(error e, const Reply& reply, const SendResult& result) {
    switch (e) {
        case error::greeting_refused:
        case error::hello_refused:
        case error::sender_refused:
        case error::command_refused:
        case error::message_refused:
        case error::no_valid_recipients:
        case error::greeting_deferred:
        case error::hello_deferred:
        case error::sender_deferred:
        case error::command_deferred:
        case error::message_deferred:
        case error::recipients_deferred:
            // Recipients refused before a later refusal count too; a refusal
            // without a readable reply still is a refusal.
            return status_for(worst(severity(reply), recipients_severity(result)), EX_UNAVAILABLE);

        case error::reply_not_digits:
        case error::reply_too_short:
        case error::reply_bad_separator:
        case error::reply_code_mismatch:
        case error::reply_code_out_of_range:
        case error::reply_line_too_long:
        case error::reply_too_many_lines:
        case error::reply_contains_nul:
        case error::unexpected_reply:
            return EX_PROTOCOL;

        case error::connection_closed:
        case error::timeout:
        case error::deadline_exceeded:
        case error::cancelled:
            return EX_TEMPFAIL;

        case error::source_truncated:
        case error::source_grew:
        case error::source_read_failed:
            return EX_NOINPUT;  // the message file changed or could not be read
        case error::tls_settings_without_tls:
            return EX_USAGE;
        case error::moved_from:
        case error::source_already_read:
            return EX_SOFTWARE;

        case error::invalid_character:
        case error::invalid_address:
        case error::utf8_not_allowed:
        case error::no_recipients:
        case error::command_too_long:
            return EX_DATAERR;
        case error::invalid_domain:  // only --helo reaches EHLO/HELO
            return EX_USAGE;

        case error::invalid_command:
        case error::not_connected:
        case error::already_connected:
        case error::operation_in_progress:
        case error::session_failed:
        case error::not_owner:
        case error::wrong_mode:
            return EX_SOFTWARE;

        case error::starttls_refused:
        case error::starttls_deferred:
            return status_for(severity(reply), EX_UNAVAILABLE);
        case error::starttls_not_offered:
        case error::tls_version_refused:
        case error::certificate_expired:
        case error::certificate_not_yet_valid:
        case error::certificate_self_signed:
        case error::certificate_untrusted:
        case error::certificate_host_mismatch:
        case error::certificate_invalid:
            // The server cannot give the security asked for; retrying will not help.
            return EX_UNAVAILABLE;
        case error::starttls_injection:
        case error::tls_handshake_failed:
            return EX_PROTOCOL;
        case error::tls_setup_failed:
        case error::dkim_key_unreadable:  // a local key file, as the TLS files
        case error::dkim_key_not_private:
        case error::dkim_key_unsupported:
        case error::dkim_invalid_settings:
            return EX_CONFIG;

        case error::auth_credentials_invalid:  // 535: wrong user name or secret
            return EX_NOPERM;
        case error::auth_temporary_failure:  // 454
            return EX_TEMPFAIL;
        case error::auth_failed:  // another refusal: 4xx may pass, the rest is a "no"
            return status_for(
                severity(reply) == Severity::transient ? Severity::transient : Severity::none,
                EX_NOPERM);
        case error::auth_mechanism_not_offered:
        case error::auth_insecure:
        case error::auth_mechanism_too_weak:   // 534
        case error::auth_encryption_required:  // 538
            // The login as configured cannot work with this server: another
            // --auth, --tls starttls (or --allow-insecure-auth) is needed.
            return EX_CONFIG;
        case error::sasl_bad_challenge:
        case error::sasl_server_not_verified:  // SCRAM: the server may be an impostor
            return EX_PROTOCOL;
        case error::sasl_invalid_input:  // a user name the mechanism cannot carry
            return EX_DATAERR;
        case error::already_authenticated:
            return EX_SOFTWARE;
        case error::message_too_large:
        case error::eight_bit_not_offered:
        case error::binary_not_offered:
        case error::dsn_not_offered:
        case error::requiretls_not_possible:
            // Checked before sending: this server cannot take the message
            // as asked, now or later.
            return EX_UNAVAILABLE;
        case error::invalid_parameter:
            return EX_USAGE;
        case error::content_not_as_declared:
            return EX_DATAERR;
        case error::proxy_not_configured:
        case error::proxy_invalid_settings:
            return EX_USAGE;
        case error::proxy_protocol_error:
            return EX_PROTOCOL;
        case error::proxy_auth_required:
        case error::proxy_auth_method_rejected:
        case error::proxy_auth_failed:
            return EX_NOPERM;
        case error::proxy_not_allowed:
        case error::proxy_command_not_supported:
        case error::proxy_address_type_not_supported:
        case error::proxy_refused:
            return EX_UNAVAILABLE;
        case error::proxy_general_failure:
        case error::proxy_network_unreachable:
        case error::proxy_host_unreachable:
        case error::proxy_connection_refused:
        case error::proxy_ttl_expired:
            return EX_TEMPFAIL;

        default:
            break;
    }
    // An error added to the library after this table: its condition decides,
    // so the tool keeps building and exits sensibly until it is listed here.
    const std::error_code ec = make_error_code(e);
    if (ec == condition::protocol_violation) {
        return EX_PROTOCOL;
    }
    if (ec == condition::misuse) {
        return EX_DATAERR;
    }
    if (ec == condition::transient) {
        return EX_TEMPFAIL;
    }
    return status_for(severity(reply), EX_UNAVAILABLE);
}

// Asio's resolver reports through its "asio.netdb" category; matching the
// name keeps Asio out of the tool. HOST_NOT_FOUND (1) is final, the others
// (TRY_AGAIN, NO_RECOVERY, NO_DATA) are treated as passing DNS trouble.
constexpr int netdb_host_not_found = 1;

}  // namespace

bool is_unknown_host(std::error_code ec) {
    return std::string_view(ec.category().name()) == "asio.netdb" &&
           ec.value() == netdb_host_not_found;
}

int exit_code_for_error(std::error_code ec, const Reply& reply, const SendResult& result) {
    if (!ec) {
        return EX_OK;
    }
    if (ec.category() == error_category()) {
        return exit_code_for_smtpkit(static_cast<error>(ec.value()), reply, result);
    }
    if (is_unknown_host(ec)) {
        return EX_NOHOST;
    }
    // A negative reply before a system error (e.g. 421 then a reset) still
    // says how final the failure is.
    return status_for(severity(reply), EX_TEMPFAIL);
}

int exit_code_for_result(const SendResult& result) {
    Severity s = recipients_severity(result);
    if (!result.delivered()) {
        s = worst(s, worst(severity(result.data_reply), severity(result.final_reply)));
        // Not delivered and nothing refused: the connection failed somewhere.
        return status_for(s, EX_TEMPFAIL);
    }
    return status_for(s, EX_OK);
}

int exit_code_for_recipients(const std::vector<RecipientResult>& recipients) {
    Severity s = Severity::none;
    for (const RecipientResult& r : recipients) {
        s = worst(s, severity(r.reply));
    }
    return status_for(s, EX_OK);
}

namespace {

// 550 (mailbox unavailable), 551 (not local), 553 (name not allowed), or an
// enhanced 5.1.x (addressing status: bad mailbox, bad system, ...).
bool unknown_user(const Reply& reply) {
    if (reply.enhanced) {
        return reply.enhanced->klass == 5 && reply.enhanced->subject == 1;
    }
    return reply.code == 550 || reply.code == 551 || reply.code == 553;
}

}  // namespace

int sendmail_exit_code(const SendOutcome& outcome) {
    if (outcome.stage == Stage::check_input && outcome.ec == error::no_recipients) {
        return EX_USAGE;  // as sendmail: "No recipient addresses found"
    }
    const int status = exit_code(outcome);
    if (status != EX_UNAVAILABLE) {
        return status;
    }
    for (const RecipientResult& r : outcome.result.recipients) {
        if (r.reply.permanent() && unknown_user(r.reply)) {
            return EX_NOUSER;
        }
    }
    return status;
}

int exit_code_for_lookup(const Reply& reply) {
    if (reply.positive_completion()) {
        return EX_OK;  // 250, 251, and 252: cannot verify, but will accept
    }
    if (reply.permanent()) {
        return unknown_user(reply) ? EX_NOUSER : EX_UNAVAILABLE;
    }
    return EX_TEMPFAIL;
}

int exit_code(const SendOutcome& outcome) {
    if (!outcome.ec) {
        return exit_code_for_result(outcome.result);
    }
    switch (outcome.stage) {
        case Stage::check_input:
            // Input checks use the library's own address and character rules.
            return outcome.ec.category() == error_category()
                       ? exit_code_for_error(outcome.ec, outcome.reply, outcome.result)
                       : EX_DATAERR;
        case Stage::read_message:
            return EX_NOINPUT;
        case Stage::read_secret:
            return EX_CONFIG;
        case Stage::connect:
        case Stage::authenticate:
        case Stage::send:
        case Stage::done:
            break;
    }
    // A message that was sent but never answered: the server may have it.
    if (outcome.result.verdict == Verdict::unknown) {
        return EX_TEMPFAIL;
    }
    return exit_code_for_error(outcome.ec, outcome.reply, outcome.result);
}

}  // namespace smtpkit::cli
