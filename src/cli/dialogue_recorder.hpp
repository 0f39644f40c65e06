// Records what `probe` reports about a session from the library's trace:
// the greeting, the EHLO/HELO reply before TLS and the one after it, and the
// reply to STARTTLS.
//
// Why the trace rather than a second, plaintext connection: the Client
// forgets the plaintext capabilities after STARTTLS (RFC 3207 4.2 says it
// must) and has no call that returns the greeting, but its trace carries
// every reply line. Reading them back gives both capability sets from ONE
// session -- the one whose TLS is being reported -- so a load balancer
// cannot show us two different servers, and the plaintext half is known
// even when the TLS half fails. The lines go through the library's own reply
// parser, so they mean exactly what they meant to the client.
#pragma once

#include <deque>
#include <optional>
#include <string>
#include <string_view>

#include "smtpkit/client.hpp"
#include "smtpkit/protocol/reply_parser.hpp"

namespace smtpkit::cli {

struct HelloRecord {
    std::string command;  // "EHLO" or "HELO"
    Reply reply;
    Capabilities capabilities() const { return Capabilities::from_ehlo(reply); }
};

class DialogueRecorder {
  public:
    // `implicit_tls`: the whole session runs over TLS (no plaintext part).
    explicit DialogueRecorder(bool implicit_tls) : tls_(implicit_tls) {}

    // A TraceHandler: feed it every trace line of the session, in order.
    void operator()(TraceDirection direction, std::string_view line);

    const Reply& greeting() const { return greeting_; }
    // The last EHLO/HELO answered in plaintext, and the last over TLS.
    const std::optional<HelloRecord>& before_tls() const { return before_tls_; }
    const std::optional<HelloRecord>& after_tls() const { return after_tls_; }
    const Reply& starttls_reply() const { return starttls_reply_; }

  private:
    void on_command(std::string_view line);
    void on_reply(Reply reply);

    bool tls_;
    bool greeted_ = false;
    std::deque<std::string> awaiting_;  // verbs of commands not yet answered, oldest first
    protocol::ReplyParser parser_;
    Reply greeting_;
    std::optional<HelloRecord> before_tls_;
    std::optional<HelloRecord> after_tls_;
    Reply starttls_reply_;
};

}  // namespace smtpkit::cli
