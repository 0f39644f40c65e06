// The blocking Client: each call starts the asynchronous driver on the
// client's own io_context and runs it to completion. Every wait inside is
// bounded by the connection's timeout, so run() always returns.
#include "smtpkit/client.hpp"

#include <unistd.h>
#include <array>
#include <asio/io_context.hpp>
#include <optional>
#include <utility>
#include <vector>

#include "client/driver.hpp"
#include "client/tracer.hpp"
#include "smtpkit/protocol/address.hpp"
#include "smtpkit/protocol/session.hpp"
#include "transport/connection.hpp"

namespace smtpkit {

namespace {

constexpr std::size_t content_chunk = 64 * 1024;

std::string local_host_name() {
    std::array<char, 256> name{};
    if (::gethostname(name.data(), name.size() - 1) != 0 || name[0] == '\0') {
        return "localhost";
    }
    std::string host(name.data());
    // Only a name EHLO can carry; otherwise fall back to a safe one.
    return protocol::is_valid_domain(host, false) ? host : "localhost";
}

bool is_refusal(std::error_code ec) {
    return ec.category() == error_category() &&
           ec.value() >= static_cast<int>(error::greeting_refused) &&
           ec.value() <= static_cast<int>(error::message_refused);
}

// The server's words belong in the message only when the server refused.
[[noreturn]] void throw_error(std::error_code ec, const Reply& reply) {
    if (!reply.empty() && is_refusal(ec)) {
        throw system_error(ec, reply.summary());
    }
    throw system_error(ec);
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

struct Client::Impl {
    asio::io_context io;
    std::optional<transport::Connection> connection;
    std::optional<protocol::Session> session;
    std::chrono::seconds timeout{60};
    Reply last_reply;
    std::error_code last_error;
    client::Tracer tracer;
    Capabilities no_capabilities;

    void observe(const protocol::Event& event);
    protocol::Event run(std::error_code& ec);
    void flush(std::error_code& ec);
    void close();
    bool ready(std::error_code& ec);
    Reply simple(protocol::Command cmd, std::error_code& ec);
    SendResult write_content(MessageSource& message, std::error_code& ec);
    SendResult conclude(protocol::Event done, std::error_code& ec);
    std::error_code finish(std::error_code ec);
};

void Client::Impl::observe(const protocol::Event& event) {
    tracer.on_event(event);
    if (const auto* r = std::get_if<protocol::ReplyReceived>(&event)) {
        last_reply = r->reply;
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
    connection.reset();
    session.reset();
}

bool Client::Impl::ready(std::error_code& ec) {
    if (!session || !connection || !connection->is_open() || !session->usable()) {
        ec = make_error_code(session && !session->usable() &&
                                     session->state() == protocol::Session::State::failed
                                 ? error::session_failed
                                 : error::not_connected);
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

// --- construction -------------------------------------------------------------

Client::Client() : impl_(std::make_unique<Impl>()) {}
Client::~Client() = default;
Client::Client(Client&&) noexcept = default;
Client& Client::operator=(Client&&) noexcept = default;

void Client::set_trace(TraceHandler handler) {
    impl_->tracer.set_handler(std::move(handler));
}

// --- connect ------------------------------------------------------------------

void Client::connect(std::string_view host, std::uint16_t port, const ConnectOptions& options) {
    std::error_code ec;
    connect(host, port, options, ec);
    if (ec) {
        throw_error(ec, impl_->last_reply);
    }
}

void Client::connect(std::string_view host, std::uint16_t port, const ConnectOptions& options,
                     std::error_code& ec) {
    ec.clear();
    auto& d = *impl_;
    if (d.session) {
        d.last_error = ec = make_error_code(error::already_connected);
        return;
    }
    d.last_reply = {};
    d.timeout = options.timeout;
    const Option opts = effective_options(port, options.options);
    const std::uint16_t real_port = effective_port(port, opts);

    protocol::SessionConfig config;
    config.helo_name = options.helo_name.empty() ? local_host_name() : options.helo_name;
    config.extended = has(opts, Option::extended);
    d.connection.emplace(d.io.get_executor());
    d.session.emplace(config);

    std::string target(host);
    d.tracer.info("connecting to " + target + " port " + std::to_string(real_port));
    d.connection->async_connect(target, real_port, d.timeout, [&ec](std::error_code e) { ec = e; });
    d.io.restart();
    d.io.run();
    if (ec) {
        d.close();
        d.last_error = ec;
        return;
    }
    d.tracer.info("connected to " + d.connection->remote_endpoint());

    // The greeting, then EHLO/HELO.
    protocol::Event done = d.run(ec);
    if (!ec && std::holds_alternative<protocol::Greeted>(done)) {
        d.session->hello();
        done = d.run(ec);
    }
    if (ec) {
        d.close();
    }
    d.last_error = ec;
}

// --- send ---------------------------------------------------------------------

SendResult Client::send(const Envelope& envelope, MessageSource message) {
    std::error_code ec;
    SendResult result = send(envelope, std::move(message), ec);
    if (ec && ec != error::no_valid_recipients && ec != error::message_refused) {
        throw_error(ec, impl_->last_reply);
    }
    return result;
}

SendResult Client::send(const Envelope& envelope, MessageSource message, std::error_code& ec) {
    ec.clear();
    auto& d = *impl_;
    if (!d.ready(ec)) {
        d.finish(ec);
        return {};
    }
    d.session->begin_transaction(envelope);
    protocol::Event done = d.run(ec);
    if (std::holds_alternative<protocol::ReadyForData>(done)) {
        return d.write_content(message, ec);
    }
    return d.conclude(std::move(done), ec);
}

// Streams the message in chunks (never all of it in memory), then the end of
// data, and waits for the verdict.
SendResult Client::Impl::write_content(MessageSource& message, std::error_code& ec) {
    std::vector<char> chunk(content_chunk);
    std::uint64_t total = 0;
    for (;;) {
        std::error_code read_ec;
        const std::size_t n = message.read(chunk.data(), chunk.size(), read_ec);
        if (read_ec) {
            // The message cannot be completed: drop the connection rather than
            // send a truncated message the server would deliver.
            session->feed_error(read_ec);
            break;
        }
        if (n == 0) {
            session->finish_data();
            break;
        }
        total += n;
        session->send_data(std::string_view(chunk.data(), n));
        flush(ec);
        if (ec) {
            break;
        }
    }
    tracer.info("message content: " + std::to_string(total) + " octets");
    return conclude(run(ec), ec);
}

// The outcome of a transaction. last_reply() becomes the reply that decided
// it (not the RSET that tidied up after it), as SocketTools' GetResultCode.
SendResult Client::Impl::conclude(protocol::Event done, std::error_code& ec) {
    SendResult result;
    if (auto* t = std::get_if<protocol::TransactionDone>(&done)) {
        result = std::move(t->result);
        ec = t->ec;
        if (const Reply* decisive = deciding_reply(result, ec)) {
            last_reply = *decisive;
        }
    }
    finish(ec);
    return result;
}

// --- simple commands ----------------------------------------------------------

// The throwing form of a simple command: a refusal is an answer, not an error.
template <class Call>
Reply reply_or_throw(Call&& call, const Reply& last_reply) {
    std::error_code ec;
    Reply reply = call(ec);
    if (ec && ec != error::command_refused) {
        throw_error(ec, last_reply);
    }
    return reply;
}

Reply Client::reset() {
    return reply_or_throw([&](std::error_code& ec) { return reset(ec); }, impl_->last_reply);
}
Reply Client::noop() {
    return reply_or_throw([&](std::error_code& ec) { return noop(ec); }, impl_->last_reply);
}
Reply Client::verify(std::string_view address) {
    return reply_or_throw([&](std::error_code& ec) { return verify(address, ec); },
                          impl_->last_reply);
}
Reply Client::expand(std::string_view list) {
    return reply_or_throw([&](std::error_code& ec) { return expand(list, ec); }, impl_->last_reply);
}
Reply Client::command(std::string_view line) {
    return reply_or_throw([&](std::error_code& ec) { return command(line, ec); },
                          impl_->last_reply);
}

Reply Client::reset(std::error_code& ec) {
    return impl_->simple(protocol::Command::rset(), ec);
}
Reply Client::noop(std::error_code& ec) {
    return impl_->simple(protocol::Command::noop(), ec);
}
Reply Client::verify(std::string_view address, std::error_code& ec) {
    return impl_->simple(protocol::Command::vrfy(std::string(address)), ec);
}
Reply Client::expand(std::string_view list, std::error_code& ec) {
    return impl_->simple(protocol::Command::expn(std::string(list)), ec);
}
Reply Client::command(std::string_view line, std::error_code& ec) {
    return impl_->simple(protocol::Command::raw(std::string(line)), ec);
}

// --- ending -------------------------------------------------------------------

void Client::quit() {
    std::error_code ec;
    quit(ec);
    if (ec) {
        throw_error(ec, impl_->last_reply);
    }
}

void Client::quit(std::error_code& ec) {
    ec.clear();
    auto& d = *impl_;
    if (!d.session) {
        return;
    }
    if (d.connection && d.connection->is_open() && d.session->usable()) {
        d.session->quit();
        d.run(ec);
    }
    d.close();
    d.last_error = ec;
}

void Client::disconnect() noexcept {
    impl_->close();
}

bool Client::connected() const noexcept {
    return impl_->session && impl_->connection && impl_->connection->is_open() &&
           impl_->session->usable();
}

const Reply& Client::last_reply() const noexcept {
    return impl_->last_reply;
}
std::error_code Client::last_error() const noexcept {
    return impl_->last_error;
}

const Capabilities& Client::capabilities() const noexcept {
    return impl_->session ? impl_->session->capabilities() : impl_->no_capabilities;
}

}  // namespace smtpkit
