// The two ways an operation runs: blocking on the private io_context, or
// asynchronously on the caller's executor, and the admission of each.
#include <asio/post.hpp>
#include <asio/system_executor.hpp>

#include "client/client_impl.hpp"

namespace smtpkit {

Client::Impl::Impl()
    : own_io(std::make_unique<asio::io_context>(1)), executor(own_io->get_executor()) {}

Client::Impl::Impl(asio::any_io_executor async_executor)
    : executor(std::move(async_executor)), async_mode(true) {}

std::error_code Client::Impl::begin_async(bool allow_any_thread) {
    if (!async_mode) {
        return make_error_code(error::wrong_mode);
    }
    return calls.admit(allow_any_thread);
}

void Client::Impl::end_async() noexcept {
    calls.release();
}

void Client::Impl::apply_pending_cancel() {
    if (cancel_requested != 0 && cancel_requested == calls.running.load() && connection) {
        connection->cancel();
    }
    cancel_requested = 0;
}

void Client::Impl::start_clock() {
    call_deadline.reset();
    if (deadline.count() > 0) {
        call_deadline = client::WaitLimits::Clock::now() + deadline;
    }
}

void Client::Impl::cancel_call(const std::shared_ptr<Impl>& impl, std::uint64_t call) noexcept {
    if (!impl || call == 0) {
        return;
    }
    try {
        asio::post(impl->executor, [weak = std::weak_ptr<Impl>(impl), call] {
            const auto d = weak.lock();
            if (!d || d->calls.running.load() != call) {
                return;  // that call is over: never cancel the next one
            }
            d->tracer.info("cancelled by the caller");
            if (d->connection) {
                d->connection->cancel();
            } else {
                d->cancel_requested = call;  // the operation has not begun yet
            }
        });
    } catch (const std::exception&) {
        // post() allocates; without memory there is nothing better to do.
    }
}

void Client::Impl::report(std::error_code ec) {
    if (ec == error::timeout || ec == error::deadline_exceeded) {
        events.raise(client::make_event(EventKind::timeout, ec));
    } else if (ec == error::cancelled) {
        events.raise(client::make_event(EventKind::cancel, ec));
    }
}

}  // namespace smtpkit
