// `smtpkit sendmail`, and the tool invoked by the name `sendmail` (a
// symlink): a stand-in for /usr/sbin/sendmail for cron, mail(1) and scripts,
// in msmtp's manner. The message comes on stdin; the server and login from
// the config file's account (or the long flags of `send`).
//
//   -t            recipients from To, Cc and Bcc too (added to the arguments)
//   -f ADDR       envelope sender (-r ADDR the same); else the account's from,
//                 else the user's login name @ the host name
//   -F NAME       the sender's full name, for a From: that is added
//   -i, -oi       a line "." does not end the message (without it, it does)
//   -v            print the dialogue on stderr (--trace) and a summary
//   -N, -R, -V    DSN: NOTIFY (never | success,failure,delay), RET (full |
//                 hdrs), ENVID
//   -B TYPE       7BIT or 8BITMIME: BODY= declared
//   --            the end of the options; recipients follow
//
// Accepted and ignored, as msmtp does: -oX (other than -oi), -bm, -U, -m,
// -n, -h N, -L TAG, -X FILE, -C FILE, -G, -A FILE. Other modes (-bs, -bp,
// -bi, -q...) are not a queueing MTA's job here: exit 64.
//
// Bcc fields never leave (with or without -t). A message without From,
// Date or Message-ID gets them (missing_fields.hpp). A recipient without a
// domain ("root") gets the host name's. Nothing is printed on success;
// errors go to stderr; the exit status is sendmail's (sysexits: 67 for a
// recipient the server does not know, 75 to try again later, ...).
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "cli/connection_flags.hpp"
#include "cli/subcommand.hpp"

namespace smtpkit::cli {

struct SendmailOptions {
    ConnectionFlags connection;
    bool read_recipients = false;  // -t
    std::string sender;            // -f, -r
    std::string full_name;         // -F
    bool ignore_dots = false;      // -i
    std::vector<std::string> o_options;
    std::string body_type;  // -B
    std::string notify;     // -N
    std::string ret;        // -R
    std::string envid;      // -V
    std::string mode;       // -b
    bool verbose = false;   // -v
    std::vector<std::string> recipients;
    std::vector<std::string> ignored;  // the values of ignored options
    int ignored_flags = 0;
};

// `after_dashes`: the words after `--` (split_at_dashes), recipients all.
Subcommand add_sendmail_command(CLI::App& tool, std::vector<std::string> after_dashes = {});

// For `smtpkit sendmail ...` (args[0] is "sendmail"): removes the first `--`
// and what follows from `args` and returns those words. CLI11 gives words
// after `--` to a subcommand's positionals only while they still need
// values, so "sendmail a@b -- c@d" would otherwise be a usage error.
std::vector<std::string> split_at_dashes(std::vector<std::string>& args);

// The options, on a command of one's own (tests parse with it).
void add_sendmail_flags(CLI::App& cmd, SendmailOptions& options);

int run_sendmail(const SendmailOptions& options);

// True when the tool was started by the name `sendmail` (argv[0]'s last part).
bool invoked_as_sendmail(const char* argv0);

}  // namespace smtpkit::cli
