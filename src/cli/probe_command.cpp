#include "cli/probe_command.hpp"

#include <cstdlib>
#include <iostream>
#include <memory>

#include "cli/connect_client.hpp"
#include "cli/helo_name.hpp"
#include "cli/probe_report.hpp"
#include "cli/trace_printer.hpp"
#include "smtpkit/client.hpp"
#include "smtpkit/error.hpp"

namespace smtpkit::cli {
namespace {

constexpr int max_timeout_seconds = 24 * 60 * 60;

const char* const probe_help_footer =
    R"(Connects, reads the greeting, says EHLO and reports the capabilities the
server offers (keywords with their parameters). With --tls starttls it then
says STARTTLS and reports the TLS session (protocol, cipher, certificate
subject, issuer, validity, SHA-256 fingerprint, verification result) and the
capabilities offered over TLS; with --tls implicit (or port 465) the session is
TLS from the first byte. Then it says QUIT. It never sends MAIL.

When the certificate is refused, the probe connects once more with
verification off, only to show the certificate the server presents, and still
exits 69. With --trusted-site a certificate that does not verify is reported
("verified NO: ...") and the probe exits 0 if the session worked.

--trace prints the dialogue on stderr, as for send. --proxy, --proxy-user
(password from SMTPKIT_PROXY_PASSWORD) and --prefer-ipv6 work as for send.

Exit status: 0 when the session (and TLS, when asked for) was established;
otherwise as for send: 64 bad command line, 68 unknown host, 69 permanent
refusal, no STARTTLS or a certificate that does not verify, 75 temporary
failure (timeout, refused connection), 76 protocol violation or failed TLS
handshake, 77 proxy credentials refused or missing, 78 local TLS files
(--cafile, --capath) that cannot be loaded.)";

ProbeOutcome connect_and_record(const ProbeOptions& o, const ConnectOptions& options) {
    ProbeOutcome out;
    out.server = o.server;
    out.tls_mode = effective_tls_mode(o.tls, o.port, o.server);
    out.trusted_site = o.tls.trusted_site;
    out.port = effective_port(static_cast<std::uint16_t>(o.port), options.security);

    Client client;
    if (o.trace) {
        client.set_trace(TracePrinter(std::cerr));
    }
    connect_client(client, o.server, out.port, options, out.ec, out.detail);
    out.tls = client.security_info();
    out.extended_options = client.extended_options();
    if (out.ec) {
        out.subject = "connecting to " + o.server + " port " + std::to_string(out.port);
        if (options.proxy.enabled()) {
            out.subject += " through " + describe_proxy(options.proxy);
        }
        out.reply = client.last_reply();
    } else {
        std::error_code ignored;  // the probe has its answer; a failing QUIT changes nothing
        client.quit(ignored);
    }
    const SessionOpening& opening = client.opening();
    out.greeting = opening.greeting;
    out.before_tls = opening.before_tls;
    out.starttls_reply = opening.starttls;
    out.after_tls = opening.after_tls;
    return out;
}

// The library drops a session whose certificate it refuses, and what it
// refused is then gone. A probe exists to show it, so look once more with
// verification off. Nothing but EHLO, STARTTLS and QUIT is sent on that
// session, so not trusting it costs nothing.
SecurityInfo look_at_refused_certificate(const ProbeOptions& o, ConnectOptions options) {
    options.options |= Option::trusted_site;
    if (o.trace) {
        std::cerr << "* connecting again with verification off, to show the certificate\n";
    }
    Client client;
    if (o.trace) {
        client.set_trace(TracePrinter(std::cerr));
    }
    std::error_code ec;
    client.connect(o.server, static_cast<std::uint16_t>(o.port), options, ec);
    SecurityInfo info = client.security_info();
    client.quit(ec);
    return info;
}

void report(const ProbeOptions& o, const ProbeOutcome& out) {
    if (o.json) {
        std::cout << probe_json(out) << '\n';
    } else {
        for (const std::string& line : probe_lines(out)) {
            std::cout << line << '\n';
        }
    }
    std::cout.flush();
    for (const std::string& line : probe_error_lines(out)) {
        std::cerr << line << '\n';
    }
}

}  // namespace

ConnectOptions connect_options(const ProbeOptions& o) {
    ConnectOptions c;
    c.extended = true;  // the capabilities are the point
    apply_tls_flags(o.tls, o.port, o.server, c);
    apply_proxy_flags(o.proxy, std::getenv(proxy_password_variable), c);
    c.timeout = std::chrono::seconds(o.timeout);
    c.helo_name = o.helo;
    return c;
}

int run_probe(const ProbeOptions& o) {
    for (const std::string& line : tls_warnings(o.tls)) {
        std::cerr << line << '\n';
    }
    const ConnectOptions options = connect_options(o);
    ProbeOutcome out;
    if (std::string why; !check_tls_files(o.tls, why)) {
        out.server = o.server;
        out.port = effective_port(static_cast<std::uint16_t>(o.port), options.security);
        out.tls_mode = effective_tls_mode(o.tls, o.port, o.server);
        out.ec = make_error_code(error::tls_setup_failed);  // a local TLS file: exits 78
        out.subject = std::move(why);
    } else {
        out = connect_and_record(o, options);
    }
    if (is_certificate_error(out.ec)) {
        out.rejected = look_at_refused_certificate(o, options);
    }
    report(o, out);
    return probe_exit_code(out);
}

Subcommand add_probe_command(CLI::App& tool) {
    auto options = std::make_shared<ProbeOptions>();
    CLI::App* cmd = tool.add_subcommand(
        "probe", "Show a server's greeting, capabilities and TLS; send nothing");
    cmd->footer(probe_help_footer);
    add_probe_flags(*cmd, *options);
    return Subcommand{cmd, [options] { return run_probe(*options); }};
}

void add_probe_flags(CLI::App& cmd, ProbeOptions& o) {
    cmd.add_option("--server", o.server, "SMTP server name or address")
        ->type_name("HOST")
        ->required();
    cmd.add_option("--port", o.port, "Server port (0: 25, or 465 with --tls implicit; 465: TLS)")
        ->type_name("N")
        ->check(CLI::Range(0, 65535).description(""))
        ->capture_default_str();
    cmd.add_option("--timeout", o.timeout, "Limit for connecting and for each reply")
        ->type_name("SECONDS")
        ->check(CLI::Range(1, max_timeout_seconds).description(""))
        ->capture_default_str();
    cmd.add_option("--helo", o.helo, "Name for EHLO (default: host name)")
        ->type_name("NAME")
        ->check(helo_name_validator());
    add_tls_flags(cmd, o.tls, o.port, o.server, false);
    add_proxy_flags(cmd, o.proxy);
    cmd.add_flag("--trace", o.trace, "Print the SMTP dialogue on stderr");
    cmd.add_flag("--json", o.json, "Print the report as JSON on stdout");
}

}  // namespace smtpkit::cli
