// What an attempt's outcome means for its message: final (delivered,
// refused for good, out of attempts, cancelled) or worth another try after a
// backoff. Only transient failures are retried; Verdict::unknown only when
// the caller opted in, because the server may have taken the message.
#include <algorithm>
#include <cmath>

#include "mailer/engine.hpp"

namespace smtpkit {

using mailer::JobPtr;

namespace {

bool retryable(const MailAttempt& attempt, const RetryPolicy& policy) {
    if (attempt.result.verdict == Verdict::unknown) {
        return policy.retry_unknown && attempt.error != error::cancelled;
    }
    return attempt.error == condition::transient;
}

std::chrono::milliseconds backoff(const RetryPolicy& policy, std::size_t attempts_made) {
    const double factor =
        std::pow(std::max(1.0, policy.multiplier), static_cast<double>(attempts_made - 1));
    const double ms = static_cast<double>(policy.initial_backoff.count()) * factor;
    return std::min(policy.max_backoff,
                    std::chrono::milliseconds(static_cast<std::int64_t>(std::min(ms, 1e12))));
}

}  // namespace

void Mailer::Engine::settle(const JobPtr& job, MailAttempt attempt) {
    --in_flight;
    MailResult& r = job->result;
    r.verdict = attempt.result.verdict;
    r.error = attempt.result.verdict == Verdict::delivered ? std::error_code{} : attempt.error;
    const bool again = r.verdict != Verdict::delivered && !cancelling &&
                       r.attempts.size() + 1 < options.retry.max_attempts &&
                       retryable(attempt, options.retry);
    r.attempts.push_back(std::move(attempt));
    if (!again) {
        finish(job);
    } else if (breaker_open()) {
        r.error = make_error_code(mailer_error::circuit_open);
        finish(job);
    } else {
        retry_later(job);
    }
    maybe_closed();
}

void Mailer::Engine::retry_later(const JobPtr& job) {
    ++stat_retries;
    job->backoff = std::make_unique<asio::steady_timer>(
        strand, backoff(options.retry, job->result.attempts.size()));
    backing_off.push_back(job);
    job->backoff->async_wait([self = shared_from_this(), job](std::error_code) {
        auto it = std::find(self->backing_off.begin(), self->backing_off.end(), job);
        if (it == self->backing_off.end()) {
            return;  // already ended (close(cancel), the breaker)
        }
        self->backing_off.erase(it);
        // Ahead of new messages: it was accepted first.
        self->enqueue(job, true);
        self->kick();
        self->publish();
    });
    publish();
}

// The reply that decided an attempt, for MailAttempt::reply.
Reply deciding_reply(const SendResult& r) {
    if (r.final_reply.code != 0) {
        return r.final_reply;
    }
    if (r.data_reply.code != 0 && !r.data_reply.intermediate()) {
        return r.data_reply;
    }
    for (const RecipientResult& rcpt : r.recipients) {
        if (!rcpt.accepted()) {
            return rcpt.reply;
        }
    }
    return r.mail_reply;
}

}  // namespace smtpkit
