// The sans-I/O SMTP session engine (the h11/nghttp2 shape). It holds one
// session's state and decides what to send and what each reply means; the
// transport only moves bytes:
//
//   session.hello();                                   // queue work
//   write(session.pending_output()); session.consume_output(n);
//   session.feed(bytes_read) / session.feed_eof();
//   while (auto ev = session.next_event()) { ... }      // replies, results
//
// No sockets, no clocks, no threads. One operation runs at a time; each ends
// with exactly one completion event (Greeted, HelloDone, ReadyForData,
// TransactionDone, CommandDone or OperationFailed). After a protocol
// violation or a closed connection the session is failed and refuses work.
#pragma once

#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <variant>
#include <vector>

#include "smtpkit/envelope.hpp"
#include "smtpkit/protocol/capabilities.hpp"
#include "smtpkit/protocol/command.hpp"
#include "smtpkit/protocol/data_encoder.hpp"
#include "smtpkit/protocol/reply_parser.hpp"
#include "smtpkit/protocol/sasl.hpp"
#include "smtpkit/reply.hpp"

namespace smtpkit::protocol {

struct SessionConfig {
    std::string helo_name = "localhost";
    bool extended = true;        // EHLO, falling back to HELO on 500/502; false: HELO only
    bool use_pipelining = true;  // group MAIL, RCPT and DATA when PIPELINING is offered
    ReplyLimits limits;
};

// --- events --------------------------------------------------------------
struct CommandSent {  // a command line was queued for writing (traces, COMMAND events)
    Verb verb;
    std::string line;  // without CRLF; AUTH lines read "AUTH PLAIN <redacted>", "<redacted>"
};
struct ReplyReceived {         // every reply, matched to the command it answers
    std::optional<Verb> verb;  // nullopt: the greeting
    Reply reply;
};
struct Greeted {
    Reply reply;
};
struct HelloDone {
    Reply reply;
    bool extended;  // true after EHLO, false after HELO
};
struct ReadyForData {};  // 354: write content with send_data(), then finish_data()
// 220 to STARTTLS: run the TLS handshake now, then call tls_established().
struct TlsHandshakeNeeded {};
struct TransactionDone {
    SendResult result;
    // {} when delivered; sender_refused, no_valid_recipients or message_refused
    // when the server refused; a protocol or connection error when the session
    // failed mid-transaction (then verdict is unknown if the end of data was out).
    std::error_code ec;
};
struct AuthDone {  // 235: authenticated
    Reply reply;
};
struct CommandDone {  // a simple command (RSET, NOOP, VRFY, EXPN, HELP, raw, QUIT)
    Reply reply;
};
struct OperationFailed {
    std::error_code ec;
    Reply reply;  // the server's reply when it refused; empty on protocol errors
};
using Event = std::variant<CommandSent, ReplyReceived, Greeted, HelloDone, ReadyForData,
                           TlsHandshakeNeeded, AuthDone, TransactionDone, CommandDone,
                           OperationFailed>;

bool is_completion(const Event& e) noexcept;

class Session {
  public:
    enum class State {
        greeting,     // waiting for the server's 220
        connected,    // greeted; EHLO/HELO not yet done
        hello,        // waiting for the reply to EHLO/HELO
        ready,        // idle, may start a transaction or command
        transaction,  // waiting for MAIL/RCPT/DATA replies
        data,         // writing message content
        data_end,     // waiting for the reply after the end of data
        resetting,    // waiting for the RSET that ends a failed transaction
        command,      // waiting for a simple command's reply
        starttls,     // STARTTLS sent, waiting for 220
        handshake,    // 220 received: the transport runs the TLS handshake
        auth,         // a SASL exchange is under way
        quitting,     // QUIT sent
        closed,       // the dialogue is over (QUIT answered, or greeting refused)
        failed,       // protocol violation or lost connection: unusable
    };

    explicit Session(SessionConfig config = {});

    // --- operations (each ends with one completion event) -----------------
    void hello();
    // Starts MAIL FROM / RCPT TO / DATA. Every address is checked first: on a
    // bad one nothing is written and OperationFailed is queued.
    void begin_transaction(const Envelope& envelope);
    void send_data(std::string_view content);  // only in State::data
    void finish_data();
    void command(Command cmd);  // RSET, NOOP, VRFY, EXPN, HELP, raw
    // STARTTLS (RFC 3207), only when offered and nothing else is in flight, so
    // it is always the last command of its group. On 220 the session stops
    // reading: any byte that came after the 220 fails it (response injection).
    void starttls();
    // The handshake succeeded: everything learned in plaintext is forgotten
    // and the session needs EHLO again (RFC 3207 4.2).
    void tls_established();
    // AUTH (RFC 4954) with a mechanism the server offered. The initial
    // response goes on the AUTH line when the line stays within 512 octets,
    // else in answer to the first (empty) challenge. Ends with AuthDone or
    // OperationFailed (auth_* / sasl_* errors). Secrets never appear in events.
    void authenticate(std::unique_ptr<sasl::Authenticator> authenticator);
    bool authenticated() const { return authenticated_; }
    void quit();

    // --- bytes ----------------------------------------------------------------
    std::string_view pending_output() const;
    void consume_output(std::size_t n);
    // Bytes read from the server. Returns the count consumed (all of them,
    // except after a failure).
    std::size_t feed(std::string_view bytes);
    // The server closed the connection.
    void feed_eof();
    // The transport failed (timeout, reset, cancel): the session is over.
    // Queues the completion of the operation in progress with `ec`.
    void feed_error(std::error_code ec);

    std::optional<Event> next_event();

    bool wants_read() const { return !awaiting_.empty(); }
    bool wants_write() const { return out_pos_ < out_.size(); }

    State state() const { return state_; }
    bool usable() const;  // not failed or closed
    const Capabilities& capabilities() const { return caps_; }
    bool extended() const { return extended_; }
    const Reply& last_reply() const { return last_reply_; }
    std::size_t round_trips() const { return round_trips_; }

  private:
    struct Awaiting {
        Verb verb;
        bool greeting = false;
    };

    void set_state(State s);
    bool start(State expected_from);
    void queue(Command& cmd);
    void fail(std::error_code ec, Reply reply = {});
    void on_reply(Reply reply);
    void on_greeting(const Reply& reply);
    void on_hello(Verb verb, const Reply& reply);
    void on_transaction_reply(Verb verb, const Reply& reply);
    void after_transaction_replies();
    void send_next_unpipelined();
    void end_transaction(std::error_code ec);
    void on_data_end(const Reply& reply);
    void on_command(const Reply& reply);
    void on_starttls(const Reply& reply);
    void on_auth(const Reply& reply);
    void send_auth_line(std::string_view response);
    void cancel_auth(std::error_code why);

    SessionConfig config_;
    ReplyParser parser_;
    DataEncoder encoder_;
    State state_ = State::greeting;
    std::deque<Awaiting> awaiting_;
    std::deque<Event> events_;
    std::string out_;
    std::size_t out_pos_ = 0;
    bool wrote_since_reply_ = false;
    std::size_t round_trips_ = 0;
    std::size_t round_trips_at_start_ = 0;

    // The SASL exchange in progress.
    std::unique_ptr<sasl::Authenticator> authenticator_;
    std::optional<std::string> deferred_initial_;  // too long for the AUTH line
    std::error_code auth_error_;                   // why we cancelled with "*"
    std::size_t challenges_ = 0;
    bool authenticated_ = false;

    Capabilities caps_;
    bool extended_ = false;
    Reply last_reply_;

    // The transaction in progress.
    SendResult result_;
    std::vector<Command> pending_rcpts_;       // checked RCPTs (sent one by one without pipelining)
    std::vector<std::string> rcpt_addresses_;  // their canonical addresses, for the results
    std::size_t next_rcpt_ = 0;
    bool pipelined_ = false;
    bool data_sent_ = false;
    bool mail_ok_ = false;
    bool data_ok_ = false;
    bool aborting_data_ = false;  // 354 came although we do not want to send
    std::error_code tx_error_;
};

const char* to_string(Session::State s) noexcept;

}  // namespace smtpkit::protocol
