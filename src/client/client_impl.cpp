// Running operations on the session: the driver loop, transactions, simple
// commands, and what becomes of their outcome. Each is a coroutine
// (client_impl.hpp says how the two modes run them).
#include "client/client_impl.hpp"

#include <utility>
#include <vector>

#include "client/await.hpp"
#include "client/driver.hpp"

namespace smtpkit {
namespace {

// Errors whose cause is in the server's reply.
bool is_refusal(std::error_code ec) {
    if (ec.category() != error_category()) {
        return false;
    }
    switch (static_cast<error>(ec.value())) {
        case error::greeting_refused:
        case error::greeting_deferred:
        case error::hello_refused:
        case error::hello_deferred:
        case error::sender_refused:
        case error::sender_deferred:
        case error::command_refused:
        case error::command_deferred:
        case error::no_valid_recipients:
        case error::recipients_deferred:
        case error::message_refused:
        case error::message_deferred:
        case error::starttls_refused:
        case error::starttls_deferred:
        case error::auth_credentials_invalid:
        case error::auth_mechanism_too_weak:
        case error::auth_encryption_required:
        case error::auth_temporary_failure:
        case error::auth_failed:
            return true;
        default:
            return false;
    }
}

// The reply that decided a transaction's outcome, if the server gave one.
const Reply* deciding_reply(const SendResult& r, std::error_code ec) {
    if (ec == error::sender_refused || ec == error::sender_deferred) {
        return &r.mail_reply;
    }
    if (ec == error::no_valid_recipients || ec == error::recipients_deferred) {
        return r.recipients.empty() ? nullptr : &r.recipients.back().reply;
    }
    if (!r.final_reply.empty()) {
        return &r.final_reply;
    }
    if ((ec == error::message_refused || ec == error::message_deferred) && !r.data_reply.empty()) {
        return &r.data_reply;
    }
    return nullptr;
}

}  // namespace

bool is_answer(std::error_code ec) noexcept {
    return ec == error::no_valid_recipients || ec == error::recipients_deferred ||
           ec == error::message_refused || ec == error::message_deferred;
}

// The server's words belong in the message only when the server refused;
// OpenSSL's when TLS failed.
void Client::Impl::raise(std::error_code ec) const {
    if (ec == error::not_owner) {
        throw system_error(ec);  // the owner's state is not ours to read
    }
    if (!last_reply.empty() && is_refusal(ec)) {
        throw system_error(ec, last_reply.summary());
    }
    if (!last_detail.empty()) {
        throw system_error(ec, last_detail);
    }
    throw system_error(ec);
}

// Every protocol event passes here: traces, last_reply(), and the Command
// event per reply.
void Client::Impl::observe(const protocol::Event& event) {
    tracer.on_event(event);
    if (const auto* r = std::get_if<protocol::ReplyReceived>(&event)) {
        last_reply = r->reply;
        note_opening(*r);
        if (events.wants(EventKind::command)) {
            Event e = client::make_event(EventKind::command);
            e.command = r->verb ? protocol::to_string(*r->verb) : "";
            e.reply = r->reply;
            events.raise(std::move(e));
        }
    } else if (std::holds_alternative<protocol::HelloDone>(event)) {
        capabilities = session->capabilities();
    } else if (const auto* a = std::get_if<protocol::AuthDone>(&event)) {
        // The EHLO asked again after AUTH: what a logged-in client may use.
        // last_reply() stays the 235 that answered the AUTH.
        capabilities = session->capabilities();
        last_reply = a->reply;
    }
}

// The replies that opened the session, kept for opening().
void Client::Impl::note_opening(const protocol::ReplyReceived& r) {
    if (!r.verb) {
        opening.greeting = r.reply;
        return;
    }
    const protocol::Verb verb = *r.verb;
    // The EHLO asked again after AUTH is not part of the opening.
    if ((verb == protocol::Verb::ehlo || verb == protocol::Verb::helo) &&
        !session->authenticated()) {
        const bool over_tls = connection && connection->tls_active();
        (over_tls ? opening.after_tls : opening.before_tls) =
            SessionOpening::Hello{protocol::to_string(verb), r.reply};
    } else if (verb == protocol::Verb::starttls) {
        opening.starttls = r.reply;
    }
}

client::Driver Client::Impl::make_driver() {
    client::Driver driver(*connection, *session, limits(),
                          [this](const protocol::Event& e) { observe(e); });
    if (events.wants(EventKind::read) || events.wants(EventKind::write)) {
        driver.set_io_observer([this](bool wrote, std::size_t n) {
            events.raise(client::make_event(wrote ? EventKind::write : EventKind::read, {}, n));
        });
    }
    return driver;
}

// Runs the driver until the session completes the operation in progress.
Awaitable<protocol::Event> Client::Impl::run(std::error_code& ec) {
    client::Driver driver = make_driver();
    protocol::Event done = co_await client::suspend_for<protocol::Event>(
        [&driver](auto resume) { driver.async_run(std::move(resume)); });
    if (const auto* failed = std::get_if<protocol::OperationFailed>(&done)) {
        ec = failed->ec;
        note_failed_step();
    }
    co_return done;
}

Awaitable<std::error_code> Client::Impl::flush() {
    client::Driver driver = make_driver();
    co_return co_await client::suspend_for<std::error_code>(
        [&driver](auto resume) { driver.async_flush(std::move(resume)); });
}

void Client::Impl::close(std::error_code why) {
    const bool was_open = connection && connection->is_open();
    if (connection) {
        connection->close();
    }
    security.active = false;  // the rest stays readable: what the session had
    connection.reset();
    session.reset();
    if (was_open) {
        events.raise(client::make_event(EventKind::disconnect, why));
    }
}

bool Client::Impl::ready(std::error_code& ec) {
    if (session && session->state() == protocol::Session::State::failed) {
        ec = make_error_code(error::session_failed);
        return false;
    }
    if (!session || !connection || !connection->is_open() || !session->usable()) {
        ec = make_error_code(error::not_connected);
        return false;
    }
    return true;
}

// A session that failed says at which step (the reply it waited for), unless
// something more precise (a TLS reason) is already said.
void Client::Impl::note_failed_step() {
    if (session && session->state() == protocol::Session::State::failed && last_detail.empty()) {
        last_detail = session->failed_while();
    }
}

// Records the outcome; a session that can no longer go on is closed so that
// it is never reused mid-reply.
std::error_code Client::Impl::finish(std::error_code ec) {
    last_error = ec;
    note_failed_step();
    if (session && !session->usable()) {
        close(ec ? ec : session->failure());
    }
    return ec;
}

Awaitable<Reply> Client::Impl::simple(protocol::Command cmd, std::error_code& ec) {
    ec.clear();
    last_detail.clear();
    if (!ready(ec)) {
        finish(ec);
        co_return Reply{};
    }
    session->command(std::move(cmd));
    protocol::Event done = co_await run(ec);
    Reply reply;
    if (const auto* c = std::get_if<protocol::CommandDone>(&done)) {
        reply = c->reply;
        if (!reply.positive()) {
            // An answer, not a failure: the reply goes back to the caller,
            // and last_error() says it was a refusal.
            last_error = make_error_code(
                refusal_for(reply.code, error::command_refused, error::command_deferred));
            co_return reply;
        }
    }
    finish(ec);
    co_return reply;
}

Awaitable<void> Client::Impl::quit(std::error_code& ec) {
    ec.clear();
    if (!session) {
        co_return;
    }
    if (connection && connection->is_open() && session->usable()) {
        session->quit();
        co_await run(ec);
    }
    close(ec);
    last_error = ec;
}

namespace {

// The octets to come, when every message's size is known.
std::uint64_t known_total(const std::vector<Client::Impl::Job>& jobs) {
    std::uint64_t total = 0;
    for (const auto& job : jobs) {
        const auto size = job.source->size();
        if (!size) {
            return 0;
        }
        total += *size;
    }
    return total;
}

}  // namespace

Awaitable<SendResult> Client::Impl::send(Envelope envelope, MessageSource message,
                                         std::error_code& ec) {
    ec.clear();
    last_detail.clear();
    if (!ready(ec)) {
        finish(ec);
        SendResult refused;
        refused.error = ec;
        co_return refused;
    }
    std::error_code session_ec;
    const std::vector<Job> jobs{Job{&envelope, &message}};
    meter.begin(known_total(jobs));
    SendResult result = std::move((co_await transfer(jobs, session_ec)).front());
    meter.end();
    if (!result.error) {
        result.error = session_ec;
    }
    // last_reply() becomes the reply that decided it (not the RSET that
    // tidied up after it), as SocketTools' GetResultCode.
    if (const Reply* decisive = deciding_reply(result, result.error)) {
        last_reply = *decisive;
    }
    // A refused message or refused recipients are the answer, in the result;
    // anything else that kept the message from going is the call's error,
    // and so is a session that failed afterwards (the result keeps the
    // refusal that came first).
    ec = is_answer(result.error) ? session_ec : result.error;
    finish(ec ? ec : result.error);
    co_return result;
}

// A refusal is that message's answer; only a failure of the session itself
// is the call's error, and the messages it left undecided say so.
Awaitable<std::vector<SendResult>> Client::Impl::send_many(std::vector<OutgoingMessage> messages,
                                                           std::error_code& ec) {
    ec.clear();
    last_detail.clear();
    if (!ready(ec)) {
        finish(ec);
        std::vector<SendResult> refused(messages.size());
        for (auto& r : refused) {
            r.error = ec;
        }
        co_return refused;
    }
    std::vector<Job> jobs;
    jobs.reserve(messages.size());
    for (auto& m : messages) {
        jobs.push_back({&m.envelope, &m.message});
    }
    meter.begin(known_total(jobs));
    std::vector<SendResult> results = co_await transfer(jobs, ec);
    meter.end();
    finish(ec);
    co_return results;
}

}  // namespace smtpkit
