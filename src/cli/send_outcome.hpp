// What one `smtpkit send` (or sendmail, verify, expand) run came to: the single value the exit
// code, the JSON document and the human summary are all derived from, so the three can never
// disagree.
#pragma once

#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "cli/auth_outcome.hpp"
#include "smtpkit/envelope.hpp"
#include "smtpkit/reply.hpp"
#include "smtpkit/tls.hpp"

namespace smtpkit::cli {

// How far the run got. When `ec` is set, the stage it failed in.
enum class Stage {
    check_input,   // command-line values: addresses, subject, text
    read_message,  // the --message file or stdin (before or while sending)
    read_secret,   // --password-file, --oauth-token-file, SMTPKIT_PASSWORD, the account's
    connect,       // resolve, connect, greeting, EHLO/HELO
    authenticate,  // AUTH (--user, --auth)
    send,          // MAIL, RCPT, DATA, end of data
    done,          // the transaction ran to its end (ec is empty)
};

struct SendOutcome {
    Stage stage = Stage::check_input;
    std::error_code ec;
    std::string subject;    // what the failure concerns, e.g. "recipient \"x\"" or "host:25"
    std::string detail;     // the library's explanation beyond ec.message() (TLS reasons)
    std::string fix;        // what to do about it, when known; `subject` then names the cause
    Reply reply;            // the server's last reply when ec is set (may be empty)
    SendResult result;      // meaningful from Stage::send on
    SecurityInfo security;  // the TLS session, once connected (active: false without TLS)
    // Several messages (--repeat, several --message): every message's result,
    // in order (see send_batch.hpp).
    std::vector<SendResult> batch;
    double batch_seconds = 0;
    std::optional<AuthOutcome> auth;  // set when a login was asked for and attempted
};

// True when the transaction reached the server's verdict on the message or
// its recipients, so the per-recipient replies are worth showing.
inline bool has_transaction(const SendOutcome& o) {
    return !o.result.mail_reply.empty();
}

}  // namespace smtpkit::cli
