// The flags of `send` that compose a message with the message layer:
//
//   --subject TEXT, --text TEXT | --text-file FILE|-, --html-file FILE
//   --attach FILE[;type=MEDIA/TYPE]   an attachment (repeatable)
//   --inline FILE[;type=MEDIA/TYPE]   a part the HTML shows as cid:FILENAME (repeatable)
//   --header 'Name: value'            any other field (repeatable)
//   --cc, --bcc, --reply-to LIST      address lists, display names welcome (repeatable)
//
// --from and --to belong to `send` itself: they also go with --message.
// Every value is checked by the message layer at once, so bad input (a
// header with a line break, an address that does not parse, an attachment
// that is not there) fails before anything is sent. Fields the builder
// writes itself are set through it: --header 'Subject: x' is --subject x,
// 'Message-ID', 'In-Reply-To', 'References', 'Sender' and the address
// fields likewise; 'Date' is refused (it is the time of sending).
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <vector>

#include "cli/send_outcome.hpp"
#include "smtpkit/message.hpp"

namespace smtpkit::cli {

struct ComposeFlags {
    std::vector<std::string> cc, bcc, reply_to;
    std::string subject;
    std::string text;
    std::string text_file;  // "-": stdin
    std::string html_file;
    std::vector<std::string> attach;
    std::vector<std::string> inline_files;
    std::vector<std::string> headers;
};

// Registers the flags; each returned option excludes --message.
std::vector<CLI::Option*> add_compose_flags(CLI::App& cmd, ComposeFlags& flags);

// "FILE;type=T" into the file and the media type ("" when not given).
std::pair<std::string, std::string> split_type(const std::string& spec);

// The message: From `from`, To every `to`, and the compose flags. nullopt
// with `out` saying which flag was refused and why (exit 65; 66 for a file
// that cannot be read).
std::optional<Message> compose(const std::string& from, const std::vector<std::string>& to,
                               const ComposeFlags& flags, SendOutcome& out);

}  // namespace smtpkit::cli
