// Bridges the callback-style transport and driver into coroutines: start an
// operation, suspend, resume with what its handler received.
#pragma once

#include <asio/async_result.hpp>
#include <asio/awaitable.hpp>
#include <asio/post.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>
#include <memory>
#include <utility>

namespace smtpkit::client {

// Carries a handler's argument past use_awaitable, which would turn a bare
// std::error_code into an exception.
template <class T>
struct Box {
    T value;
};

// `start(callback)` begins an operation that calls `callback(T)` once. The
// coroutine resumes through a post to its executor, never inside `start`
// (some operations complete at once).
template <class T, class Start>
asio::awaitable<T> suspend_for(Start start) {
    auto executor = co_await asio::this_coro::executor;
    Box<T> box = co_await asio::async_initiate<const asio::use_awaitable_t<>&, void(Box<T>)>(
        [&start, executor](auto handler) {
            auto shared = std::make_shared<decltype(handler)>(std::move(handler));
            start([shared, executor](T value) {
                asio::post(executor, [shared, value = std::move(value)]() mutable {
                    (*shared)(Box<T>{std::move(value)});
                });
            });
        },
        asio::use_awaitable);
    co_return std::move(box.value);
}

}  // namespace smtpkit::client
