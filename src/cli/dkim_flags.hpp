// The DKIM flags of `send` (smtpkit/dkim.hpp): the message is signed as it
// goes out, after it is rendered for the server.
//
//   --dkim-key FILE          PEM private key, RSA or Ed25519
//   --dkim-selector S        s=
//   --dkim-domain D          d=
//   --dkim-identity AUID     i= (optional; in D or below it)
//   --dkim-canonicalization relaxed/relaxed|simple/simple|relaxed/simple|simple/relaxed
//
// Key, selector and domain go together (a usage error otherwise). Signing
// reads the message twice, so `--message -` (stdin) cannot be signed.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "cli/send_outcome.hpp"
#include "smtpkit/message_source.hpp"

namespace smtpkit::cli {

struct DkimFlags {
    std::string key_file;
    std::string selector;
    std::string domain;
    std::string identity;
    std::string canonicalization = "relaxed/relaxed";
};

// Registers the flags on `cmd`, in their own group of the help.
void add_dkim_flags(CLI::App& cmd, DkimFlags& flags);

// Signs `message` in place when the flags ask for it; false, with the
// failure in `out` (key, settings, a message without From), when it cannot.
bool apply_dkim(const DkimFlags& flags, MessageSource& message, SendOutcome& out);

}  // namespace smtpkit::cli
