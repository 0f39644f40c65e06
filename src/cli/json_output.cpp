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
        return to_string(static_cast<error>(ec.value()));
    }
    if (const char* name = system_error_name(ec)) {
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
        doc["error"] = error_json(o.ec, o.subject, o.detail, o.reply, stage_name(o.stage), o.fix);
    }
    return dump(doc);
}

}  // namespace smtpkit::cli
