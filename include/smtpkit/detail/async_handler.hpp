// What the async_ templates of smtpkit::Client need: a move-only, type-erased
// completion handler, so that the work behind each operation is ordinary
// compiled code and the header keeps only a thin initiation.
#pragma once

#include <asio/associated_cancellation_slot.hpp>
#include <asio/associated_executor.hpp>
#include <asio/cancellation_signal.hpp>
#include <asio/dispatch.hpp>
#include <asio/execution/outstanding_work.hpp>
#include <asio/prefer.hpp>
#include <memory>
#include <utility>

namespace smtpkit::detail {

template <class... Args>
class UniqueHandler {
  public:
    UniqueHandler() = default;
    template <class F>
    explicit UniqueHandler(F f) : impl_(std::make_unique<Model<F>>(std::move(f))) {}

    // Calls once; the handler is empty afterwards.
    void operator()(Args... args) {
        auto impl = std::move(impl_);
        impl->call(std::move(args)...);
    }
    explicit operator bool() const noexcept { return impl_ != nullptr; }

    // The original handler's cancellation slot (not connected when it had
    // none): the operation listens on it until it completes.
    asio::cancellation_slot& slot() noexcept { return slot_; }

  private:
    struct Concept {
        virtual ~Concept() = default;
        virtual void call(Args... args) = 0;
    };
    template <class F>
    struct Model final : Concept {
        explicit Model(F fn) : f(std::move(fn)) {}
        void call(Args... args) override { f(std::move(args)...); }
        F f;
    };
    std::unique_ptr<Concept> impl_;
    asio::cancellation_slot slot_;
};

// Asio's rules for a completion handler: it runs through its associated
// executor (`fallback` when it has none), and that executor has work until
// it runs (an io_context's run() does not return early).
template <class... Args, class Handler, class Executor>
UniqueHandler<Args...> erase_handler(Handler handler, const Executor& fallback) {
    auto work = asio::prefer(asio::get_associated_executor(handler, fallback),
                             asio::execution::outstanding_work.tracked);
    asio::cancellation_slot slot = asio::get_associated_cancellation_slot(handler);
    UniqueHandler<Args...> erased(
        [h = std::move(handler), work = std::move(work)](Args... args) mutable {
            asio::dispatch(work, [h = std::move(h), ... a = std::move(args)]() mutable {
                std::move(h)(std::move(a)...);
            });
        });
    erased.slot() = slot;
    return erased;
}

}  // namespace smtpkit::detail
