// The Mailer's state and its sessions. Everything here runs on one
// single-threaded executor: the public methods post into it, the session
// coroutines run on it, so no member needs a lock (the counters behind
// stats() are atomics).
#pragma once

#include <asio/awaitable.hpp>
#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <atomic>
#include <deque>
#include <list>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "mailer/rate_limiter.hpp"
#include "smtpkit/mailer.hpp"

namespace smtpkit::mailer {

// Not an asio::strand: Asio 1.22 frees a strand held inside an
// any_io_executor too early (a use-after-free seen under valgrind when the
// Client, timers and coroutines all held one), so the engine runs on a
// single-threaded executor instead (Mailer's own thread, or one the caller
// runs from one thread).
using Strand = asio::any_io_executor;
using SendHandler = detail::UniqueHandler<std::error_code, MailResult>;
using CloseHandler = detail::UniqueHandler<>;

// One message from send() to its final result.
struct Job {
    OutgoingMessage message;
    MailResult result;
    SendHandler handler;
    std::unique_ptr<asio::steady_timer> backoff;  // while waiting to be retried
};
using JobPtr = std::shared_ptr<Job>;

// A session waiting for work: woken by cancelling its timer.
struct IdleSession {
    asio::steady_timer* timer;
    bool woken = false;
};

// Session set-ups failing in a row open the breaker for a while; then one
// session may try (half open), and its success closes it.
struct Breaker {
    std::size_t failures_in_a_row = 0;
    bool open = false;
    Clock::time_point open_until{};
    bool probing = false;  // a half-open trial set-up is running
};

}  // namespace smtpkit::mailer

namespace smtpkit {

struct Mailer::Engine : std::enable_shared_from_this<Mailer::Engine> {
    Engine(asio::any_io_executor executor, MailerOptions options,
           std::unique_ptr<asio::io_context> own_io);
    ~Engine();

    // --- called through the strand (engine.cpp) -----------------------------
    void submit(mailer::JobPtr job, QueueFull when_full);
    void close(CloseMode mode, mailer::CloseHandler handler);

    // --- the queue --------------------------------------------------------
    bool has_work() const noexcept { return !queue.empty(); }
    std::vector<mailer::JobPtr> take(std::size_t n);
    void admit_waiters();
    void enqueue(mailer::JobPtr job, bool front);
    // Wakes idle sessions or opens new ones for what is queued.
    void kick();
    void finish(const mailer::JobPtr& job, std::error_code ec = {});
    void fail_queued(std::error_code ec);
    void maybe_closed();

    // --- results (outcome.cpp) -----------------------------------------------
    // Records an attempt and decides: final, or queued again after a backoff.
    void settle(const mailer::JobPtr& job, MailAttempt attempt);
    void retry_later(const mailer::JobPtr& job);

    // --- the breaker (engine.cpp) -----------------------------------------------
    // May a session without a connection open one now?
    bool may_connect();
    void setup_succeeded();
    void setup_failed();
    bool breaker_open();

    // --- sessions (session.cpp) -------------------------------------------------
    void spawn_session();
    static asio::awaitable<void> run_session(std::shared_ptr<Engine> self,
                                             std::shared_ptr<Client> client);

    MailerOptions options;
    std::unique_ptr<asio::io_context> own_io;  // Mailer(): the thread's context
    mailer::Strand strand;
    mailer::RateLimiter limiter;

    std::deque<mailer::JobPtr> queue;
    std::deque<mailer::JobPtr> waiters;  // send()s waiting for room
    std::list<mailer::JobPtr> backing_off;
    std::list<mailer::IdleSession*> idle;
    std::vector<Client*> busy_clients;  // cancelled by close(cancel)
    mailer::Breaker breaker;
    std::size_t in_flight = 0;
    std::size_t live_sessions = 0;
    std::size_t connecting = 0;
    std::size_t session_serial = 0;
    bool accepting = true;
    bool cancelling = false;
    std::vector<mailer::CloseHandler> close_handlers;

    // Snapshots for stats() (written on the strand, read anywhere).
    std::atomic<std::size_t> stat_queued{0}, stat_in_flight{0}, stat_sessions{0}, stat_opened{0},
        stat_delivered{0}, stat_failed{0}, stat_retries{0};
    std::atomic<bool> stat_open{false};
    void publish();

    // Mailer(): keeps own_io running until the Mailer goes; `thread` runs it.
    std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
    std::thread thread;
};

// The reply that decided an attempt (outcome.cpp).
Reply deciding_reply(const SendResult& result);

}  // namespace smtpkit
