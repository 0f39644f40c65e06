// The sans-I/O SMTP session engine (the h11/nghttp2 shape). It holds one
// session's state and decides what to send and what each reply means; the
// transport only moves bytes:
//
//   session.hello();                                   // queue work
//   write(session.pending_output()); session.consume_output(n);
//   session.feed(bytes_read) / session.feed_eof();
//   while (auto ev = session.next_event()) { ... }      // replies, results
//
// No sockets, no clocks, no threads. Each operation ends with exactly one
// completion event (Greeted, HelloDone, TransactionDone, CommandDone,
// AuthDone, TlsHandshakeNeeded or OperationFailed). After a protocol
// violation or a closed connection the session is failed and refuses work.
//
// Mail transactions may overlap where the server allows (RFC 2920, RFC
// 3030): begin_transaction() returns an id, and every event about that
// transaction (ReadyForData, TransactionDone) carries it. While one is in
// flight, can_begin_transaction() says whether the next may start now:
//   - DATA path: once the previous transaction is decided; or, with
//     SessionConfig::pipeline_after_data and PIPELINING, once its end of data
//     is queued, so the next MAIL/RCPTs/DATA ride in the same write;
//   - BDAT path with PIPELINING: once the previous LAST chunk is queued, up
//     to `window` transactions before their replies are read (each after
//     the first preceded by RSET, since a refused BDAT may leave the
//     server's transaction open);
//   - without PIPELINING: only when nothing is in flight.
// Content goes with send_chunk() after ReadyForData; on the BDAT path with
// PIPELINING ReadyForData comes at once, before any reply, so the first
// chunk goes out in the same write as MAIL and RCPT.
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
#include "smtpkit/protocol/detail/chunk_encoder.hpp"
#include "smtpkit/protocol/detail/content_scanner.hpp"
#include "smtpkit/protocol/detail/data_encoder.hpp"
#include "smtpkit/protocol/detail/mail_parameters.hpp"
#include "smtpkit/protocol/reply_parser.hpp"
#include "smtpkit/protocol/sasl.hpp"
#include "smtpkit/reply.hpp"

namespace smtpkit::protocol {

struct SessionConfig {
    std::string helo_name = "localhost";
    bool extended = true;        // EHLO, falling back to HELO on 500/502; false: HELO only
    bool use_pipelining = true;  // group MAIL, RCPT and DATA when PIPELINING is offered
    bool use_chunking = true;    // BDAT when CHUNKING is offered
    // BDAT transactions in flight before replies are read (at least 1).
    std::size_t window = 8;
    // DATA path: the next message's MAIL, RCPTs and DATA go out with the
    // previous end of data instead of after its reply. Off by default: some
    // servers refuse it (Haraka: 503 "pipelined after end of DATA", its
    // defence against SMTP smuggling) or fail on it (Dovecot's submission
    // server). When on, a 503 to such a MAIL turns it off for the session and
    // that transaction ends with error::pipelining_refused, nothing of it
    // taken, to be begun again.
    bool pipeline_after_data = false;
    bool tls_active = false;  // the session starts over TLS (implicit TLS)
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
// Content may go now (354 to DATA, or at once on the pipelined BDAT path):
// send_chunk() until the last chunk, as long as content_wanted().
struct ReadyForData {
    std::size_t transaction = 0;
};
// 220 to STARTTLS: run the TLS handshake now, then call tls_established().
struct TlsHandshakeNeeded {};
struct TransactionDone {
    SendResult result;
    // {} when delivered; sender_refused, no_valid_recipients or message_refused
    // when the server refused; a protocol or connection error when the session
    // failed mid-transaction (then verdict is unknown if the end of data was out);
    // an extension or address error when it was refused before anything was
    // written (then round_trips is 0).
    std::error_code ec;
    std::size_t transaction = 0;  // the id begin_transaction() returned
};
// A step of a step-by-step transaction answered: the reply to MAIL (the
// transaction is open) or to one RCPT (accepted or not: the caller decides).
struct StepDone {
    std::size_t transaction = 0;
    Verb verb;
    Reply reply;
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
using Event =
    std::variant<CommandSent, ReplyReceived, Greeted, HelloDone, ReadyForData, TlsHandshakeNeeded,
                 AuthDone, TransactionDone, CommandDone, OperationFailed, StepDone>;

bool is_completion(const Event& e) noexcept;

class Session {
  public:
    enum class State {
        greeting,     // waiting for the server's 220
        connected,    // greeted; EHLO/HELO not yet done
        hello,        // waiting for the reply to EHLO/HELO
        ready,        // idle, may start a transaction or command
        transaction,  // mail transactions in flight (see Transaction::Phase)
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
    // Starts MAIL FROM / RCPT TO / DATA (or BDAT). Every address and
    // parameter is checked first (see mail_parameters.hpp): on a refusal
    // nothing is written and TransactionDone carries the error. Returns the
    // transaction's id; exactly one TransactionDone with it follows.
    std::size_t begin_transaction(const Envelope& envelope, const MessageInfo& info = {});
    // Another transaction may begin now, overlapping those in flight.
    bool can_begin_transaction() const;
    std::size_t transactions_in_flight() const { return transactions_.size(); }

    // Content of the transaction that had ReadyForData: `last` ends it (the
    // end of data, or BDAT ... LAST). Checked against the declared body as it
    // goes: content beyond it fails the session before the end of data
    // (error::content_not_as_declared), never a silently altered message.
    void send_chunk(std::string_view content, bool last);
    void send_data(std::string_view content) { send_chunk(content, false); }
    void finish_data() { send_chunk({}, true); }
    // True while content may be given without waiting for a reply: false
    // once the server refused the transaction (the rest is not sent), and on
    // the BDAT path without PIPELINING while a chunk awaits its reply.
    bool content_wanted() const;
    // The content of the transaction that had ReadyForData cannot be
    // completed (its source failed or ended early): it ends not delivered,
    // with `why`, and never with an end of data. On the BDAT path RSET
    // discards the chunks already sent and the session goes on; a DATA
    // section can only be ended by its end, so there the session fails
    // (error::session_failed) and the transport must close the connection.
    void abandon_content(std::error_code why);
    void command(Command cmd);  // RSET, NOOP, VRFY, EXPN, HELP, raw

    // --- step by step (SocketTools' CreateMessage, AddRecipient, Write,
    // CloseMessage; smtplib's mail, rcpt, data) -----------------------------
    // A transaction the caller drives one command at a time, each with its
    // own reply. open_transaction() writes MAIL FROM with the envelope's
    // parameters (`envelope.to` must be empty: recipients come one by one)
    // and completes with StepDone (MAIL accepted) or TransactionDone (MAIL
    // refused, or a parameter refused before anything was written).
    std::size_t open_transaction(const Envelope& envelope, const MessageInfo& info = {});
    // RCPT TO for one recipient; completes with StepDone carrying its reply,
    // accepted or not (a refused recipient leaves the transaction open).
    void add_recipient(const Recipient& recipient);
    // DATA (or, with CHUNKING, BDAT from here on): completes with
    // ReadyForData, then send_chunk() as for any transaction, the last chunk
    // ending it (TransactionDone). Without an accepted recipient the
    // transaction ends at once (no_valid_recipients / recipients_deferred,
    // RSET first).
    void start_data();
    // Gives up the open transaction: RSET (and, in the middle of DATA
    // content, the session fails: only the end of data ends DATA). Ends with
    // TransactionDone(error::cancelled).
    void abort_transaction();
    // The open step-by-step transaction's id, or 0.
    std::size_t stepwise_transaction() const;
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
    // The server's own account of the last failed exchange, sent inside it
    // (OAUTHBEARER/XOAUTH2's JSON status, SCRAM's e=); empty otherwise.
    const std::string& auth_server_error() const { return auth_server_error_; }
    bool tls_active() const { return tls_active_; }
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
    // A completion event is queued and not yet taken: its operation's
    // outcome should be read before new work is begun (so a transaction to
    // be begun again keeps its place in line).
    bool completion_pending() const;

    bool wants_read() const { return !awaiting_.empty(); }
    bool wants_write() const { return out_pos_ < out_.size(); }

    State state() const { return state_; }
    bool usable() const;                                  // not failed or closed
    std::error_code failure() const { return failure_; }  // why it failed, once failed
    const Capabilities& capabilities() const { return caps_; }
    bool extended() const { return extended_; }
    const Reply& last_reply() const { return last_reply_; }
    // Waits for the server: a reply after a write, unless content could
    // still be written (replies read while streaming chunks are no wait).
    std::size_t round_trips() const { return round_trips_; }

  private:
    // One mail transaction. Replies are routed to it by id, in the order its
    // commands were written, so a refusal never shifts replies onto another.
    struct Transaction {
        enum class Phase {
            commands,   // MAIL/RCPT (and DATA) written, replies awaited
            content,    // ReadyForData given; the client writes content
            finishing,  // end of data / LAST written (or content abandoned)
            resetting,  // RSET after a failure, awaited
        };
        std::size_t id = 0;
        Phase phase = Phase::commands;
        SendResult result;
        MailPlan plan;
        bool pipelined = false;
        std::vector<Command> rcpts;          // checked; one per wait without PIPELINING
        std::vector<std::string> addresses;  // their canonical forms (unpipelined)
        std::size_t next_rcpt = 0;           // the next to send (unpipelined)
        std::size_t rcpt_replies = 0;
        std::size_t replies_due = 0;  // awaited replies that belong to it
        std::size_t round_trips_at_start = 0;
        bool mail_ok = false;
        bool data_sent = false;      // DATA written (DATA path)
        bool aborting_data = false;  // 354 came although no content is wanted
        bool refused = false;        // the outcome is a refusal already
        bool chunk_pending = false;  // BDAT without PIPELINING: a reply awaited
        bool stepwise = false;       // driven command by command (open_transaction)
        bool behind_data = false;    // begun behind another's unanswered end of data
        Envelope envelope;           // stepwise: the sender and the MAIL parameters
        MessageInfo info;            // stepwise: what MAIL declared
        bool end_written = false;    // end of data / LAST queued
        bool server_done = false;    // the server answered the end of data
        std::uint64_t end_mark = 0;  // stream offset just after the end of data
        ContentScanner scanner;
        DataEncoder data_encoder;
        ChunkEncoder chunk_encoder;
        std::error_code error;
    };

    struct Awaiting {
        Verb verb;
        bool greeting = false;
        std::size_t transaction = 0;  // 0: not a transaction's command
        bool last = false;            // BDAT ... LAST / end of data
    };

    void set_state(State s);
    bool start(State expected_from);
    void queue(Command& cmd, std::size_t transaction = 0);
    void append(std::string_view bytes);
    void fail(std::error_code ec, Reply reply = {});
    void on_reply(Reply reply);
    void on_greeting(const Reply& reply);
    void on_hello(Verb verb, const Reply& reply);
    void on_command(const Reply& reply);
    void on_starttls(const Reply& reply);
    void on_auth(const Reply& reply);
    void send_auth_line(std::string_view response);
    void cancel_auth(std::error_code why);

    // --- transactions (session_transaction.cpp) ---
    Transaction* find(std::size_t id);
    Transaction* content_transaction();
    void refuse_transaction(std::size_t id, std::error_code ec, SendResult result = {});
    void refuse(Transaction& tx, std::error_code ec);
    void on_transaction_reply(Transaction& tx, const Awaiting& what, const Reply& reply);
    void on_rcpt_reply(Transaction& tx, const Reply& reply);
    void on_data_reply(Transaction& tx, const Reply& reply);
    void on_end_reply(Transaction& tx, const Reply& reply);
    void on_chunk_reply(Transaction& tx, const Awaiting& what, const Reply& reply);
    void send_next_unpipelined(Transaction& tx);
    void open_content(Transaction& tx);
    void settle(Transaction& tx);
    void on_step_reply(Transaction& tx, Verb verb, const Reply& reply);
    Transaction* open_step_transaction();
    void complete(std::size_t id, std::error_code ec);
    bool later_transaction_resets(const Transaction& tx) const;
    void fail_transactions(std::error_code ec);

    SessionConfig config_;
    ReplyParser parser_;
    State state_ = State::greeting;
    std::error_code failure_;
    std::deque<Awaiting> awaiting_;
    std::deque<Event> events_;
    std::string out_;
    std::size_t out_pos_ = 0;
    std::uint64_t queued_total_ = 0;   // octets ever queued for writing
    std::uint64_t written_total_ = 0;  // octets the transport wrote
    bool wrote_since_reply_ = false;
    std::size_t round_trips_ = 0;

    // The SASL exchange in progress.
    std::unique_ptr<sasl::Authenticator> authenticator_;
    std::optional<std::string> deferred_initial_;  // too long for the AUTH line
    std::error_code auth_error_;                   // why we cancelled with "*"
    std::size_t challenges_ = 0;
    bool authenticated_ = false;
    std::string auth_server_error_;
    bool tls_active_ = false;

    Capabilities caps_;
    bool extended_ = false;
    Reply last_reply_;

    // Mail transactions in flight, oldest first.
    std::deque<Transaction> transactions_;
    std::size_t next_id_ = 1;
    std::size_t batch_ = 0;  // BDAT transactions begun since none was in flight
};

const char* to_string(Session::State s) noexcept;

}  // namespace smtpkit::protocol
