#include "cli/send_command.hpp"

#include <sysexits.h>

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>

#include "cli/connect_client.hpp"
#include "cli/exit_codes.hpp"
#include "cli/helo_name.hpp"
#include "cli/json_output.hpp"
#include "cli/send_batch.hpp"
#include "cli/send_report.hpp"
#include "cli/trace_printer.hpp"
#include "smtpkit/protocol/address.hpp"
#include "smtpkit/smtpkit.hpp"

namespace smtpkit::cli {
namespace {

constexpr int max_timeout_seconds = 24 * 60 * 60;

const char* const send_help_footer =
    R"(Without --message, a plain-text UTF-8 message is composed from --from, --to,
--subject and --text (Date, Message-ID and MIME headers added). --message sends
a complete message file as it is ('-' reads stdin); its headers are not read
for recipients: --to lists them all, Bcc included.

TLS: --tls starttls or --tls implicit REQUIRE TLS: without it nothing is sent.
Without --tls, port 465 means implicit TLS and every other port plaintext; an
explicit --tls none speaks plaintext even to port 465. The certificate must
chain to a trusted CA (the system's, or --cafile/--capath) and name --server;
--trusted-site skips that check and --secure-fallback allows TLS 1.0/1.1, both
DANGEROUS and warned about. An encrypted --key takes its password from the first
line of --key-password-file, never from the command line.

Login (SMTP AUTH): --user NAME logs in before sending; the password comes from
the first line of --password-file FILE or else from the SMTPKIT_PASSWORD
environment variable, NEVER from the command line (other users can read a
process's arguments). A file that other users may read is used with a warning.
--auth auto picks the strongest mechanism the server offers (SCRAM-SHA-256,
SCRAM-SHA-1, CRAM-MD5, PLAIN, LOGIN); with --oauth-token-file it picks
OAUTHBEARER or XOAUTH2. --auth external logs in with the client certificate
(--cert) and takes no secret. PLAIN, LOGIN and OAuth show the secret to anyone
on the network path, so without TLS they are refused (exit 78);
--allow-insecure-auth is DANGEROUS: it lets them go in the clear. The secret
never appears in --trace ("C: AUTH PLAIN <redacted>"), --json or errors.
Tunnels: --proxy socks5://HOST:PORT (the proxy resolves --server), --proxy
http://HOST:PORT (HTTP CONNECT) or --proxy forward://HOST:PORT (a port forward
that leads to --server). TLS still verifies --server. A proxy user goes in the
URL (socks5://USER@HOST:PORT) or --proxy-user; its password only in the
environment variable SMTPKIT_PROXY_PASSWORD, never on the command line.
--prefer-ipv6 tries the server's IPv6 addresses first; addresses are raced
250 ms apart (Happy Eyeballs), so a dead one does not cost the timeout.

--trace lines start with "C: " (client), "S: " (server) or "* " (notes, such
as the TLS protocol, cipher and verification result).
--json prints verdict, the reply to each step, each recipient's reply, round
trips and bytes, the TLS session ("tls"), the login ("auth": mechanism, result,
the server's reply) and the error when the send failed.

Exit status:
  0   every recipient was accepted and the server took the message
  64  bad command line
  65  bad address, subject or text (or a UTF-8 address the server cannot take)
  66  the --message file or stdin could not be read
  68  the server's host name does not resolve
  69  a permanent (5xx) refusal, including any recipient refused permanently
      while the message went to the others, or TLS required and not possible
  70  internal error
  75  a temporary failure: 4xx refusal (a 454 to AUTH too), timeout, connection
      refused/reset/closed, or the connection lost after the message was sent
      (it may have arrived)
  76  the server broke the SMTP protocol, the TLS handshake failed, or the
      login exchange did (a garbled challenge; a SCRAM server that cannot
      prove it knows the password)
  77  the login was refused (535: wrong user name or password), or the proxy
      refused the proxy user or password, or wants them
  78  the local TLS settings could not be loaded; the password or token file
      could not be read or is empty; or the login cannot work as configured:
      --auth mechanism not offered, no TLS for a clear-text password, or the
      server wants a stronger mechanism (534) or encryption (538))";

// Canonical address, or the outcome of a bad one.
bool check_address(const std::string& input, bool sender, bool allow_null, std::string& canonical,
                   SendOutcome& out) {
    // UTF-8 passes here; whether the server takes it (SMTPUTF8) is known later.
    const protocol::AddressRules rules{.allow_utf8 = true, .allow_null = allow_null};
    canonical = protocol::canonical_address(input, rules, out.ec);
    if (out.ec) {
        out.subject = std::string(sender ? "bad sender address \"" : "bad recipient address \"") +
                      input + "\"";
        return false;
    }
    return true;
}

bool build_envelope(const SendOptions& o, Envelope& envelope, SendOutcome& out) {
    // A null sender (bounces) only makes sense with a ready-made message: a
    // composed one needs a From header.
    if (!check_address(o.from, true, !o.message_file.empty(), envelope.from, out)) {
        return false;
    }
    for (const std::string& to : o.to) {
        std::string canonical;
        if (!check_address(to, false, false, canonical, out)) {
            return false;
        }
        envelope.to.emplace_back(std::move(canonical));
    }
    apply_envelope_flags(o.transfer, envelope);
    return true;
}

std::string message_file_name(const SendOptions& o) {
    return o.message_file == "-" ? std::string("the message on stdin")
                                 : "message file \"" + o.message_file + "\"";
}

// The --message file or stdin; opened now so a typo fails before connecting.
std::optional<MessageSource> open_message_file(const SendOptions& o, SendOutcome& out) {
    if (o.message_file == "-") {
        return MessageSource::from_stream(std::cin);
    }
    const std::filesystem::path path(o.message_file);
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
        out.ec = std::make_error_code(std::errc::is_a_directory);
    } else if (std::ifstream probe(path, std::ios::binary); !probe.is_open()) {
        out.ec = std::error_code(errno != 0 ? errno : ENOENT, std::generic_category());
    } else {
        return MessageSource::from_file(path);
    }
    out.stage = Stage::read_message;
    out.subject = "cannot read " + message_file_name(o);
    return std::nullopt;
}

// What goes out: a ready message (--message) or one composed from the
// flags with the message layer, rendered once the server is known.
struct Content {
    std::optional<MessageSource> file;
    std::optional<Message> composed;
};

// Runs one setter of the message; a refusal names the flag it came from.
template <class Set>
bool compose_field(const char* flag, SendOutcome& out, Set&& set) {
    try {
        set();
        return true;
    } catch (const system_error& e) {
        out.ec = e.code();
        out.subject = std::string("bad ") + flag;
        out.detail = e.what();
        return false;
    }
}

// From the flags: From, every --to in To, Subject, a text/plain UTF-8 body.
// The envelope stays the command line's (--from, --to).
std::optional<Message> compose(const SendOptions& o, SendOutcome& out) {
    Message m;
    const bool ok =
        compose_field("--from", out, [&] { m.from(o.from); }) &&
        std::all_of(
            o.to.begin(), o.to.end(),
            [&](const std::string& to) { return compose_field("--to", out, [&] { m.to(to); }); }) &&
        (o.subject.empty() || compose_field("--subject", out, [&] { m.subject(o.subject); })) &&
        compose_field("--text", out, [&] { m.text(o.text); });
    if (!ok) {
        return std::nullopt;
    }
    return m;
}

// The password or token, read before connecting so that a missing file
// costs no connection. Warnings (a file others may read) go to stderr.
bool read_login_secret(const SendOptions& o, std::string& secret, SendOutcome& out) {
    std::vector<std::string> warnings;
    SecretProblem problem;
    const bool ok = read_secret(o.auth, std::getenv(password_variable), secret, problem, warnings);
    for (const std::string& line : warnings) {
        std::cerr << line << '\n';
    }
    if (!ok) {
        out.stage = Stage::read_secret;  // exits 78: the local setup is wrong
        out.ec = problem.ec;
        out.subject = std::move(problem.about);
        out.detail = std::move(problem.detail);
    }
    return ok;
}

bool is_source_error(std::error_code ec) {
    return ec == error::source_read_failed || ec == error::source_truncated ||
           ec == error::source_grew || ec == error::source_already_read;
}

void deliver(const SendOptions& o, const Envelope& envelope, const Content& content,
             SendOutcome& out) {
    Client client;
    std::string auth_sent;  // the mechanism in the AUTH line, seen in the trace
    client.set_trace([printer = TracePrinter(std::cerr), &o, &auth_sent](
                         TraceDirection direction, std::string_view line) mutable {
        if (direction == TraceDirection::client && auth_sent.empty()) {
            auth_sent = auth_mechanism_in(line);
        }
        if (o.trace) {
            printer(direction, line);
        }
    });
    ConnectOptions options = connect_options(o);
    const auto port = static_cast<std::uint16_t>(o.port);

    WipedString secret;
    if (wants_auth(o.auth) && !read_login_secret(o, secret.value, out)) {
        return;
    }
    out.stage = Stage::connect;
    if (!check_tls_files(o.tls, out.subject) ||
        (!o.tls.key_password_file.empty() &&
         !read_key_password(o.tls.key_password_file, options.tls.key_password, out.subject))) {
        out.ec = make_error_code(error::tls_setup_failed);  // a local TLS file: exits 78
        return;
    }
    connect_client(client, o.server, port, options, out.ec, out.detail);
    out.security = client.security_info();
    if (out.ec) {
        out.subject = "connecting to " + o.server + " port " +
                      std::to_string(effective_port(port, options.security));
        if (options.proxy.enabled()) {
            out.subject += " through " + describe_proxy(options.proxy);
        }
        out.reply = client.last_reply();
        return;
    }
    if (wants_auth(o.auth)) {
        out.stage = Stage::authenticate;
        out.auth = log_in(client, o.auth, secret.value, auth_sent, out.ec, out.detail);
        if (out.ec) {
            out.subject = auth_sent.empty() ? "authentication (--auth " + o.auth.mechanism + ")"
                                            : "authentication with " + auth_sent;
            out.reply = client.last_reply();
            std::error_code ignored;
            client.quit(ignored);
            return;
        }
    }
    out.stage = Stage::send;
    // A composed message is rendered for this server (8BITMIME, SMTPUTF8).
    MessageSource message =
        content.file ? *content.file
                     : content.composed->source(client.render_options(*content.composed));
    if (!apply_dkim(o.dkim, message, out)) {
        std::error_code ignored;
        client.quit(ignored);
        return;
    }
    if (o.transfer.repeat > 1) {
        send_repeated(client, envelope, message, static_cast<std::size_t>(o.transfer.repeat), out);
    } else {
        out.result = client.send(envelope, message, out.ec);
        if (!out.ec) {
            out.ec = out.result.error;  // a refusal: the answer decides the exit status
        }
    }
    if (is_source_error(out.ec)) {
        out.stage = Stage::read_message;
        out.subject = "cannot read " + message_file_name(o);
        out.detail = client.last_error_detail();
    } else if (out.ec) {
        out.reply = client.last_reply();
    } else {
        out.stage = Stage::done;
    }
    // The outcome is known; a failing QUIT changes nothing about it.
    std::error_code ignored;
    client.quit(ignored);
}

void report(const SendOptions& o, const SendOutcome& out) {
    if (o.json) {
        std::cout << json_report(out) << '\n';
    } else {
        for (const std::string& line : summary_lines(out)) {
            std::cout << line << '\n';
        }
    }
    std::cout.flush();
    for (const std::string& line : error_lines(out)) {
        std::cerr << line << '\n';
    }
}

}  // namespace

ConnectOptions connect_options(const SendOptions& o) {
    ConnectOptions c;
    c.extended = !o.no_extended;
    apply_tls_flags(o.tls, o.port, o.server, c);
    apply_transfer_flags(o.transfer, c);
    apply_auth_flags(o.auth, c);
    apply_proxy_flags(o.proxy, std::getenv(proxy_password_variable), c);
    c.timeout = std::chrono::seconds(o.timeout);
    c.helo_name = o.helo;
    return c;
}

int run_send(const SendOptions& o) {
    SendOutcome out;
    Envelope envelope;
    if (build_envelope(o, envelope, out)) {
        Content content;
        if (o.message_file.empty()) {
            content.composed = compose(o, out);
        } else {
            content.file = open_message_file(o, out);
        }
        if (content.file || content.composed) {
            for (const std::string& line : tls_warnings(o.tls)) {
                std::cerr << line << '\n';
            }
            for (const std::string& line : auth_warnings(o.auth)) {
                std::cerr << line << '\n';
            }
            deliver(o, envelope, content, out);
        }
    }
    report(o, out);
    return exit_code(out);
}

Subcommand add_send_command(CLI::App& tool) {
    auto options = std::make_shared<SendOptions>();
    CLI::App* cmd = tool.add_subcommand("send", "Send one message to one or more recipients");
    cmd->footer(send_help_footer);
    add_send_flags(*cmd, *options);
    return Subcommand{cmd, [options] { return run_send(*options); }};
}

void add_send_flags(CLI::App& cmd, SendOptions& o) {
    cmd.add_option("--server", o.server, "SMTP server name or address")
        ->type_name("HOST")
        ->capture_default_str();
    cmd.add_option("--port", o.port, "Server port (0: 25, or 465 with --tls implicit; 465: TLS)")
        ->type_name("N")
        ->check(CLI::Range(0, 65535).description(""))
        ->capture_default_str();
    cmd.add_option("--timeout", o.timeout, "Limit for connecting and for each reply")
        ->type_name("SECONDS")
        ->check(CLI::Range(1, max_timeout_seconds).description(""))
        ->capture_default_str();
    cmd.add_option("--from", o.from, "Sender (MAIL FROM; From: if composed)")
        ->type_name("ADDR")
        ->required();
    cmd.add_option("--to", o.to, "Recipient; repeat for more")
        ->type_name("ADDR")
        ->allow_extra_args(false)  // one address per --to: a stray word is an error
        ->required();
    CLI::Option* subject = cmd.add_option("--subject", o.subject, "Subject of the composed message")
                               ->type_name("TEXT");
    CLI::Option* text =
        cmd.add_option("--text", o.text, "Body of the composed message")->type_name("TEXT");
    cmd.add_option("--message", o.message_file, "Send this RFC 5322 message as it is")
        ->type_name("FILE|-")
        ->excludes(subject)
        ->excludes(text);
    cmd.add_option("--helo", o.helo, "Name for EHLO/HELO (default: host name)")
        ->type_name("NAME")
        ->check(helo_name_validator());
    cmd.add_flag("--no-extended", o.no_extended, "HELO only, no ESMTP extensions");
    add_tls_flags(cmd, o.tls, o.port, o.server, true);
    add_transfer_flags(cmd, o.transfer, o.tls, o.port, o.server);
    add_dkim_flags(cmd, o.dkim);
    add_auth_flags(cmd, o.auth, o.tls);
    add_proxy_flags(cmd, o.proxy);
    cmd.add_flag("--trace", o.trace, "Print the SMTP dialogue on stderr");
    cmd.add_flag("--json", o.json, "Print the result as JSON on stdout");
}

}  // namespace smtpkit::cli
