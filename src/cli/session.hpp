// One session for the commands that send or ask (send, sendmail, verify,
// expand): the login secret read before connecting (a missing one costs no
// connection), the TLS files checked, connect, AUTH when asked for; each
// failure recorded in the outcome with its cause and fix (error_advice.hpp).
// The trace goes to stderr with --trace; the AUTH line is always watched,
// to learn which mechanism --auth auto chose.
#pragma once

#include <string>

#include "cli/connection_flags.hpp"
#include "cli/send_outcome.hpp"
#include "smtpkit/client.hpp"

namespace smtpkit::cli {

class Session {
  public:
    explicit Session(const ConnectionFlags& flags);
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    Client& client() { return client_; }

    // Connects with `options` and logs in when the flags ask for it. False,
    // with out.stage, ec, subject, detail (or fix) and reply set, on failure.
    bool open(const ConnectOptions& options, SendOutcome& out);

    // QUIT; the outcome is known by then, so a failing QUIT changes nothing.
    void close();

  private:
    bool read_secret(std::string& secret, SendOutcome& out);
    void explain_connect_failure(const ConnectOptions& options, SendOutcome& out);

    const ConnectionFlags& flags_;
    Client client_;
    std::string auth_sent_;  // the mechanism of the AUTH line, seen in the trace
};

}  // namespace smtpkit::cli
