#include "cli/send_command.hpp"

#include <unistd.h>

#include <algorithm>
#include <iostream>
#include <memory>

#include "cli/exit_codes.hpp"
#include "cli/exit_status_text.hpp"
#include "cli/json_output.hpp"
#include "cli/progress_bar.hpp"
#include "cli/send_batch.hpp"
#include "cli/send_plan.hpp"
#include "cli/send_report.hpp"
#include "cli/session.hpp"
#include "cli/terminal.hpp"

namespace smtpkit::cli {
namespace {

const ConnectionDefaults send_defaults{};

const char* const send_help =
    R"(Without --message, a message is composed from --from, --to, --cc, --bcc,
--reply-to, --subject, --text or --text-file, --html-file, --attach, --inline
and --header (Date, Message-ID and MIME headers added; Bcc only in the
envelope). Addresses may carry display names: --to 'Ann <ann@example.org>'.
--message sends a complete message file as it is ('-' reads stdin); repeat it
to send several on one session. Without --to the recipients are the file's
To, Cc and Bcc, and its Bcc fields are taken out of what is sent; without
--from (or an account's from) the sender is its Sender or From.

Accounts: --account NAME (or the file's default) takes server, port, tls,
cafile, auth, user, the password source and from from the config file
(~/.config/smtpkit/config.toml, /etc/smtpkit.toml, or --config FILE); flags
given on the command line win. See smtpkit(1).

TLS: --tls starttls or --tls implicit REQUIRE TLS: without it nothing is sent.
Without --tls TLS is required too: implicit on port 465, STARTTLS elsewhere;
only a loopback server (localhost, 127.0.0.1, ::1) defaults to plaintext.
--tls opportunistic uses STARTTLS when offered; --tls none is plaintext. The
certificate must chain to a trusted CA (the system's, or --cafile/--capath)
and name --server; --trusted-site skips that check and --secure-fallback
allows TLS 1.0/1.1, both DANGEROUS and warned about. An encrypted --key takes
its password from the first line of --key-password-file.

Login (SMTP AUTH): --user NAME logs in before sending; the password comes
from --password-file FILE, else the SMTPKIT_PASSWORD environment variable,
else the account's password_command, password_file, password_env or
password, NEVER from the command line. --auth auto picks the strongest
mechanism offered (SCRAM-SHA-256, SCRAM-SHA-1, CRAM-MD5, PLAIN, LOGIN; with
--oauth-token-file OAUTHBEARER or XOAUTH2); --auth external uses --cert.
PLAIN, LOGIN and OAuth are refused without TLS (exit 78) unless
--allow-insecure-auth (DANGEROUS). The secret never appears in --trace
("C: AUTH PLAIN <redacted>"), --json or errors.

Tunnels: --proxy socks5://HOST:PORT, http://HOST:PORT (HTTP CONNECT) or
forward://HOST:PORT; a proxy user in the URL or --proxy-user, its password
only in SMTPKIT_PROXY_PASSWORD. --prefer-ipv6 tries IPv6 addresses first.

--trace prints the dialogue on stderr ("C: ", "S: ", "* " notes). --json
prints the verdict, every reply, round trips, bytes, "tls", "auth" and the
error on stdout. A progress bar goes to stderr for a message over 1 MB or
over 100 messages, when stderr is a terminal and without --quiet.

)";

bool is_source_error(std::error_code ec) {
    return ec == error::source_read_failed || ec == error::source_truncated ||
           ec == error::source_grew || ec == error::source_already_read;
}

void send_all(Session& session, const SendOptions& o, const std::vector<PlannedMessage>& plan,
              SendOutcome& out) {
    Client& client = session.client();
    std::vector<OutgoingMessage> messages = outgoing_messages(client, plan, o.transfer);
    for (OutgoingMessage& m : messages) {
        if (!apply_dkim(o.dkim, m.message, out)) {
            return;  // the key, the settings or the message: said in `out`
        }
    }
    const ProgressBar progress(client, messages.size(), progress_allowed(o.quiet), std::cerr);
    if (messages.size() > 1) {
        send_batch(client, std::move(messages), out);
        return;
    }
    out.result = client.send(messages[0].envelope, messages[0].message, out.ec);
    if (!out.ec) {
        out.ec = out.result.error;  // a refusal: the answer decides the exit status
    }
}

void deliver(const SendOptions& o, const std::vector<PlannedMessage>& plan, SendOutcome& out) {
    Session session(o.connection);
    if (!session.open(send_connect_options(o), out)) {
        return;
    }
    out.stage = Stage::send;
    send_all(session, o, plan, out);
    if (is_source_error(out.ec)) {
        out.stage = Stage::read_message;
        out.subject = "cannot read the message";
        out.detail = session.client().last_error_detail();
    } else if (out.ec) {
        out.reply = session.client().last_reply();
    } else {
        out.stage = Stage::done;
    }
    session.close();
}

void report(const SendOptions& o, const SendOutcome& out) {
    if (o.connection.json) {
        std::cout << json_report(out) << '\n';
    } else if (!o.quiet) {
        const bool colour = colour_enabled(STDOUT_FILENO);
        for (const std::string& line : summary_lines(out)) {
            std::cout << paint_summary_line(line, colour) << '\n';
        }
    }
    std::cout.flush();
    for (const std::string& line : error_lines(out)) {
        print_error(line);
    }
}

// After parsing: the account, then what send itself needs.
void settle(const CLI::App& cmd, SendOptions& o) {
    settle_connection_flags(cmd, o.connection, send_defaults);
    if (cmd.count("--dkim-key") == 0) {
        o.dkim = o.connection.account_dkim;  // the account signs unless the flags say otherwise
    }
    if (o.from.empty() && o.connection.account_from) {
        o.from = o.connection.account_from->value;
    }
    const ComposeFlags& c = o.compose;
    if (o.message_files.empty()) {
        if (o.from.empty()) {
            throw CLI::ValidationError("--from ADDR is required (or an account with a from)");
        }
        if (o.to.empty() && c.cc.empty() && c.bcc.empty()) {
            throw CLI::ValidationError("no recipients: give --to, --cc or --bcc");
        }
        if (!c.text.empty() && !c.text_file.empty()) {
            throw CLI::ValidationError("give --text or --text-file, not both");
        }
    }
    if (std::count(o.message_files.begin(), o.message_files.end(), "-") > 1) {
        throw CLI::ValidationError("--message - (stdin) can be given once");
    }
    const TlsMode mode =
        effective_tls_mode(o.connection.tls, o.connection.port, o.connection.server);
    if (std::string why = check_transfer_flags(o.transfer, mode); !why.empty()) {
        throw CLI::ValidationError(why);
    }
}

}  // namespace

ConnectOptions send_connect_options(const SendOptions& o) {
    ConnectOptions c = connect_options(o.connection);
    c.extended = !o.no_extended;
    apply_transfer_flags(o.transfer, c);
    return c;
}

int run_send(const SendOptions& o) {
    SendOutcome out;
    std::vector<PlannedMessage> plan;
    if (plan_messages(o, plan, out)) {
        for (const std::string& line : connection_warnings(o.connection)) {
            print_warning(line);
        }
        deliver(o, plan, out);
    }
    report(o, out);
    return exit_code(out);
}

Subcommand add_send_command(CLI::App& tool) {
    auto options = std::make_shared<SendOptions>();
    CLI::App* cmd = tool.add_subcommand("send", "Send a message to one or more recipients");
    add_send_flags(*cmd, *options);
    return Subcommand{cmd, [options] { return run_send(*options); }};
}

void add_send_flags(CLI::App& cmd, SendOptions& o) {
    cmd.add_option("--from", o.from, "Sender: MAIL FROM, and From: when composed")
        ->type_name("ADDR");
    cmd.add_option("--to", o.to, "Recipients (\"Name <a@b>, c@d\"); repeat for more")
        ->type_name("LIST")
        ->allow_extra_args(false);  // one list per --to: a stray word is an error
    CLI::Option* message =
        cmd.add_option("--message", o.message_files,
                       "Send this RFC 5322 message ('-': stdin); repeat for several")
            ->type_name("FILE|-")
            ->allow_extra_args(false);
    for (CLI::Option* option : add_compose_flags(cmd, o.compose)) {
        option->excludes(message);
    }
    add_connection_flags(cmd, o.connection, send_defaults);
    cmd.add_flag("--no-extended", o.no_extended, "HELO only, no ESMTP extensions");
    cmd.add_flag("--quiet,-q", o.quiet, "No summary on stdout and no progress bar");
    add_transfer_flags(cmd, o.transfer);
    add_dkim_flags(cmd, o.dkim);
    cmd.footer(send_help + cmd.get_footer() + "\n\n" +
               exit_status_help({0, 64, 65, 66, 68, 69, 70, 75, 76, 77, 78}));
    cmd.final_callback([&cmd, &o] { settle(cmd, o); });
}

}  // namespace smtpkit::cli
