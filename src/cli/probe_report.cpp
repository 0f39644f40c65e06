#include "cli/probe_report.hpp"

#include <sysexits.h>

#include "cli/exit_codes.hpp"
#include "cli/json_parts.hpp"
#include "cli/printable.hpp"
#include "cli/transfer_report.hpp"

namespace smtpkit::cli {
namespace {

constexpr std::size_t label_width = 14;

std::string row(std::string label, const std::string& value) {
    label.resize(std::max(label.size() + 1, label_width), ' ');
    return label + value;
}

std::string reply_text(const Reply& reply) {
    return printable(reply.summary());
}

void add_hello(std::vector<std::string>& lines, const HelloRecord& hello, const char* where) {
    if (!hello.reply.positive_completion()) {
        lines.push_back(
            row(hello.command, std::string("refused (") + where + "): " + reply_text(hello.reply)));
        return;
    }
    const Capabilities caps = hello.capabilities();
    std::string head = printable(caps.server_name()) + " (" + where + ")";
    if (caps.empty()) {
        head += hello.command == "HELO" ? ": no extensions (HELO)" : ": no extensions";
    }
    lines.push_back(row(hello.command, head));
    for (const protocol::Extension& extension : caps.all()) {
        std::string line = "  " + extension.keyword;
        for (const std::string& param : extension.params) {
            line += " " + printable(param);
        }
        lines.push_back(line);
    }
}

std::string verification(const SecurityInfo& info, bool trusted_site) {
    if (info.verified) {
        return "yes, for " + printable(info.verified_host);
    }
    return "NO: " + printable(info.verify_result) +
           (trusted_site ? " (ignored: --trusted-site)" : "");
}

void add_certificate(std::vector<std::string>& lines, const SecurityInfo& info, bool trusted_site) {
    if (!info.peer_subject.empty() || !info.sha256_fingerprint.empty()) {
        lines.push_back(row("  subject", printable(info.peer_subject)));
        lines.push_back(row("  issuer", printable(info.peer_issuer)));
        lines.push_back(row("  valid", info.not_before + " to " + info.not_after));
        lines.push_back(row("  sha256", info.sha256_fingerprint));
    } else {
        lines.push_back(row("  certificate", "none"));
    }
    lines.push_back(row("  verified", verification(info, trusted_site)));
}

std::string session_text(const SecurityInfo& info) {
    return printable(info.protocol + " " + info.cipher) + " (" + std::to_string(info.cipher_bits) +
           " bits) " + (info.implicit ? "from the first byte" : "after STARTTLS");
}

std::string no_tls_text(const ProbeOutcome& o) {
    return o.before_tls->capabilities().starttls()
               ? "none (the server offers STARTTLS: try --tls starttls)"
               : "none (the server does not offer STARTTLS)";
}

void add_tls(std::vector<std::string>& lines, const ProbeOutcome& o) {
    if (o.tls.active) {
        lines.push_back(row("TLS", session_text(o.tls)));
        add_certificate(lines, o.tls, o.trusted_site);
        return;
    }
    if (o.tls_mode == TlsMode::none || (o.tls_mode == TlsMode::opportunistic && !o.ec)) {
        if (o.before_tls) {  // else the session ended before it could tell
            lines.push_back(row("TLS", no_tls_text(o)));
        }
        return;
    }
    if (!o.ec) {
        return;
    }
    std::string why = o.ec.message();
    if (!o.detail.empty()) {
        why += ": " + printable(o.detail);
    }
    lines.push_back(row("TLS", "FAILED: " + why));
    if (o.rejected.active) {
        lines.push_back("  (the certificate as presented, seen again with verification off)");
        add_certificate(lines, o.rejected, false);
    }
}

std::string trial_text(const MechanismTrial& t) {
    if (!t.tried) {
        return "not tried: " + t.detail;
    }
    std::string text = t.ec ? "FAILED" : "ok";
    if (!t.reply.empty()) {
        text += ": " + reply_text(t.reply);
    } else if (t.ec) {
        text += ": " + t.ec.message();
    }
    if (t.ec && !t.detail.empty()) {
        text += " (" + printable(t.detail) + ")";
    }
    return text;
}

void add_steps(std::vector<std::string>& lines, const ProbeOutcome& o) {
    if (!o.auth_trials.empty()) {
        lines.push_back("AUTH");
    }
    for (const MechanismTrial& t : o.auth_trials) {
        lines.push_back(row("  " + t.mechanism, trial_text(t)));
    }
    if (o.auth && o.auth->succeeded) {
        lines.push_back(row("AUTH", (o.auth->mechanism.empty() ? "" : o.auth->mechanism + " ") +
                                        "ok: " + reply_text(o.auth->reply)));
    }
    if (!o.mail_reply.empty()) {
        lines.push_back(row("MAIL", reply_text(o.mail_reply)));
    }
    for (const RecipientResult& r : o.recipients) {
        lines.push_back(row("RCPT", printable(r.address) + ": " + reply_text(r.reply)));
    }
    if (!o.quit_after.empty() && !o.ec) {
        lines.push_back(row("quit after", o.quit_after));
    }
}

Json trials_json(const std::vector<MechanismTrial>& trials) {
    Json out = Json::array();
    for (const MechanismTrial& t : trials) {
        out.push_back({{"mechanism", t.mechanism},
                       {"tried", t.tried},
                       {"result", !t.tried ? "not tried" : (t.ec ? "failed" : "ok")},
                       {"reply", reply_json(t.reply)},
                       {"detail", t.detail}});
    }
    return out;
}

Json recipients_json(const std::vector<RecipientResult>& recipients) {
    Json out = Json::array();
    for (const RecipientResult& r : recipients) {
        Json j = {{"address", r.address}, {"accepted", r.accepted()}};
        const Json reply = reply_json(r.reply);
        for (const char* key : {"code", "enhanced", "text"}) {
            j[key] = reply.is_null() ? Json(nullptr) : reply[key];
        }
        out.push_back(std::move(j));
    }
    return out;
}

Json hello_json(const std::optional<HelloRecord>& hello) {
    if (!hello) {
        return nullptr;
    }
    const Capabilities caps = hello->capabilities();
    return {{"command", hello->command},
            {"server_name", caps.server_name()},
            {"capabilities", capabilities_json(caps)},
            {"reply", reply_json(hello->reply)}};
}

std::string join(std::initializer_list<std::string> parts) {
    std::string out = "smtpkit";
    for (const std::string& part : parts) {
        if (!part.empty()) {
            out += ": " + part;
        }
    }
    return out;
}

}  // namespace

std::vector<std::string> probe_lines(const ProbeOutcome& o) {
    std::vector<std::string> lines;
    lines.push_back(row("server", printable(o.server) + " port " + std::to_string(o.port)));
    if (!o.greeting.empty()) {
        lines.push_back(row("greeting", reply_text(o.greeting)));
    }
    if (o.before_tls) {
        add_hello(lines, *o.before_tls, "plaintext");
    }
    if (!o.starttls_reply.empty()) {
        lines.push_back(row("STARTTLS", reply_text(o.starttls_reply)));
    }
    add_tls(lines, o);
    if (o.after_tls) {
        add_hello(lines, *o.after_tls, "over TLS");
    }
    if (const auto names = extended_option_names(o.extended_options); !names.empty()) {
        std::string text;
        for (const std::string& name : names) {
            text += (text.empty() ? "" : " ") + name;
        }
        lines.push_back(row("options", text));
    }
    add_steps(lines, o);
    return lines;
}

std::vector<std::string> probe_error_lines(const ProbeOutcome& o) {
    if (!o.ec) {
        return {};
    }
    if (!o.fix.empty()) {
        return {join({printable(o.subject), o.fix})};
    }
    const bool show_reply = !o.reply.empty() && !o.reply.positive();
    return {join({printable(o.subject), o.ec.message(), printable(o.detail),
                  show_reply ? reply_text(o.reply) : std::string()})};
}

std::string probe_json(const ProbeOutcome& o) {
    Json doc = {{"server", o.server},
                {"port", o.port},
                {"tls_mode", to_string(o.tls_mode)},
                {"greeting", reply_json(o.greeting)},
                {"before_tls", hello_json(o.before_tls)},
                {"starttls", reply_json(o.starttls_reply)},
                {"tls", o.tls.active ? tls_json(o.tls) : Json(nullptr)},
                {"after_tls", hello_json(o.after_tls)},
                {"extended_options", extended_option_names(o.extended_options)}};
    if (o.rejected.active) {
        doc["rejected_certificate"] = tls_json(o.rejected);
    }
    if (!o.auth_trials.empty()) {
        doc["auth_mechanisms"] = trials_json(o.auth_trials);
    }
    if (!o.quit_after.empty()) {
        doc["quit_after"] = o.quit_after;
        if (o.auth) {
            doc["auth"] = {{"requested", o.auth->requested},
                           {"mechanism", o.auth->mechanism},
                           {"result", o.auth->succeeded ? "ok" : "failed"},
                           {"reply", reply_json(o.auth->reply)}};
        }
        doc["mail"] = reply_json(o.mail_reply);
        doc["recipients"] = recipients_json(o.recipients);
    }
    if (o.ec) {
        doc["error"] = error_json(o.ec, o.subject, o.detail, o.reply, nullptr, o.fix);
    }
    return dump(doc);
}

int probe_exit_code(const ProbeOutcome& o) {
    if (o.secret_problem) {
        return EX_CONFIG;
    }
    if (o.ec) {
        return exit_code_for_error(o.ec, o.reply, SendResult{});
    }
    return exit_code_for_recipients(o.recipients);
}

}  // namespace smtpkit::cli
