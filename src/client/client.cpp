// smtpkit::Client's public face: the throwing, error_code& and asynchronous
// forms of each operation. Every form runs the same coroutine over
// Client::Impl (client_impl.hpp): the blocking ones on the private
// io_context, the async_ ones on the client's executor.
#include "smtpkit/client.hpp"

#include <asio/post.hpp>
#include <asio/system_executor.hpp>
#include <variant>

#include "client/client_impl.hpp"

namespace smtpkit {
namespace {

using Impl = Client::Impl;
using ImplPtr = std::shared_ptr<Impl>;

// What an operation gives back: the error its error_code& form would set,
// and its value (std::monostate for the void operations).
template <class T>
struct Outcome {
    std::error_code ec;
    T value{};
};
using Nothing = std::monostate;

Awaitable<Outcome<Nothing>> connect_op(ImplPtr d, std::string host, std::uint16_t port,
                                       ConnectOptions options) {
    Outcome<Nothing> out;
    if (d->session) {
        d->last_error = out.ec = make_error_code(error::already_connected);
        co_return out;
    }
    d->calls.free_thread.store(has(options.options, Option::free_thread));
    d->deadline = options.deadline;
    d->start_clock();
    co_await d->connect(std::move(host), port, std::move(options), out.ec);
    d->last_error = out.ec;
    co_return out;
}

Awaitable<Outcome<Nothing>> authenticate_op(ImplPtr d, std::string user, std::string secret,
                                            AuthMechanism mechanism) {
    Outcome<Nothing> out;
    d->start_clock();
    co_await d->authenticate(std::move(user), std::move(secret), mechanism, out.ec);
    co_return out;
}

Awaitable<Outcome<SendResult>> send_op(ImplPtr d, Envelope envelope, MessageSource message) {
    Outcome<SendResult> out;
    d->start_clock();
    out.value = co_await d->send(std::move(envelope), std::move(message), out.ec);
    co_return out;
}

Awaitable<Outcome<std::vector<SendResult>>> send_many_op(ImplPtr d,
                                                         std::vector<OutgoingMessage> messages) {
    Outcome<std::vector<SendResult>> out;
    d->start_clock();
    out.value = co_await d->send_many(std::move(messages), out.ec);
    co_return out;
}

Awaitable<Outcome<Reply>> simple_op(ImplPtr d, protocol::Command cmd) {
    Outcome<Reply> out;
    d->start_clock();
    out.value = co_await d->simple(std::move(cmd), out.ec);
    co_return out;
}

Awaitable<Outcome<Reply>> begin_message_op(ImplPtr d, Envelope envelope,
                                           std::optional<std::uint64_t> size) {
    Outcome<Reply> out;
    d->start_clock();
    out.value = co_await d->begin_message(std::move(envelope), size, out.ec);
    co_return out;
}

Awaitable<Outcome<Reply>> add_recipient_op(ImplPtr d, Recipient recipient) {
    Outcome<Reply> out;
    d->start_clock();
    out.value = co_await d->add_recipient(std::move(recipient), out.ec);
    co_return out;
}

Awaitable<Outcome<Nothing>> write_message_op(ImplPtr d, std::string data) {
    Outcome<Nothing> out;
    d->start_clock();
    co_await d->write_message(std::move(data), out.ec);
    co_return out;
}

Awaitable<Outcome<SendResult>> end_message_op(ImplPtr d) {
    Outcome<SendResult> out;
    d->start_clock();
    out.value = co_await d->end_message(out.ec);
    co_return out;
}

Awaitable<Outcome<Nothing>> abort_message_op(ImplPtr d) {
    Outcome<Nothing> out;
    d->start_clock();
    co_await d->abort_message(out.ec);
    co_return out;
}

Awaitable<Outcome<Nothing>> quit_op(ImplPtr d) {
    Outcome<Nothing> out;
    d->start_clock();
    co_await d->quit(out.ec);
    co_return out;
}

// An exception out of an operation (no memory, a throwing message reader)
// ends the session: it may have stopped anywhere.
template <class T>
void settle(Impl& d, std::exception_ptr failure, Outcome<T>& out) {
    if (failure) {
        out = {};
        out.ec = make_error_code(error::session_failed);
        try {
            std::rethrow_exception(failure);
        } catch (const std::exception& e) {
            d.last_detail = e.what();
        } catch (...) {
        }
        d.close(out.ec);
        d.last_error = out.ec;
    }
    d.report(out.ec);
}

// The blocking form: the thread check, then the operation on the private
// io_context.
template <class T>
T run_blocking(const ImplPtr& d, Awaitable<Outcome<T>> op, std::error_code& ec,
               bool allow_any_thread = false) {
    ec.clear();
    if (!d) {
        ec = make_error_code(error::moved_from);
        return {};
    }
    if (d->async_mode) {
        ec = make_error_code(error::wrong_mode);
        return {};
    }
    client::CallGuard call(d->calls, ec, allow_any_thread);
    if (!call) {
        return {};
    }
    std::optional<Outcome<T>> out = d->block(std::move(op));
    if (!out) {
        out.emplace();
        out->ec = make_error_code(error::session_failed);
        d->close(out->ec);
    }
    d->report(out->ec);
    ec = out->ec;
    return std::move(out->value);
}

template <class Handler, class T>
void deliver(Handler& handler, std::error_code ec, T value) {
    if constexpr (std::is_same_v<T, Nothing>) {
        handler(ec);
    } else {
        handler(ec, std::move(value));
    }
}

// The asynchronous form: admitted on the caller's thread, run on the
// client's executor. The operation holds the Impl, so a Client destroyed
// meanwhile does not pull it away (its destructor cancels the operation).
// A bound cancellation slot ends this call (and no later one) as cancel()
// would; it is cleared before the handler runs, as Asio asks.
template <class Handler>
void listen_for_cancellation(const ImplPtr& d, Handler& handler) {
    asio::cancellation_slot& slot = handler.slot();
    if (!slot.is_connected()) {
        return;
    }
    slot.assign([weak = std::weak_ptr<Impl>(d),
                 call = d->calls.running.load()](asio::cancellation_type type) {
        if ((type & (asio::cancellation_type::terminal | asio::cancellation_type::partial |
                     asio::cancellation_type::total)) != asio::cancellation_type::none) {
            Impl::cancel_call(weak.lock(), call);
        }
    });
}

template <class T, class Handler>
void run_async(const ImplPtr& d, Awaitable<Outcome<T>> op, Handler handler,
               bool allow_any_thread = false) {
    std::error_code refused;
    if (!d) {
        refused = make_error_code(error::moved_from);
    } else {
        refused = d->begin_async(allow_any_thread);
    }
    if (refused) {
        // Never inside the initiating call: through the handler's executor.
        asio::post(
            d && d->async_mode ? d->executor : asio::any_io_executor(asio::system_executor()),
            [handler = std::move(handler), refused]() mutable { deliver(handler, refused, T{}); });
        return;
    }
    listen_for_cancellation(d, handler);
    asio::co_spawn(
        d->executor, std::move(op),
        [d, handler = std::move(handler)](std::exception_ptr failure, Outcome<T> out) mutable {
            handler.slot().clear();
            settle(*d, failure, out);
            d->end_async();
            deliver(handler, out.ec, std::move(out.value));
        });
}

// The throwing forms: the error with the words that explain it.
[[noreturn]] void raise(const ImplPtr& d, std::error_code ec) {
    if (!d) {
        throw system_error(ec);
    }
    d->raise(ec);
}

const Impl& alive(const ImplPtr& d) {
    if (!d) {
        throw system_error(make_error_code(error::moved_from));
    }
    return *d;
}

protocol::Command simple_command(int which, std::string argument) {
    switch (which) {
        case 0:
            return protocol::Command::rset();
        case 1:
            return protocol::Command::noop();
        case 2:
            return protocol::Command::vrfy(std::move(argument));
        case 3:
            return protocol::Command::expn(std::move(argument));
        default:
            return protocol::Command::raw(std::move(argument));
    }
}

// The throwing form of a simple command: a refusal is an answer, not an error.
template <class Call>
Reply reply_or_raise(Call&& call, const ImplPtr& impl) {
    std::error_code ec;
    Reply reply = call(ec);
    if (ec) {
        raise(impl, ec);
    }
    return reply;
}

}  // namespace

Client::Client() : impl_(std::make_shared<Impl>()) {}
Client::Client(asio::any_io_executor executor)
    : impl_(std::make_shared<Impl>(std::move(executor))) {}

// An asynchronous operation still running holds the Impl; it is cancelled,
// and its handler still runs (with error::cancelled). A moved-from Client
// holds nothing.
Client::~Client() {
    if (impl_ && impl_->async_mode) {
        cancel();
    }
}
Client::Client(Client&&) noexcept = default;
Client& Client::operator=(Client&&) noexcept = default;

asio::any_io_executor Client::get_executor() const noexcept {
    return impl_ ? impl_->executor : asio::any_io_executor();
}

asio::any_io_executor Client::handler_executor() const noexcept {
    return impl_ && impl_->async_mode ? impl_->executor
                                      : asio::any_io_executor(asio::system_executor());
}

void Client::set_trace(TraceHandler handler) {
    alive(impl_);
    impl_->tracer.set_handler(std::move(handler));
}

// --- connect ----------------------------------------------------------------

void Client::connect(std::string_view host, std::uint16_t port, const ConnectOptions& options) {
    std::error_code ec;
    connect(host, port, options, ec);
    if (ec) {
        raise(impl_, ec);
    }
}

void Client::connect(std::string_view host, std::uint16_t port, const ConnectOptions& options,
                     std::error_code& ec) {
    run_blocking(impl_, connect_op(impl_, std::string(host), port, options), ec,
                 has(options.options, Option::free_thread));
}

void Client::start_connect(std::string host, std::uint16_t port, ConnectOptions options,
                           ErrorHandler handler) {
    const bool free_thread = has(options.options, Option::free_thread);
    run_async(impl_, connect_op(impl_, std::move(host), port, std::move(options)),
              std::move(handler), free_thread);
}

// --- authenticate -------------------------------------------------------------

void Client::authenticate(std::string_view user, std::string_view secret, AuthMechanism mechanism) {
    std::error_code ec;
    authenticate(user, secret, mechanism, ec);
    if (ec) {
        raise(impl_, ec);
    }
}

void Client::authenticate(std::string_view user, std::string_view secret, AuthMechanism mechanism,
                          std::error_code& ec) {
    run_blocking(impl_, authenticate_op(impl_, std::string(user), std::string(secret), mechanism),
                 ec);
}

void Client::start_authenticate(std::string user, std::string secret, AuthMechanism mechanism,
                                ErrorHandler handler) {
    run_async(impl_, authenticate_op(impl_, std::move(user), std::move(secret), mechanism),
              std::move(handler));
}

// --- send -------------------------------------------------------------------------

// A refused recipient list or message is an answer (in the SendResult), in
// every form: the error_code& form leaves `ec` clear for it, so this one
// throws only what that one reports.
SendResult Client::send(const Envelope& envelope, const MessageSource& message) {
    std::error_code ec;
    SendResult result = send(envelope, message, ec);
    if (ec) {
        raise(impl_, ec);
    }
    return result;
}

SendResult Client::send(const Envelope& envelope, const MessageSource& message,
                        std::error_code& ec) {
    return run_blocking(impl_, send_op(impl_, envelope, message), ec);
}

RenderOptions Client::render_options(const Message& message) const noexcept {
    const Capabilities& caps = capabilities();
    RenderOptions options;
    options.eight_bit = caps.eightbitmime();
    // SMTPUTF8 only where it is needed: a UTF-8 local part cannot be
    // written any other way, while UTF-8 text and domains can (RFC 2047,
    // A-labels) and then reach every server on the way.
    options.smtputf8 = caps.smtputf8() && message.needs_smtputf8();
    return options;
}

// A UTF-8 local part can only be written with SMTPUTF8: without it the
// message cannot be rendered, so its source fails to open with
// utf8_not_allowed and the send ends before anything of it is written.
MessageSource Client::source_for(const Message& message) const {
    const RenderOptions options = render_options(message);
    if (message.needs_smtputf8() && !options.smtputf8) {
        return MessageSource::from_opener(
            [](std::error_code& ec) -> MessageSource::Reader {
                ec = make_error_code(error::utf8_not_allowed);
                return {};
            },
            std::nullopt);
    }
    return message.source(options);
}

SendResult Client::send(const Message& message) {
    return send(message.envelope(render_options(message).smtputf8), source_for(message));
}

SendResult Client::send(const Message& message, std::error_code& ec) {
    return send(message.envelope(render_options(message).smtputf8), source_for(message), ec);
}

SendResult Client::send(const Envelope& envelope, const Message& message) {
    return send(envelope, source_for(message));
}

SendResult Client::send(const Envelope& envelope, const Message& message, std::error_code& ec) {
    return send(envelope, source_for(message), ec);
}

void Client::start_send(Envelope envelope, MessageSource message, SendHandler handler) {
    run_async(impl_, send_op(impl_, std::move(envelope), std::move(message)), std::move(handler));
}

std::vector<SendResult> Client::send_many(std::vector<OutgoingMessage> messages) {
    std::error_code ec;
    std::vector<SendResult> results = send_many(std::move(messages), ec);
    if (ec) {
        raise(impl_, ec);
    }
    return results;
}

std::vector<SendResult> Client::send_many(std::vector<OutgoingMessage> messages,
                                          std::error_code& ec) {
    return run_blocking(impl_, send_many_op(impl_, std::move(messages)), ec);
}

void Client::start_send_many(std::vector<OutgoingMessage> messages, SendManyHandler handler) {
    run_async(impl_, send_many_op(impl_, std::move(messages)), std::move(handler));
}

// --- simple commands -----------------------------------------------------------------

Reply Client::reset() {
    return reply_or_raise([&](std::error_code& ec) { return reset(ec); }, impl_);
}
Reply Client::noop() {
    return reply_or_raise([&](std::error_code& ec) { return noop(ec); }, impl_);
}
Reply Client::verify(std::string_view address) {
    return reply_or_raise([&](std::error_code& ec) { return verify(address, ec); }, impl_);
}
Reply Client::expand(std::string_view list) {
    return reply_or_raise([&](std::error_code& ec) { return expand(list, ec); }, impl_);
}
Reply Client::command(std::string_view line) {
    return reply_or_raise([&](std::error_code& ec) { return command(line, ec); }, impl_);
}

Reply Client::reset(std::error_code& ec) {
    return run_blocking(impl_, simple_op(impl_, protocol::Command::rset()), ec);
}
Reply Client::noop(std::error_code& ec) {
    return run_blocking(impl_, simple_op(impl_, protocol::Command::noop()), ec);
}
Reply Client::verify(std::string_view address, std::error_code& ec) {
    return run_blocking(impl_, simple_op(impl_, protocol::Command::vrfy(std::string(address))), ec);
}
Reply Client::expand(std::string_view list, std::error_code& ec) {
    return run_blocking(impl_, simple_op(impl_, protocol::Command::expn(std::string(list))), ec);
}
Reply Client::command(std::string_view line, std::error_code& ec) {
    return run_blocking(impl_, simple_op(impl_, protocol::Command::raw(std::string(line))), ec);
}

void Client::start_simple(SimpleCommand which, std::string argument, ReplyHandler handler) {
    run_async(impl_, simple_op(impl_, simple_command(static_cast<int>(which), std::move(argument))),
              std::move(handler));
}

// --- step by step ----------------------------------------------------------------------

Reply Client::begin_message(const Envelope& envelope, std::optional<std::uint64_t> size) {
    std::error_code ec;
    Reply reply = begin_message(envelope, size, ec);
    if (ec) {
        raise(impl_, ec);
    }
    return reply;
}
Reply Client::begin_message(const Envelope& envelope, std::optional<std::uint64_t> size,
                            std::error_code& ec) {
    return run_blocking(impl_, begin_message_op(impl_, envelope, size), ec);
}
void Client::start_begin_message(Envelope envelope, std::optional<std::uint64_t> size,
                                 ReplyHandler handler) {
    run_async(impl_, begin_message_op(impl_, std::move(envelope), size), std::move(handler));
}

Reply Client::add_recipient(const Recipient& recipient) {
    return reply_or_raise([&](std::error_code& ec) { return add_recipient(recipient, ec); }, impl_);
}
Reply Client::add_recipient(const Recipient& recipient, std::error_code& ec) {
    return run_blocking(impl_, add_recipient_op(impl_, recipient), ec);
}
void Client::start_add_recipient(Recipient recipient, ReplyHandler handler) {
    run_async(impl_, add_recipient_op(impl_, std::move(recipient)), std::move(handler));
}

void Client::write_message(std::string_view data) {
    std::error_code ec;
    write_message(data, ec);
    if (ec) {
        raise(impl_, ec);
    }
}
void Client::write_message(std::string_view data, std::error_code& ec) {
    run_blocking(impl_, write_message_op(impl_, std::string(data)), ec);
}
void Client::start_write_message(std::string data, ErrorHandler handler) {
    run_async(impl_, write_message_op(impl_, std::move(data)), std::move(handler));
}

SendResult Client::end_message() {
    std::error_code ec;
    SendResult result = end_message(ec);
    if (ec) {
        raise(impl_, ec);
    }
    return result;
}
SendResult Client::end_message(std::error_code& ec) {
    return run_blocking(impl_, end_message_op(impl_), ec);
}
void Client::start_end_message(SendHandler handler) {
    run_async(impl_, end_message_op(impl_), std::move(handler));
}

void Client::abort_message() {
    std::error_code ec;
    abort_message(ec);
    if (ec) {
        raise(impl_, ec);
    }
}
void Client::abort_message(std::error_code& ec) {
    run_blocking(impl_, abort_message_op(impl_), ec);
}
void Client::start_abort_message(ErrorHandler handler) {
    run_async(impl_, abort_message_op(impl_), std::move(handler));
}

// --- quit, disconnect, cancel -----------------------------------------------------------

void Client::quit() {
    std::error_code ec;
    quit(ec);
    if (ec) {
        raise(impl_, ec);
    }
}

void Client::quit(std::error_code& ec) {
    run_blocking(impl_, quit_op(impl_), ec);
}

void Client::start_quit(ErrorHandler handler) {
    run_async(impl_, quit_op(impl_), std::move(handler));
}

void Client::disconnect() {
    std::error_code ec;
    disconnect(ec);
    if (ec) {
        throw system_error(ec);
    }
}

// Closes at once, unless an asynchronous operation runs on the executor:
// then the connection is the executor's to touch, and the close is a
// cancel() of that operation.
void Client::disconnect(std::error_code& ec) noexcept {
    ec.clear();
    if (!impl_) {
        ec = make_error_code(error::moved_from);
        return;
    }
    if (!impl_->calls.caller_allowed()) {
        // Not this thread's client: its state is not ours to touch.
        // cancel() is the cross-thread way to stop a call.
        ec = make_error_code(error::not_owner);
        return;
    }
    if (impl_->async_mode && impl_->calls.running.load() != 0) {
        cancel();
        return;
    }
    impl_->close();
}

// Posted to the client's executor, so the connection is touched only by the
// thread running the call; the call number makes a cancel that arrives
// after its call ended a no-op instead of a trap for the next call.
void Client::cancel() noexcept {
    if (impl_) {
        Impl::cancel_call(impl_, impl_->calls.running.load());
    }
}

std::thread::id Client::attach_thread(std::thread::id thread) {
    alive(impl_);
    if (thread == std::thread::id{}) {
        thread = std::this_thread::get_id();
    }
    return impl_->calls.owner.exchange(thread);
}

std::thread::id Client::owner_thread() const noexcept {
    return impl_ ? impl_->calls.owner.load() : std::thread::id{};
}

// --- events and status ----------------------------------------------------------------------

void Client::set_event_handler(EventHandler handler) {
    alive(impl_);
    impl_->events.set_handler(std::move(handler));
}
void Client::enable_events(bool enabled) {
    alive(impl_);
    impl_->events.enable_all(enabled);
}
void Client::enable_event(EventKind kind, bool enabled) {
    alive(impl_);
    impl_->events.enable(kind, enabled);
}
bool Client::event_enabled(EventKind kind) const noexcept {
    return impl_ && impl_->events.enabled(kind);
}
void Client::freeze_events(bool frozen) {
    alive(impl_);
    impl_->events.freeze(frozen);
}
TransferStatus Client::transfer_status() const {
    return alive(impl_).meter.status();
}

// --- observers ----------------------------------------------------------------------------------

bool Client::connected() const noexcept {
    return impl_ && impl_->session && impl_->connection && impl_->connection->is_open() &&
           impl_->session->usable();
}

bool Client::input_pending() noexcept {
    return connected() && impl_->calls.running.load() == 0 && impl_->connection->readable_now();
}

void Client::set_timeout(std::chrono::seconds timeout) {
    alive(impl_);
    impl_->timeout = timeout;
}

std::chrono::seconds Client::timeout() const noexcept {
    return impl_ ? impl_->timeout : std::chrono::seconds{0};
}

namespace {

// What a moved-from client's observers point at.
const Reply kNoReply;
const Capabilities kNoCapabilities;
const SecurityInfo kNoSecurity;
const std::string kNoDetail;

}  // namespace

const Reply& Client::last_reply() const noexcept {
    return impl_ ? impl_->last_reply : kNoReply;
}
std::error_code Client::last_error() const noexcept {
    return impl_ ? impl_->last_error : make_error_code(error::moved_from);
}
const std::string& Client::last_error_detail() const noexcept {
    return impl_ ? impl_->last_detail : kNoDetail;
}
const SessionOpening& Client::opening() const noexcept {
    static const SessionOpening none;
    return impl_ ? impl_->opening : none;
}
const Capabilities& Client::capabilities() const noexcept {
    return impl_ ? impl_->capabilities : kNoCapabilities;
}
const Capabilities& Client::capabilities_before_tls() const noexcept {
    return impl_ ? impl_->capabilities_before_tls : kNoCapabilities;
}
const SecurityInfo& Client::security_info() const noexcept {
    return impl_ ? impl_->security : kNoSecurity;
}

}  // namespace smtpkit
