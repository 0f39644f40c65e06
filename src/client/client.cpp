// smtpkit::Client's public face: the throwing and error_code& forms of each
// operation, over Client::Impl.
#include "smtpkit/client.hpp"

#include <asio/post.hpp>

#include "client/client_impl.hpp"

namespace smtpkit {

Client::Client() : impl_(std::make_unique<Impl>()) {}
Client::~Client() = default;
Client::Client(Client&&) noexcept = default;
Client& Client::operator=(Client&&) noexcept = default;

void Client::set_trace(TraceHandler handler) {
    impl_->tracer.set_handler(std::move(handler));
}

void Client::connect(std::string_view host, std::uint16_t port, const ConnectOptions& options) {
    std::error_code ec;
    connect(host, port, options, ec);
    if (ec) {
        impl_->raise(ec);
    }
}

void Client::connect(std::string_view host, std::uint16_t port, const ConnectOptions& options,
                     std::error_code& ec) {
    ec.clear();
    const bool free_thread = has(options.options, Option::free_thread);
    client::CallGuard call(impl_->calls, ec, free_thread);
    if (!call) {
        return;
    }
    if (impl_->session) {
        impl_->last_error = ec = make_error_code(error::already_connected);
        return;
    }
    impl_->calls.free_thread.store(free_thread);
    impl_->connect(std::string(host), port, options, ec);
    impl_->last_error = ec;
}

// A refused recipient list or message is an answer (in the SendResult), not
// an exception; everything else that stops the send is.
SendResult Client::send(const Envelope& envelope, MessageSource message) {
    std::error_code ec;
    SendResult result = send(envelope, std::move(message), ec);
    if (ec && ec != error::no_valid_recipients && ec != error::message_refused) {
        impl_->raise(ec);
    }
    return result;
}

SendResult Client::send(const Envelope& envelope, MessageSource message, std::error_code& ec) {
    ec.clear();
    client::CallGuard call(impl_->calls, ec);
    if (!call) {
        return {};
    }
    return impl_->send(envelope, message, ec);
}

std::vector<SendResult> Client::send_many(std::vector<OutgoingMessage> messages) {
    std::error_code ec;
    std::vector<SendResult> results = send_many(std::move(messages), ec);
    if (ec) {
        impl_->raise(ec);
    }
    return results;
}

std::vector<SendResult> Client::send_many(std::vector<OutgoingMessage> messages,
                                          std::error_code& ec) {
    ec.clear();
    client::CallGuard call(impl_->calls, ec);
    if (!call) {
        return {};
    }
    return impl_->send_many(messages, ec);
}

namespace {

// The throwing form of a simple command: a refusal is an answer, not an error.
template <class Call>
Reply reply_or_raise(Call&& call, const Client::Impl& impl) {
    std::error_code ec;
    Reply reply = call(ec);
    if (ec && ec != error::command_refused) {
        impl.raise(ec);
    }
    return reply;
}

// A simple command behind the thread check.
Reply guarded_simple(Client::Impl& impl, protocol::Command cmd, std::error_code& ec) {
    ec.clear();
    client::CallGuard call(impl.calls, ec);
    if (!call) {
        return {};
    }
    return impl.simple(std::move(cmd), ec);
}

}  // namespace

Reply Client::reset() {
    return reply_or_raise([&](std::error_code& ec) { return reset(ec); }, *impl_);
}
Reply Client::noop() {
    return reply_or_raise([&](std::error_code& ec) { return noop(ec); }, *impl_);
}
Reply Client::verify(std::string_view address) {
    return reply_or_raise([&](std::error_code& ec) { return verify(address, ec); }, *impl_);
}
Reply Client::expand(std::string_view list) {
    return reply_or_raise([&](std::error_code& ec) { return expand(list, ec); }, *impl_);
}
Reply Client::command(std::string_view line) {
    return reply_or_raise([&](std::error_code& ec) { return command(line, ec); }, *impl_);
}

Reply Client::reset(std::error_code& ec) {
    return guarded_simple(*impl_, protocol::Command::rset(), ec);
}
Reply Client::noop(std::error_code& ec) {
    return guarded_simple(*impl_, protocol::Command::noop(), ec);
}
Reply Client::verify(std::string_view address, std::error_code& ec) {
    return guarded_simple(*impl_, protocol::Command::vrfy(std::string(address)), ec);
}
Reply Client::expand(std::string_view list, std::error_code& ec) {
    return guarded_simple(*impl_, protocol::Command::expn(std::string(list)), ec);
}
Reply Client::command(std::string_view line, std::error_code& ec) {
    return guarded_simple(*impl_, protocol::Command::raw(std::string(line)), ec);
}

void Client::quit() {
    std::error_code ec;
    quit(ec);
    if (ec) {
        impl_->raise(ec);
    }
}

void Client::quit(std::error_code& ec) {
    ec.clear();
    client::CallGuard call(impl_->calls, ec);
    if (!call) {
        return;
    }
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
    if (!impl_->calls.caller_allowed()) {
        return;  // not this thread's client: cancel() is the cross-thread way
    }
    impl_->close();
}

// Posted to the client's own io_context, so the connection is touched only
// by the thread running the call; the call number makes a cancel that
// arrives after its call ended a no-op instead of a trap for the next call.
void Client::cancel() noexcept {
    Impl* d = impl_.get();
    if (d == nullptr) {
        return;
    }
    const std::uint64_t call = d->calls.running.load();
    if (call == 0) {
        return;
    }
    try {
        asio::post(d->io, [d, call] {
            if (d->calls.running.load() == call && d->connection) {
                d->tracer.info("cancelled by the caller");
                d->connection->cancel();
            }
        });
    } catch (const std::exception&) {
        // post() allocates; without memory there is nothing better to do.
    }
}

std::thread::id Client::attach_thread(std::thread::id thread) {
    if (thread == std::thread::id{}) {
        thread = std::this_thread::get_id();
    }
    return impl_->calls.owner.exchange(thread);
}

std::thread::id Client::owner_thread() const noexcept {
    return impl_->calls.owner.load();
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
const std::string& Client::last_error_detail() const noexcept {
    return impl_->last_detail;
}

const Capabilities& Client::capabilities() const noexcept {
    return impl_->capabilities;
}

const SecurityInfo& Client::security_info() const noexcept {
    return impl_->security;
}

}  // namespace smtpkit
