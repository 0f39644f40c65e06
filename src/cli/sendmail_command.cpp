#include "cli/sendmail_command.hpp"

#include <algorithm>
#include <iostream>
#include <memory>
#include <optional>
#include <utility>

#include "cli/address_input.hpp"
#include "cli/dkim_flags.hpp"
#include "cli/exit_codes.hpp"
#include "cli/exit_status_text.hpp"
#include "cli/json_output.hpp"
#include "cli/local_identity.hpp"
#include "cli/message_input.hpp"
#include "cli/missing_fields.hpp"
#include "cli/send_report.hpp"
#include "cli/session.hpp"
#include "cli/terminal.hpp"
#include "cli/transfer_flags.hpp"
#include "smtpkit/header_reader.hpp"

namespace smtpkit::cli {
namespace {

const ConnectionDefaults sendmail_defaults{};

const char* const sendmail_help =
    R"help(Reads a message on stdin and sends it, as /usr/sbin/sendmail would: a link
named sendmail to smtpkit does the same (ln -s "$(command -v smtpkit)" sendmail).
The server, login and sender come from the config file's account (--account,
or its default; see smtpkit(1)) or from the long flags of send.

Bcc fields are never sent. From, Date and Message-ID are added when the
message has none. A recipient without a domain (root) gets the host name's.
Nothing is printed on success.

)help";

bool ignores_dots(const SendmailOptions& o) {
    return o.ignore_dots ||
           std::find(o.o_options.begin(), o.o_options.end(), "i") != o.o_options.end();
}

bool bad_input(SendOutcome& out, std::error_code ec, std::string subject, std::string detail) {
    out.stage = Stage::check_input;
    out.ec = ec;
    out.subject = std::move(subject);
    out.detail = std::move(detail);
    return false;
}

// The addresses of one argument; bare names ("root") get the host's domain.
std::vector<std::string> argument_addresses(const std::string& arg, std::error_code& ec) {
    std::vector<std::string> out = list_addresses(arg, ec);
    if (!ec || arg.find('@') != std::string::npos) {
        return out;
    }
    std::string qualified;
    std::size_t start = 0;
    while (start <= arg.size()) {
        const std::size_t comma = std::min(arg.find(',', start), arg.size());
        std::string name = arg.substr(start, comma - start);
        name.erase(0, name.find_first_not_of(" \t"));
        name.erase(name.find_last_not_of(" \t") + 1);
        if (!name.empty()) {
            qualified += (qualified.empty() ? "" : ", ") + name + "@" + local_host_name();
        }
        start = comma + 1;
    }
    return list_addresses(qualified, ec);
}

// The envelope sender and the mailbox for an added From.
bool sender_of(const SendmailOptions& o, Mailbox& sender, SendOutcome& out) {
    std::error_code ec;
    if (!o.sender.empty()) {
        sender.address = mailbox_address(o.sender, true, ec);
        if (ec) {
            return bad_input(out, ec, "bad sender address \"" + o.sender + "\" (-f)", {});
        }
    } else if (o.connection.account_from) {
        sender.address = mailbox_address(o.connection.account_from->value, false, ec);
        sender.name = mailbox_name(o.connection.account_from->value);
    } else {
        sender.address = login_name() + "@" + local_host_name();
    }
    if (!o.full_name.empty()) {
        sender.name = o.full_name;
    } else if (sender.name.empty() && o.sender.empty() && !o.connection.account_from) {
        sender.name = full_name();
    }
    return true;
}

bool recipients_of(const SendmailOptions& o, const MessageInput& input,
                   std::vector<std::string>& to, SendOutcome& out) {
    std::error_code ec;
    for (const std::string& arg : o.recipients) {
        for (std::string& address : argument_addresses(arg, ec)) {
            to.push_back(std::move(address));
        }
        if (ec) {
            return bad_input(out, ec, "bad recipient address \"" + arg + "\"", {});
        }
    }
    if (o.read_recipients) {
        ParseError where;
        const HeaderRecipients header = header_recipients(input.fields, ec, &where);
        if (ec) {
            return bad_input(out, ec, "bad address in the message header (-t)", where.reason);
        }
        for (std::string& address : envelope_recipients(header)) {
            if (std::find(to.begin(), to.end(), address) == to.end()) {
                to.push_back(std::move(address));
            }
        }
    }
    if (to.empty()) {
        return bad_input(out, make_error_code(error::no_recipients), "no recipients",
                         o.read_recipients ? "the message has no To, Cc or Bcc"
                                           : "give them as arguments, or -t to take them "
                                             "from the message's To, Cc and Bcc");
    }
    return true;
}

// The message from stdin with its envelope; false with `out` set.
bool prepare(const SendmailOptions& o, std::optional<OutgoingMessage>& message, SendOutcome& out) {
    MessageInput input;
    InputProblem problem;
    if (!read_message_input("-", std::cin, !ignores_dots(o), input, problem)) {
        out.stage =
            problem.ec == error::malformed_message ? Stage::check_input : Stage::read_message;
        out.ec = problem.ec;
        out.subject = problem.about;
        out.detail = problem.detail;
        return false;
    }
    Mailbox sender;
    std::vector<std::string> to;
    if (!sender_of(o, sender, out) || !recipients_of(o, input, to, out)) {
        return false;
    }
    Envelope envelope;
    envelope.from = sender.address;
    for (std::string& address : to) {
        envelope.to.emplace_back(std::move(address));
    }
    TransferFlags dsn;
    dsn.dsn_notify = o.notify;
    dsn.dsn_ret = o.ret;
    dsn.envid = o.envid;
    dsn.body = o.body_type.empty() ? "auto" : o.body_type;
    apply_envelope_flags(dsn, envelope);
    if (!o.connection.account_dkim.key_file.empty()) {
        keep_body_in_memory(input);  // signed: read once to hash, once to send
    }
    const std::string kept = input.head.empty() ? "\r\n" : header_section_without_bcc(input.head);
    message.emplace(
        OutgoingMessage{std::move(envelope),
                        message_with_head(input, missing_fields(input.fields, sender) + kept)});
    return true;
}

void report(const SendmailOptions& o, const SendOutcome& out) {
    if (o.connection.json) {
        std::cout << json_report(out) << '\n';
    } else if (o.verbose) {
        for (const std::string& line : summary_lines(out)) {
            std::cout << line << '\n';
        }
    }
    std::cout.flush();
    for (const std::string& line : error_lines(out)) {
        print_error(line);
    }
}

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

void settle(const CLI::App& cmd, SendmailOptions& o) {
    if (!o.mode.empty() && o.mode != "m") {
        throw CLI::ValidationError("-b" + o.mode +
                                   ": smtpkit only sends (-bm); it keeps no queue, aliases or "
                                   "SMTP service of its own");
    }
    o.connection.trace = o.connection.trace || o.verbose;
    settle_connection_flags(cmd, o.connection, sendmail_defaults);
    o.body_type = lower(o.body_type);
    o.ret = lower(o.ret);
    TransferFlags dsn;
    dsn.dsn_notify = o.notify;
    dsn.envid = o.envid;
    if (std::string why = check_transfer_flags(dsn, TlsMode::none); !why.empty()) {
        throw CLI::ValidationError(why);
    }
}

}  // namespace

int run_sendmail(const SendmailOptions& o) {
    SendOutcome out;
    std::optional<OutgoingMessage> message;
    // The account's DKIM key signs the message before anything is sent.
    if (prepare(o, message, out) && apply_dkim(o.connection.account_dkim, message->message, out)) {
        for (const std::string& line : connection_warnings(o.connection)) {
            print_warning(line);
        }
        Session session(o.connection);
        if (session.open(connect_options(o.connection), out)) {
            out.stage = Stage::send;
            out.result = session.client().send(message->envelope, message->message, out.ec);
            if (!out.ec) {
                out.ec = out.result.error;
            }
            if (out.ec) {
                out.reply = session.client().last_reply();
            } else {
                out.stage = Stage::done;
            }
            session.close();
        }
    }
    report(o, out);
    return sendmail_exit_code(out);
}

bool invoked_as_sendmail(const char* argv0) {
    const std::string name = argv0 != nullptr ? argv0 : "";
    return name.substr(name.rfind('/') + 1) == "sendmail";
}

std::vector<std::string> split_at_dashes(std::vector<std::string>& args) {
    if (args.empty() || args.front() != "sendmail") {
        return {};
    }
    const auto dashes = std::find(args.begin(), args.end(), "--");
    if (dashes == args.end()) {
        return {};
    }
    std::vector<std::string> after(dashes + 1, args.end());
    args.erase(dashes, args.end());
    return after;
}

Subcommand add_sendmail_command(CLI::App& tool, std::vector<std::string> after_dashes) {
    auto options = std::make_shared<SendmailOptions>();
    CLI::App* cmd = tool.add_subcommand(
        "sendmail", "Send a message from stdin as /usr/sbin/sendmail does (for cron, mail)");
    add_sendmail_flags(*cmd, *options);
    return Subcommand{cmd, [options, after = std::move(after_dashes)] {
                          options->recipients.insert(options->recipients.end(), after.begin(),
                                                     after.end());
                          return run_sendmail(*options);
                      }};
}

void add_sendmail_flags(CLI::App& cmd, SendmailOptions& o) {
    // sendmail's -h is a hop count; help is --help only.
    cmd.set_help_flag("--help", "Print this help message and exit");
    CLI::Option_group* g = cmd.add_option_group("sendmail");
    g->add_flag("-t", o.read_recipients, "Recipients from To, Cc and Bcc too");
    g->add_option("-f,-r", o.sender, "Envelope sender")->type_name("ADDR");
    g->add_option("-F", o.full_name, "The sender's full name, for an added From:")
        ->type_name("NAME");
    g->add_flag("-i", o.ignore_dots, "A line '.' does not end the message (-oi too)");
    g->add_option("-o", o.o_options, "-oi as -i; other -oX are ignored")
        ->type_name("X")
        ->allow_extra_args(false);
    g->add_option("-B", o.body_type, "7BIT or 8BITMIME")
        ->type_name("TYPE")
        ->check(CLI::IsMember({"7bit", "8bitmime"}, CLI::ignore_case));
    g->add_option("-N", o.notify, "DSN: never, or success,failure,delay")->type_name("DSN");
    g->add_option("-R", o.ret, "DSN: full or hdrs")
        ->type_name("RET")
        ->check(CLI::IsMember({"full", "hdrs"}, CLI::ignore_case));
    g->add_option("-V", o.envid, "DSN: envelope identifier")->type_name("ID");
    g->add_option("-b", o.mode, "Mode: m (send; the only one)")->type_name("MODE");
    g->add_flag("-v", o.verbose, "Print the dialogue and a summary");
    // Accepted for the callers that pass them, and ignored (as msmtp does).
    for (const char* flag : {"-U", "-m", "-n", "-G"}) {
        g->add_flag(flag, o.ignored_flags, "Ignored")->group("");
    }
    for (const char* option : {"-h", "-L", "-X", "-C", "-A"}) {
        g->add_option(option, o.ignored, "Ignored")->group("")->allow_extra_args(false);
    }
    cmd.add_option("recipients", o.recipients, "Recipients (with -t: added to the message's)")
        ->type_name("ADDR");
    add_connection_flags(cmd, o.connection, sendmail_defaults);
    cmd.footer(sendmail_help + exit_status_help({0, 64, 65, 66, 67, 68, 69, 70, 75, 76, 77, 78}));
    cmd.final_callback([&cmd, &o] { settle(cmd, o); });
}

}  // namespace smtpkit::cli
