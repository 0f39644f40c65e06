// One session of the Mailer: a coroutine on the strand that waits for work,
// connects and authenticates once, sends batches with send_many, QUITs after
// its quota of messages or when idle, and is replaced when it fails.
#include <algorithm>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/post.hpp>
#include <asio/redirect_error.hpp>
#include <asio/use_awaitable.hpp>

#include "mailer/engine.hpp"

namespace smtpkit {

using mailer::JobPtr;

namespace {

using Engine = Mailer::Engine;
constexpr auto use_awaitable = asio::use_awaitable;

// Waits `d` or until kick()/close() wakes it. False when the time ran out.
asio::awaitable<bool> wait_for(Engine& e, asio::steady_timer& timer, mailer::Clock::duration d) {
    mailer::IdleSession me{&timer};
    auto it = e.idle.insert(e.idle.end(), &me);
    timer.expires_after(d);
    std::error_code ec;
    co_await timer.async_wait(asio::redirect_error(use_awaitable, ec));
    e.idle.erase(it);
    co_return me.woken || ec == asio::error::operation_aborted;
}

// Leaves the Client's completion before going on: its handler may resume
// this coroutine inline (same strand), and the session must not start the
// next operation, or end and destroy the Client, inside it.
asio::awaitable<void> step_out(Engine& e) {
    co_await asio::post(e.strand, use_awaitable);
}

ConnectOptions session_options(const MailerOptions& o) {
    ConnectOptions c = o.server.options;
    // Steps of one session may resume on any thread of the executor.
    c.options |= Option::free_thread;
    return c;
}

// Connect and AUTH; the error that stopped them, if any.
asio::awaitable<std::error_code> open_session(Engine& e, Client& client) {
    std::error_code ec;
    client.attach_thread();
    const ConnectOptions options = session_options(e.options);
    const std::string& host = e.options.server.host;
    co_await client.async_connect(host, e.options.server.port, options,
                                  asio::redirect_error(use_awaitable, ec));
    co_await step_out(e);
    if (!ec && e.options.server.credentials) {
        const Credentials& c = *e.options.server.credentials;
        client.attach_thread();
        co_await client.async_authenticate(c.user, c.secret, c.mechanism,
                                           asio::redirect_error(use_awaitable, ec));
        co_await step_out(e);
    }
    co_return ec;
}

asio::awaitable<void> end_session(Engine& e, Client& client) {
    client.attach_thread();
    if (!client.connected()) {
        co_return;
    }
    std::error_code ec;
    if (e.cancelling) {
        client.disconnect(ec);
    } else {
        co_await client.async_quit(asio::redirect_error(use_awaitable, ec));
        co_await step_out(e);
    }
}

void drop(Client& client) {
    client.attach_thread();
    std::error_code ignored;
    client.disconnect(ignored);
}

// Every message of the batch failed before it could be tried.
void settle_setup_failure(Engine& e, const std::vector<JobPtr>& batch, std::error_code ec,
                          const Reply& reply, std::size_t session) {
    for (const JobPtr& job : batch) {
        MailAttempt a;
        a.result.error = ec;
        a.error = ec;
        a.reply = reply;
        a.session = session;
        e.settle(job, std::move(a));
    }
}

asio::awaitable<void> send_batch(Engine& e, Client& client, const std::vector<JobPtr>& batch,
                                 std::size_t session) {
    std::vector<OutgoingMessage> messages;
    messages.reserve(batch.size());
    for (const JobPtr& job : batch) {
        messages.push_back(job->message);
    }
    e.busy_clients.push_back(&client);
    client.attach_thread();
    std::error_code ec;
    std::vector<SendResult> results = co_await client.async_send_many(
        std::move(messages), asio::redirect_error(use_awaitable, ec));
    co_await step_out(e);
    std::erase(e.busy_clients, &client);
    for (std::size_t i = 0; i < batch.size(); ++i) {
        MailAttempt a;
        if (i < results.size()) {
            a.result = std::move(results[i]);
        } else {
            a.result.error = ec;  // never decided: the session failed first
        }
        a.error = a.result.error;
        a.reply = deciding_reply(a.result);
        a.session = session;
        e.settle(batch[i], std::move(a));
    }
    if (ec) {
        drop(client);  // a failed session is never reused
    }
}

// How many messages this session may take now.
std::size_t room(const Engine& e, std::size_t sent_on_session) {
    std::size_t n = std::min(e.options.batch, e.queue.size());
    if (const std::size_t cap = e.options.max_messages_per_session; cap > 0) {
        n = std::min(n, cap - std::min(cap, sent_on_session));
    }
    return n;
}

}  // namespace

void Mailer::Engine::spawn_session() {
    ++live_sessions;
    publish();
    auto client = std::make_shared<Client>(strand);
    // The end of a session (also by an exception: no memory) is handled
    // here, outside the coroutine, which the Client outlives.
    asio::co_spawn(strand, run_session(shared_from_this(), client),
                   [self = shared_from_this(), client](std::exception_ptr failure) {
                       if (failure) {
                           drop(*client);
                       }
                       --self->live_sessions;
                       self->kick();
                       self->maybe_closed();
                   });
}

asio::awaitable<void> Mailer::Engine::run_session(std::shared_ptr<Engine> self,
                                                  std::shared_ptr<Client> owned) {
    Engine& e = *self;
    Client& client = *owned;
    asio::steady_timer timer(e.strand);
    std::size_t sent = 0;
    std::size_t session = 0;
    // (No co_await inside conditions or with temporaries: g++ 12 miscompiles
    // some of those in coroutines.)
    while (!e.cancelling) {
        if (!e.has_work()) {
            if (!e.accepting) {
                break;  // closing, nothing queued
            }
            const mailer::Clock::duration idle = e.options.idle_timeout;
            const bool woken = co_await wait_for(e, timer, idle);
            if (!woken) {
                break;  // idle too long
            }
            continue;
        }
        if (!client.connected() && !e.may_connect()) {
            const mailer::Clock::duration idle = e.options.idle_timeout;
            co_await wait_for(e, timer, idle);
            continue;
        }
        // A session that has said QUIT starts its quota afresh.
        const std::size_t tokens = e.limiter.take(room(e, client.connected() ? sent : 0));
        if (tokens == 0) {
            const mailer::Clock::duration until_token = e.limiter.wait();
            co_await wait_for(e, timer, until_token);
            continue;
        }
        std::vector<JobPtr> batch = e.take(tokens);
        e.limiter.give_back(tokens - batch.size());
        if (client.connected() && (client.attach_thread(), client.input_pending())) {
            // The server spoke unasked while the session was idle (a 421
            // before it closes): a new session rather than a lost attempt.
            drop(client);
        }
        if (!client.connected()) {
            session = ++e.session_serial;
            e.stat_opened = e.session_serial;
            sent = 0;
            e.busy_clients.push_back(&client);  // close(cancel) stops a slow set-up too
            const std::error_code ec = co_await open_session(e, client);
            std::erase(e.busy_clients, &client);
            if (ec) {
                // (Not a reply left from an earlier session.)
                const Reply reply = client.last_reply().positive() ? Reply{} : client.last_reply();
                drop(client);
                e.limiter.give_back(batch.size());  // nothing was sent
                e.setup_failed();
                settle_setup_failure(e, batch, ec, reply, session);
                continue;
            }
            e.setup_succeeded();
        }
        co_await send_batch(e, client, batch, session);
        sent += batch.size();
        const std::size_t cap = e.options.max_messages_per_session;
        if (client.connected() && cap > 0 && sent >= cap) {
            co_await end_session(e, client);  // its quota: the next batch opens another
        }
    }
    co_await end_session(e, client);
}

}  // namespace smtpkit
