// The two ways an operation runs: blocking on the private io_context, or
// asynchronously on the caller's executor, and the admission of each.
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

void Client::Impl::report(std::error_code ec) {
    if (ec == error::timeout) {
        events.raise(client::make_event(EventKind::timeout, ec));
    } else if (ec == error::cancelled) {
        events.raise(client::make_event(EventKind::cancel, ec));
    }
}

}  // namespace smtpkit
