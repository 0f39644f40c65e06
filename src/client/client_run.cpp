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
    if (!allow_any_thread && !calls.caller_allowed()) {
        return make_error_code(error::not_owner);
    }
    // One operation at a time; the number lets cancel() end this one only.
    std::uint64_t idle = 0;
    const std::uint64_t call = ++calls.async_calls;
    if (!calls.running.compare_exchange_strong(idle, call)) {
        return make_error_code(error::operation_in_progress);
    }
    return {};
}

void Client::Impl::end_async() noexcept {
    calls.running.store(0);
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
