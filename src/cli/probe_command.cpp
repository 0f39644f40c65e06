#include "cli/probe_command.hpp"

#include <cstdlib>
#include <iostream>
#include <memory>

#include "cli/address_input.hpp"
#include "cli/connect_client.hpp"
#include "cli/error_advice.hpp"
#include "cli/exit_status_text.hpp"
#include "cli/login.hpp"
#include "cli/login_secret.hpp"
#include "cli/probe_auth.hpp"
#include "cli/probe_report.hpp"
#include "cli/refused_certificate.hpp"
#include "cli/terminal.hpp"
#include "cli/trace_printer.hpp"
#include "smtpkit/client.hpp"
#include "smtpkit/error.hpp"

namespace smtpkit::cli {
namespace {

const ConnectionDefaults probe_defaults{30, "", "Print the report as JSON on stdout"};

const char* const probe_help =
    R"(Connects, reads the greeting, says EHLO and reports the capabilities the
server offers (keywords with their parameters). With --tls starttls it then
says STARTTLS and reports the TLS session (protocol, cipher, certificate
subject, issuer, validity, SHA-256 fingerprint, verification result) and the
capabilities offered over TLS; with --tls implicit (or port 465) the session is
TLS from the first byte. Then it says QUIT. It never sends a message.

When the certificate is refused, the probe connects once more with
verification off, only to show the certificate the server presents, and still
exits 69. With --trusted-site a certificate that does not verify is reported
("verified NO: ...") and the probe exits 0 if the session worked.

--user NAME (the password as for send) tries each AUTH mechanism the server
offers, each on a session of its own, and reports which work; --auth MECH
tries that one only. It exits 0 when one works.

--quit-after STEP stops after a step of a transaction, as swaks does:
connect (the greeting; the library opens a session with EHLO in the same step,
so it is said too), ehlo (no STARTTLS), tls (the default), auth (log in once
with --user), mail (MAIL FROM --from) or rcpt (RCPT TO each --to: would the
server take these recipients?). No message is ever sent: QUIT follows.

--trace prints the dialogue on stderr, as for send. --proxy, --proxy-user
(password from SMTPKIT_PROXY_PASSWORD), --prefer-ipv6 and --account work as
for send.

)";

bool after_tls_steps(const std::string& step) {
    return step == "auth" || step == "mail" || step == "rcpt";
}

ProbeOutcome start_outcome(const ProbeOptions& o, const ConnectOptions& options) {
    const ConnectionFlags& c = o.connection;
    ProbeOutcome out;
    out.server = c.server;
    out.tls_mode = options.security == Security::plaintext
                       ? TlsMode::none
                       : effective_tls_mode(c.tls, c.port, c.server);
    out.trusted_site = c.tls.trusted_site;
    out.port = effective_port(static_cast<std::uint16_t>(c.port), options.security);
    out.quit_after = o.quit_after;
    return out;
}

void record_opening(const Client& client, ProbeOutcome& out) {
    const SessionOpening& opening = client.opening();
    out.greeting = opening.greeting;
    out.before_tls = opening.before_tls;
    out.starttls_reply = opening.starttls;
    out.after_tls = opening.after_tls;
    out.tls = client.security_info();
    out.extended_options = client.extended_options();
}

// --quit-after auth, mail, rcpt on the main session.
void run_steps(Client& client, const ProbeOptions& o, std::string& secret,
               const std::string& auth_sent, ProbeOutcome& out) {
    if (wants_auth(o.connection.auth)) {
        out.auth = log_in(client, o.connection.auth, secret, auth_sent, out.ec, out.detail);
        if (out.ec) {
            out.subject = auth_sent.empty()
                              ? "authentication (--auth " + o.connection.auth.mechanism + ")"
                              : "authentication with " + auth_sent;
            out.reply = client.last_reply();
            return;
        }
    }
    if (o.quit_after == "auth") {
        return;
    }
    std::error_code ec;
    Envelope envelope;
    envelope.from = mailbox_address(o.from, true, ec);
    out.mail_reply = client.begin_message(envelope, std::nullopt, out.ec);
    if (out.ec) {
        out.subject = "MAIL FROM:<" + envelope.from + ">";
        out.reply = client.last_reply();
        return;
    }
    for (const std::string& list : o.quit_after == "rcpt" ? o.to : std::vector<std::string>{}) {
        for (const std::string& address : list_addresses(list, ec)) {
            const Reply reply = client.add_recipient(Recipient{address}, out.ec);
            if (out.ec) {
                out.subject = "RCPT TO:<" + address + ">";
                out.reply = client.last_reply();
                return;
            }
            out.recipients.push_back({address, reply});
        }
    }
}

// When no mechanism worked, the run failed: with the first failure's error,
// or auth_mechanism_not_offered when there was none to try.
void judge_trials(const ProbeOptions& o, const std::vector<std::string>& offered,
                  ProbeOutcome& out) {
    const MechanismTrial* failed = nullptr;
    for (const MechanismTrial& t : out.auth_trials) {
        if (t.tried && !t.ec) {
            return;
        }
        if (t.tried && failed == nullptr) {
            failed = &t;
        }
    }
    if (failed != nullptr) {
        out.ec = failed->ec;
        out.reply = failed->reply;
        out.subject = "no AUTH mechanism worked for " + o.connection.auth.user;
        return;
    }
    out.ec = make_error_code(error::auth_mechanism_not_offered);
    out.subject = "no AUTH mechanism to try";
    std::string list;
    for (const std::string& name : offered) {
        list += (list.empty() ? "" : " ") + name;
    }
    out.detail = offered.empty() ? "the server offers no AUTH"
                                 : "the server offers " + list +
                                       (o.connection.auth.mechanism == "auto"
                                            ? ""
                                            : ", not " + o.connection.auth.mechanism);
}

void explain_failure(const ProbeOptions& o, const ConnectOptions& options, ProbeOutcome& out) {
    ConnectContext context{o.connection.server,  out.port, out.tls_mode,
                           o.connection.timeout, {},       out.detail};
    if (is_certificate_error(out.ec)) {
        out.rejected = look_at_refused_certificate(o.connection.server,
                                                   static_cast<std::uint16_t>(o.connection.port),
                                                   options, o.connection.trace);
        context.refused = out.rejected;
    }
    const Advice advice = connect_advice(out.ec, context);
    if (!advice.cause.empty()) {
        out.subject = advice.cause;
        out.fix = advice.fix;
    }
}

ProbeOutcome probe(const ProbeOptions& o, const ConnectOptions& options, std::string& secret) {
    ProbeOutcome out = start_outcome(o, options);
    Client client;
    std::string auth_sent;  // the mechanism of the AUTH line, for --quit-after auth
    client.set_trace([printer = TracePrinter(std::cerr), &o, &auth_sent](
                         TraceDirection direction, std::string_view line) mutable {
        if (direction == TraceDirection::client && auth_sent.empty()) {
            auth_sent = auth_mechanism_in(line);
        }
        if (o.connection.trace) {
            printer(direction, line);
        }
    });
    connect_client(client, o.connection.server, out.port, options, out.ec, out.detail);
    record_opening(client, out);
    if (out.ec) {
        out.subject = "connecting to " + o.connection.server + " port " + std::to_string(out.port);
        if (options.proxy.enabled()) {
            out.subject += " through " + describe_proxy(options.proxy);
        }
        out.reply = client.last_reply();
        explain_failure(o, options, out);
        return out;
    }
    std::error_code ignored;  // the probe has its answer; a failing RSET or QUIT changes nothing
    if (after_tls_steps(o.quit_after)) {
        run_steps(client, o, secret, auth_sent, out);
        if (!out.mail_reply.empty()) {
            // The transaction is open: give it up (RSET) so that QUIT follows
            // on a clean session, as swaks does.
            client.abort_message(ignored);
        }
    }
    client.quit(ignored);
    if (o.quit_after.empty() && wants_auth(o.connection.auth)) {
        const std::vector<std::string> offered = client.capabilities().auth_mechanisms();
        out.auth_trials = try_mechanisms(o, options, offered, secret);
        judge_trials(o, offered, out);
    }
    return out;
}

// The secret for --user, read before connecting; false with `out` set.
bool read_probe_secret(const ProbeOptions& o, std::string& secret, ProbeOutcome& out) {
    std::vector<std::string> warnings;
    SecretProblem problem;
    const bool ok =
        read_secret(o.connection.auth, std::getenv(password_variable), secret, problem, warnings);
    for (const std::string& line : warnings) {
        print_warning(line);
    }
    if (!ok) {
        out.ec = problem.ec;
        out.subject = std::move(problem.about);
        out.detail = std::move(problem.detail);
        out.secret_problem = true;
    }
    return ok;
}

void report(const ProbeOptions& o, const ProbeOutcome& out) {
    if (o.connection.json) {
        std::cout << probe_json(out) << '\n';
    } else {
        for (const std::string& line : probe_lines(out)) {
            std::cout << line << '\n';
        }
    }
    std::cout.flush();
    for (const std::string& line : probe_error_lines(out)) {
        print_error(line);
    }
}

void settle(const CLI::App& cmd, ProbeOptions& o) {
    settle_connection_flags(cmd, o.connection, probe_defaults);
    if (o.from.empty() && o.connection.account_from) {
        o.from = o.connection.account_from->value;
    }
    if (o.quit_after == "auth" && !wants_auth(o.connection.auth)) {
        throw CLI::ValidationError("--quit-after auth needs --user NAME");
    }
    if ((o.quit_after == "mail" || o.quit_after == "rcpt") && o.from.empty()) {
        throw CLI::ValidationError("--quit-after " + o.quit_after + " needs --from ADDR");
    }
    if (o.quit_after == "rcpt" && o.to.empty()) {
        throw CLI::ValidationError("--quit-after rcpt needs --to ADDR");
    }
    if (!o.to.empty() && o.quit_after != "rcpt") {
        throw CLI::ValidationError("--to goes with --quit-after rcpt");
    }
    std::error_code ec;
    if (!o.from.empty() && (mailbox_address(o.from, true, ec), ec)) {
        throw CLI::ValidationError("--from: not an address: " + o.from);
    }
    for (const std::string& list : o.to) {
        if (list_addresses(list, ec), ec) {
            throw CLI::ValidationError("--to: not an address list: " + list);
        }
    }
}

}  // namespace

ConnectOptions probe_connect_options(const ProbeOptions& o) {
    ConnectOptions c = connect_options(o.connection);
    c.extended = true;  // the capabilities are the point
    // --quit-after connect: the greeting and QUIT, nothing else on the wire.
    c.greeting_only = o.quit_after == "connect";
    const bool before_tls = o.quit_after == "connect" || o.quit_after == "ehlo";
    if (before_tls && c.security != Security::implicit_tls) {
        // Stop before STARTTLS: a plaintext session, without the TLS settings
        // that would make no sense on it.
        c.security = Security::plaintext;
        c.options &= ~(Option::trusted_site | Option::secure_fallback);
        c.tls = {};
    }
    return c;
}

int run_probe(const ProbeOptions& o) {
    for (const std::string& line : connection_warnings(o.connection)) {
        print_warning(line);
    }
    const ConnectOptions options = probe_connect_options(o);
    ProbeOutcome out = start_outcome(o, options);
    WipedString secret;
    if (std::string why; !check_tls_files(o.connection.tls, why)) {
        out.ec = make_error_code(error::tls_setup_failed);  // a local TLS file: exits 78
        out.subject = std::move(why);
    } else if (!wants_auth(o.connection.auth) || read_probe_secret(o, secret.value, out)) {
        out = probe(o, options, secret.value);
    }
    report(o, out);
    return probe_exit_code(out);
}

Subcommand add_probe_command(CLI::App& tool) {
    auto options = std::make_shared<ProbeOptions>();
    CLI::App* cmd = tool.add_subcommand(
        "probe", "Show a server's greeting, capabilities, TLS and logins; send nothing");
    add_probe_flags(*cmd, *options);
    return Subcommand{cmd, [options] { return run_probe(*options); }};
}

void add_probe_flags(CLI::App& cmd, ProbeOptions& o) {
    add_connection_flags(cmd, o.connection, probe_defaults);
    cmd.add_option("--quit-after", o.quit_after,
                   "Stop after connect, ehlo, tls, auth, mail or rcpt (then QUIT)")
        ->type_name("STEP")
        ->check(CLI::IsMember({"connect", "ehlo", "tls", "auth", "mail", "rcpt"}));
    cmd.add_option("--from", o.from, "--quit-after mail/rcpt: the sender for MAIL FROM")
        ->type_name("ADDR");
    cmd.add_option("--to", o.to, "--quit-after rcpt: a recipient for RCPT TO; repeat for more")
        ->type_name("ADDR")
        ->allow_extra_args(false);
    cmd.footer(probe_help + exit_status_help({0, 64, 68, 69, 75, 76, 77, 78}));
    cmd.final_callback([&cmd, &o] { settle(cmd, o); });
}

}  // namespace smtpkit::cli
