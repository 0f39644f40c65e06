// Running operations on the session: the driver loop, transactions, simple
// commands, and what becomes of their outcome.
#include "client/client_impl.hpp"

#include <utility>
#include <vector>

#include "client/driver.hpp"

namespace smtpkit {
namespace {

bool in_range(std::error_code ec, error first, error last) {
    return ec.category() == error_category() && ec.value() >= static_cast<int>(first) &&
           ec.value() <= static_cast<int>(last);
}

// Errors whose cause is in the server's reply.
bool is_refusal(std::error_code ec) {
    return in_range(ec, error::greeting_refused, error::message_refused) ||
           in_range(ec, error::auth_credentials_invalid, error::auth_failed) ||
           ec == error::starttls_refused;
}

// The reply that decided a transaction's outcome, if the server gave one.
const Reply* deciding_reply(const SendResult& r, std::error_code ec) {
    if (ec == error::sender_refused) {
        return &r.mail_reply;
    }
    if (ec == error::no_valid_recipients) {
        return r.recipients.empty() ? nullptr : &r.recipients.back().reply;
    }
    if (!r.final_reply.empty()) {
        return &r.final_reply;
    }
    if (ec == error::message_refused && !r.data_reply.empty()) {
        return &r.data_reply;
    }
    return nullptr;
}

}  // namespace

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

void Client::Impl::observe(const protocol::Event& event) {
    tracer.on_event(event);
    if (const auto* r = std::get_if<protocol::ReplyReceived>(&event)) {
        last_reply = r->reply;
    } else if (std::holds_alternative<protocol::HelloDone>(event)) {
        capabilities = session->capabilities();
    }
}

// Runs the driver until the session completes the operation in progress.
protocol::Event Client::Impl::run(std::error_code& ec) {
    std::optional<protocol::Event> done;
    client::Driver driver(*connection, *session, timeout,
                          [this](const protocol::Event& e) { observe(e); });
    driver.async_run([&done](protocol::Event e) { done = std::move(e); });
    io.restart();
    io.run();
    if (!done) {
        // The io_context ran dry without a completion: cannot happen while
        // every wait is bounded, but never report success on it.
        done = protocol::OperationFailed{make_error_code(error::session_failed), {}};
    }
    if (const auto* failed = std::get_if<protocol::OperationFailed>(&*done)) {
        ec = failed->ec;
    }
    return std::move(*done);
}

void Client::Impl::flush(std::error_code& ec) {
    client::Driver driver(*connection, *session, timeout,
                          [this](const protocol::Event& e) { observe(e); });
    driver.async_flush([&ec](std::error_code e) { ec = e; });
    io.restart();
    io.run();
}

void Client::Impl::close() {
    if (connection) {
        connection->close();
    }
    security.active = false;  // the rest stays readable: what the session had
    connection.reset();
    session.reset();
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

// Records the outcome; a session that can no longer go on is closed so that
// it is never reused mid-reply.
std::error_code Client::Impl::finish(std::error_code ec) {
    last_error = ec;
    if (session && !session->usable()) {
        close();
    }
    return ec;
}

Reply Client::Impl::simple(protocol::Command cmd, std::error_code& ec) {
    ec.clear();
    last_detail.clear();
    if (!ready(ec)) {
        finish(ec);
        return {};
    }
    session->command(std::move(cmd));
    protocol::Event done = run(ec);
    Reply reply;
    if (const auto* c = std::get_if<protocol::CommandDone>(&done)) {
        reply = c->reply;
        if (!reply.positive()) {
            // An answer, not a failure: the reply goes back to the caller,
            // and last_error() says it was a refusal.
            last_error = make_error_code(error::command_refused);
            return reply;
        }
    }
    finish(ec);
    return reply;
}

SendResult Client::Impl::send(const Envelope& envelope, MessageSource& message,
                              std::error_code& ec) {
    ec.clear();
    last_detail.clear();
    if (!ready(ec)) {
        finish(ec);
        SendResult refused;
        refused.error = ec;
        return refused;
    }
    std::error_code session_ec;
    SendResult result = std::move(transfer({Job{&envelope, &message}}, session_ec).front());
    ec = result.error ? result.error : session_ec;
    result.error = ec;
    // last_reply() becomes the reply that decided it (not the RSET that
    // tidied up after it), as SocketTools' GetResultCode.
    if (const Reply* decisive = deciding_reply(result, ec)) {
        last_reply = *decisive;
    }
    finish(ec);
    return result;
}

// A refusal is that message's answer; only a failure of the session itself
// is the call's error, and the messages it left undecided say so.
std::vector<SendResult> Client::Impl::send_many(std::vector<OutgoingMessage>& messages,
                                                std::error_code& ec) {
    ec.clear();
    last_detail.clear();
    if (!ready(ec)) {
        finish(ec);
        std::vector<SendResult> refused(messages.size());
        for (auto& r : refused) {
            r.error = ec;
        }
        return refused;
    }
    std::vector<Job> jobs;
    jobs.reserve(messages.size());
    for (auto& m : messages) {
        jobs.push_back({&m.envelope, &m.message});
    }
    std::vector<SendResult> results = transfer(jobs, ec);
    finish(ec);
    return results;
}

}  // namespace smtpkit
