// smtpkit::Mailer: many messages to one server through a pool of sessions,
// what nodemailer's pool, lettre's PoolConfig and MailKit users build by hand.
//
// Why "Mailer" and not "Pool": callers want mail sent, not connections; the
// pool is how it is done. The Mailer owns the sessions (smtpkit::Client),
// the queue, the retries, the rate limit and the circuit breaker, and hands
// back one final MailResult per message. (Symfony's and Laravel's "Mailer"
// are the same idea.)
//
// Where it lives: src/mailer/, a layer above src/client/. It uses only the
// public Client API (connect, authenticate, send_many, quit, cancel), so the
// session engine does not grow pool logic and the pool cannot reach into a
// session's state.
//
// What it does, per Mailer (one server):
//  - up to `max_sessions` sessions, opened when work is queued and no session
//    is free; each connects and authenticates once, then sends messages in
//    batches with Client::send_many (pipelined as send_many pipelines);
//  - after `max_messages_per_session` messages a session says QUIT and the
//    next batch opens a new one; a session idle for `idle_timeout` says QUIT
//    and closes; a session that failed is closed and replaced;
//  - a rate limit (token buckets, per second and per minute) over all its
//    sessions: the limit is per server because a Mailer is per server;
//  - retries with exponential backoff on transient failures only (4yz
//    replies, a connection lost or timed out before the end of data), at most
//    RetryPolicy::max_attempts attempts. 5yz refusals are final at once.
//    Verdict::unknown (the connection failed after the end of data, before
//    the reply) is final unless RetryPolicy::retry_unknown: the server may
//    have taken the message, so a retry may deliver it twice;
//  - a circuit breaker: after `failures` session set-ups in a row fail
//    (connection refused, 421 greeting, AUTH refused, ...) the queued
//    messages and every send() for `cooldown` fail with mailer_error::circuit_open;
//    then one session is tried, and its success closes the breaker;
//  - a bounded queue: send() on a full queue waits for room or fails with
//    mailer_error::queue_full, as MailerOptions::when_full says. Messages are taken
//    in order; a retried message is queued again when its backoff ends,
//    ahead of new ones, and is not counted against the bound (refusing it
//    would lose a message already accepted).
//
// Every message gets exactly one MailResult: its verdict, its final error,
// and every attempt with what the server said (or the error that ended it).
// Retries need a source that can be read again (from_string, from_file,
// from_opener); a one-shot stream fails its second attempt with
// source_already_read.
//
// Threads: all methods may be called from any thread. Mailer() runs the
// sessions on a thread of its own; Mailer(executor) runs them on the
// caller's executor, which must be run by one thread at a time (an
// io_context run by one thread; not a thread pool, and not an asio::strand
// wrapped in any_io_executor, which Asio 1.22 mishandles). Completion
// handlers run on their associated executor, by default the Mailer's. The
// blocking forms wait for the result: never call them from the executor's
// thread (a completion handler); on Mailer()'s own thread they fail with
// smtpkit::error::wrong_mode, on a caller's executor they would wait forever.
//
// Errors. The blocking forms throw smtpkit::system_error or set `ec`, and the
// async_ forms complete with `ec`, only when the Mailer did not take the
// message: queue_full, mailer_closed, circuit_open at submission, wrong_mode.
// A taken message's fate, refusals included, is its MailResult, never an
// exception (so `co_await mailer.async_send(..., use_awaitable)` does not
// throw for a refused message).
//
// Scale: one Mailer is one process's pool to one server. Sending from many
// processes or hosts is the caller's: several processes, each with its
// Mailer, sharing work through an existing queue (a Kafka or RabbitMQ
// consumer that calls send() per record and acknowledges on its result). The
// rate limit and breaker are per Mailer, so divide the server's limits among
// the processes.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include <asio/any_io_executor.hpp>
#include <asio/async_result.hpp>

#include "smtpkit/auth.hpp"
#include "smtpkit/client.hpp"
#include "smtpkit/detail/async_handler.hpp"
#include "smtpkit/envelope.hpp"
#include "smtpkit/message_source.hpp"
#include "smtpkit/options.hpp"
#include "smtpkit/reply.hpp"

namespace smtpkit {

// The Mailer's own errors, in their category ("smtpkit.mailer"): a separate
// small table rather than rows in error.hpp's, so that the session layer's
// list (and every file that includes it) stays untouched by the pool. They
// compare with smtpkit::condition as the core's do: queue_full and
// circuit_open are transient, mailer_closed is misuse.
enum class mailer_error {
    queue_full = 1,  // the queue is full and MailerOptions::when_full is fail
    mailer_closed,   // send() after close() began
    circuit_open,    // the server failed every recent session set-up: failing fast for a while
};
const std::error_category& mailer_category() noexcept;
std::error_code make_error_code(mailer_error e) noexcept;

// AUTH for each session. Neither field ever appears in a trace, an error or
// a MailResult.
struct Credentials {
    std::string user;
    std::string secret;
    AuthMechanism mechanism = AuthMechanism::automatic;
};

// The server every session of a Mailer talks to.
struct MailServer {
    std::string host = "127.0.0.1";
    std::uint16_t port = 0;  // 0: as Client::connect (25, or 465 with implicit TLS)
    ConnectOptions options;  // TLS, timeouts, HELO name, transfer switches
    std::optional<Credentials> credentials;
};

// Token buckets over all sessions; 0 means no limit. Each bucket holds at
// most `burst` tokens (0: a tenth of a second's worth at the per-second
// rate, or a second's worth at the per-minute rate, at least 1) and starts
// full, so over any span T at most burst + rate*T messages are started.
struct RateLimit {
    double per_second = 0;
    double per_minute = 0;
    std::size_t burst = 0;
};

struct RetryPolicy {
    // Attempts per message, the first included (1: never retry).
    std::size_t max_attempts = 3;
    // The wait before attempt n+1 is initial_backoff * multiplier^(n-1),
    // at most max_backoff.
    std::chrono::milliseconds initial_backoff{1000};
    double multiplier = 2.0;
    std::chrono::milliseconds max_backoff{60000};
    // Retry Verdict::unknown too. DANGEROUS: the server may already have
    // taken the message, so it may be delivered twice.
    bool retry_unknown = false;
};

struct CircuitBreakerPolicy {
    // Session set-ups that fail in a row before the breaker opens (0: never).
    std::size_t failures = 5;
    std::chrono::milliseconds cooldown{30000};
};

enum class QueueFull {
    wait,  // send() waits for room (blocking forms block; async forms complete later)
    fail,  // send() fails at once with mailer_error::queue_full
};

struct MailerOptions {
    MailServer server;
    std::size_t max_sessions = 4;
    std::size_t max_messages_per_session = 100;  // 0: no limit
    std::chrono::milliseconds idle_timeout{30000};
    // Messages handed to one send_many() at most.
    std::size_t batch = 16;
    RateLimit rate;
    RetryPolicy retry;
    CircuitBreakerPolicy breaker;
    std::size_t queue_capacity = 1000;  // messages waiting for a session
    QueueFull when_full = QueueFull::wait;
};

// One try of a message on one session.
struct MailAttempt {
    // The session's result: every reply to the transaction. A session that
    // could not be set up leaves it empty but for `error`.
    SendResult result;
    // What ended this attempt ({} when delivered).
    std::error_code error;
    // The reply that decided: the end of data's, else the refusal of DATA,
    // a recipient or MAIL, else the one that ended the session set-up (a
    // 421 greeting, a 535); code 0 when the server said nothing (a lost
    // connection, a timeout).
    Reply reply;
    std::size_t session = 0;  // which session (counted from 1, in the order opened)
};

struct MailResult {
    Verdict verdict = Verdict::not_delivered;
    std::error_code error;  // {} when delivered; the last attempt's error, or the Mailer's
    std::vector<MailAttempt> attempts;
    bool delivered() const { return verdict == Verdict::delivered; }
};

enum class CloseMode {
    drain,   // take no more; send everything queued (retries too), then QUIT
    cancel,  // take no more; queued messages end with error::cancelled, sessions are stopped
};

class Mailer {
  public:
    // Sessions on a thread the Mailer owns.
    explicit Mailer(MailerOptions options);
    // Sessions on `executor` (the caller runs its context).
    Mailer(asio::any_io_executor executor, MailerOptions options);
    // close(CloseMode::cancel), and waits for it.
    ~Mailer();
    Mailer(const Mailer&) = delete;
    Mailer& operator=(const Mailer&) = delete;

    MailResult send(const Envelope& envelope, const MessageSource& message);
    MailResult send(const Envelope& envelope, const MessageSource& message, std::error_code& ec);
    // Every message, queued in order (waiting for room when the queue is
    // full, whatever when_full says); one result each, in order.
    std::vector<MailResult> send_all(std::vector<OutgoingMessage> messages);

    template <asio::completion_token_for<void(std::error_code, MailResult)> Token>
    auto async_send(const Envelope& envelope, const MessageSource& message, Token&& token) {
        return asio::async_initiate<Token, void(std::error_code, MailResult)>(
            [this](auto handler, Envelope e, MessageSource m) {
                start_send(OutgoingMessage{std::move(e), std::move(m)},
                           erase<std::error_code, MailResult>(handler), when_full_);
            },
            token, envelope, message);
    }

    // Stops taking messages, then drains or cancels; returns (or completes)
    // when every session has closed. A second close() waits for the same end
    // (a cancel after a drain turns it into a cancel).
    void close(CloseMode mode = CloseMode::drain);
    template <asio::completion_token_for<void()> Token>
    auto async_close(CloseMode mode, Token&& token) {
        return asio::async_initiate<Token, void()>(
            [this](auto handler, CloseMode m) { start_close(m, erase<>(handler)); }, token, mode);
    }

    // For monitoring; a snapshot from any thread.
    struct Stats {
        std::size_t queued = 0;           // waiting for a session (retries included)
        std::size_t in_flight = 0;        // handed to a session
        std::size_t sessions = 0;         // open now
        std::size_t sessions_opened = 0;  // connections made (failed ones too)
        std::size_t delivered = 0;
        std::size_t failed = 0;  // final results that are not delivered
        std::size_t retries = 0;
        bool circuit_open = false;
    };
    Stats stats() const;

    asio::any_io_executor get_executor() const noexcept;

    struct Engine;  // src/mailer/engine.hpp

  private:
    using SendHandler = detail::UniqueHandler<std::error_code, MailResult>;
    using CloseHandler = detail::UniqueHandler<>;

    template <class... Args, class Handler>
    detail::UniqueHandler<Args...> erase(Handler& handler) const {
        return detail::erase_handler<Args...>(std::move(handler), get_executor());
    }
    void start_send(OutgoingMessage message, SendHandler handler, QueueFull when_full);
    void start_close(CloseMode mode, CloseHandler handler);

    QueueFull when_full_;
    std::shared_ptr<Engine> engine_;
};

}  // namespace smtpkit

template <>
struct std::is_error_code_enum<smtpkit::mailer_error> : std::true_type {};
