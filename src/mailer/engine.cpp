// The Mailer's queue, admission, circuit breaker and close, on the strand.
#include "mailer/engine.hpp"

#include <algorithm>
#include <asio/post.hpp>

namespace smtpkit {

using mailer::JobPtr;

Mailer::Engine::Engine(asio::any_io_executor executor, MailerOptions opts,
                       std::unique_ptr<asio::io_context> io)
    : options(std::move(opts)),
      own_io(std::move(io)),
      strand(std::move(executor)),
      limiter(options.rate) {
    options.max_sessions = std::max<std::size_t>(1, options.max_sessions);
    options.batch = std::max<std::size_t>(1, options.batch);
    options.queue_capacity = std::max<std::size_t>(1, options.queue_capacity);
    options.retry.max_attempts = std::max<std::size_t>(1, options.retry.max_attempts);
}

Mailer::Engine::~Engine() = default;

void Mailer::Engine::publish() {
    stat_queued = queue.size() + backing_off.size();
    stat_in_flight = in_flight;
    stat_sessions = live_sessions;
    stat_open = breaker_open();
}

void Mailer::Engine::submit(JobPtr job, QueueFull when_full) {
    if (!accepting) {
        finish(job, make_error_code(mailer_error::mailer_closed));
    } else if (breaker_open()) {
        finish(job, make_error_code(mailer_error::circuit_open));
    } else if (queue.size() >= options.queue_capacity || !waiters.empty()) {
        // Room goes to those already waiting first (FIFO).
        if (when_full == QueueFull::fail) {
            finish(job, make_error_code(mailer_error::queue_full));
        } else {
            waiters.push_back(std::move(job));
        }
    } else {
        enqueue(std::move(job), false);
        kick();
    }
    publish();
}

void Mailer::Engine::enqueue(JobPtr job, bool front) {
    if (front) {
        queue.push_front(std::move(job));
    } else {
        queue.push_back(std::move(job));
    }
}

std::vector<JobPtr> Mailer::Engine::take(std::size_t n) {
    std::vector<JobPtr> out;
    while (out.size() < n && !queue.empty()) {
        out.push_back(std::move(queue.front()));
        queue.pop_front();
    }
    in_flight += out.size();
    admit_waiters();
    publish();
    return out;
}

void Mailer::Engine::admit_waiters() {
    while (!waiters.empty() && queue.size() < options.queue_capacity) {
        enqueue(std::move(waiters.front()), false);
        waiters.pop_front();
    }
}

void Mailer::Engine::kick() {
    if (cancelling || queue.empty()) {
        return;
    }
    // Each session takes up to a batch; wake idle ones first, then open more.
    std::size_t batches = (queue.size() + options.batch - 1) / options.batch;
    for (mailer::IdleSession* s : idle) {
        if (batches == 0) {
            break;
        }
        if (!s->woken) {
            s->woken = true;
            s->timer->cancel();
            --batches;
        }
    }
    while (batches > 0 && live_sessions < options.max_sessions) {
        spawn_session();
        --batches;
    }
}

// Completes the job's handler outside the strand's current step, so that a
// handler that sends again never re-enters the engine. `not_taken` is set
// only when the Mailer refused the message at submission.
void Mailer::Engine::finish(const JobPtr& job, std::error_code not_taken) {
    if (not_taken) {
        job->result.verdict = Verdict::not_delivered;
        job->result.error = not_taken;
    }
    (job->result.delivered() ? stat_delivered : stat_failed)++;
    job->backoff.reset();
    asio::post(strand, [h = std::move(job->handler), ec = not_taken,
                        r = std::move(job->result)]() mutable { h(ec, std::move(r)); });
}

// Ends everything not yet handed to a session with `ec`, in its result.
void Mailer::Engine::fail_queued(std::error_code ec) {
    auto end = [&](std::deque<JobPtr>& jobs) {
        while (!jobs.empty()) {
            JobPtr job = std::move(jobs.front());
            jobs.pop_front();
            job->result.verdict = Verdict::not_delivered;
            job->result.error = ec;
            finish(job);
        }
    };
    end(queue);
    end(waiters);
    for (const JobPtr& job : backing_off) {
        job->result.error = ec;
        finish(job);
    }
    backing_off.clear();
    publish();
}

bool Mailer::Engine::breaker_open() {
    return breaker.open && mailer::Clock::now() < breaker.open_until;
}

bool Mailer::Engine::may_connect() {
    if (!breaker.open) {
        return true;
    }
    if (breaker_open()) {
        fail_queued(make_error_code(mailer_error::circuit_open));
        return false;
    }
    if (breaker.probing) {
        return false;  // half open: one trial at a time
    }
    breaker.probing = true;
    return true;
}

void Mailer::Engine::setup_succeeded() {
    const bool was_open = breaker.open;
    breaker = {};
    if (was_open) {
        kick();  // sessions held back during the trial may go now
    }
}

void Mailer::Engine::setup_failed() {
    breaker.probing = false;
    ++breaker.failures_in_a_row;
    const std::size_t limit = options.breaker.failures;
    if (limit > 0 && breaker.failures_in_a_row >= limit) {
        breaker.open = true;
        breaker.open_until = mailer::Clock::now() + options.breaker.cooldown;
        fail_queued(make_error_code(mailer_error::circuit_open));
    }
}

void Mailer::Engine::close(CloseMode mode, mailer::CloseHandler handler) {
    close_handlers.push_back(std::move(handler));
    accepting = false;
    if (mode == CloseMode::cancel && !cancelling) {
        cancelling = true;
        fail_queued(make_error_code(error::cancelled));
        for (Client* c : busy_clients) {
            c->cancel();
        }
    }
    // Idle sessions look again: with nothing queued they QUIT and end.
    for (mailer::IdleSession* s : idle) {
        s->woken = true;
        s->timer->cancel();
    }
    maybe_closed();
}

void Mailer::Engine::maybe_closed() {
    publish();
    if (accepting || !queue.empty() || !waiters.empty() || !backing_off.empty() || in_flight > 0 ||
        live_sessions > 0) {
        return;
    }
    for (auto& h : close_handlers) {
        asio::post(strand, [h = std::move(h)]() mutable { h(); });
    }
    close_handlers.clear();
}

}  // namespace smtpkit
