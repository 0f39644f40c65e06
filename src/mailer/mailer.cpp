// smtpkit::Mailer's public face: every call is posted to the engine's strand
// (engine.hpp); the blocking forms wait for the handler on a promise.
#include "smtpkit/mailer.hpp"

#include <asio/executor_work_guard.hpp>
#include <asio/post.hpp>
#include <future>

#include "mailer/engine.hpp"

namespace smtpkit {

namespace {

std::shared_ptr<Mailer::Engine> owned_engine(MailerOptions options) {
    auto io = std::make_unique<asio::io_context>(1);
    asio::any_io_executor executor = io->get_executor();
    auto engine = std::make_shared<Mailer::Engine>(executor, std::move(options), std::move(io));
    engine->work.emplace(engine->own_io->get_executor());
    engine->thread = std::thread([io = engine->own_io.get()] { io->run(); });
    return engine;
}

}  // namespace

Mailer::Mailer(MailerOptions options)
    : when_full_(options.when_full), engine_(owned_engine(std::move(options))) {}

Mailer::Mailer(asio::any_io_executor executor, MailerOptions options)
    : when_full_(options.when_full),
      engine_(std::make_shared<Engine>(std::move(executor), std::move(options), nullptr)) {}

Mailer::~Mailer() {
    if (!engine_->own_io) {
        // The caller's executor may not run while we wait here: start the
        // cancel; the sessions keep the engine alive until they end.
        start_close(CloseMode::cancel, CloseHandler([] {}));
        return;
    }
    // (Destroying a Mailer from its own handlers is not supported.)
    close(CloseMode::cancel);
    // Every session has ended: run() returns once the last handlers ran.
    engine_->work.reset();
    engine_->thread.join();
}

asio::any_io_executor Mailer::get_executor() const noexcept {
    return engine_->strand;
}

void Mailer::start_send(OutgoingMessage message, SendHandler handler, QueueFull when_full) {
    auto job = std::make_shared<mailer::Job>(
        mailer::Job{std::move(message), MailResult{}, std::move(handler), nullptr});
    asio::post(engine_->strand, [e = engine_, job = std::move(job), when_full]() mutable {
        e->submit(job, when_full);
    });
}

void Mailer::start_close(CloseMode mode, CloseHandler handler) {
    asio::post(engine_->strand, [e = engine_, mode, h = std::move(handler)]() mutable {
        e->close(mode, std::move(h));
    });
}

namespace {

// A blocking call from the Mailer's own thread would wait for itself.
bool on_own_thread(const Mailer::Engine& e) {
    return e.thread.joinable() && e.thread.get_id() == std::this_thread::get_id();
}

}  // namespace

MailResult Mailer::send(const Envelope& envelope, const MessageSource& message,
                        std::error_code& ec) {
    if (on_own_thread(*engine_)) {
        ec = make_error_code(error::wrong_mode);
        return MailResult{.verdict = Verdict::not_delivered, .error = ec, .attempts = {}};
    }
    std::promise<std::pair<std::error_code, MailResult>> done;
    auto result = done.get_future();
    start_send(OutgoingMessage{envelope, message},
               SendHandler([&done](std::error_code e, MailResult r) {
                   done.set_value({e, std::move(r)});
               }),
               when_full_);
    auto [e, r] = result.get();
    ec = e;
    return std::move(r);
}

MailResult Mailer::send(const Envelope& envelope, const MessageSource& message) {
    std::error_code ec;
    MailResult r = send(envelope, message, ec);
    if (ec) {
        throw system_error(ec);
    }
    return r;
}

std::vector<MailResult> Mailer::send_all(std::vector<OutgoingMessage> messages) {
    if (on_own_thread(*engine_)) {
        throw system_error(make_error_code(error::wrong_mode));
    }
    std::vector<std::promise<MailResult>> done(messages.size());
    std::vector<std::future<MailResult>> results;
    results.reserve(messages.size());
    for (std::size_t i = 0; i < messages.size(); ++i) {
        results.push_back(done[i].get_future());
        start_send(std::move(messages[i]),
                   SendHandler([p = &done[i]](std::error_code, MailResult r) {
                       p->set_value(std::move(r));
                   }),
                   QueueFull::wait);
    }
    std::vector<MailResult> out;
    out.reserve(results.size());
    for (auto& f : results) {
        out.push_back(f.get());
    }
    return out;
}

void Mailer::close(CloseMode mode) {
    if (on_own_thread(*engine_)) {
        throw system_error(make_error_code(error::wrong_mode));
    }
    std::promise<void> done;
    auto closed = done.get_future();
    start_close(mode, CloseHandler([&done] { done.set_value(); }));
    closed.get();
}

Mailer::Stats Mailer::stats() const {
    const Engine& e = *engine_;
    return Stats{.queued = e.stat_queued,
                 .in_flight = e.stat_in_flight,
                 .sessions = e.stat_sessions,
                 .sessions_opened = e.stat_opened,
                 .delivered = e.stat_delivered,
                 .failed = e.stat_failed,
                 .retries = e.stat_retries,
                 .circuit_open = e.stat_open};
}

}  // namespace smtpkit
