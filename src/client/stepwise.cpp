// The step-by-step transaction (client.hpp): each call one step of the
// session's stepwise transaction, run to its completion event.
#include "client/await.hpp"
#include "client/client_impl.hpp"
#include "client/driver.hpp"

namespace smtpkit {

// The session is connected and a stepwise transaction is open.
bool Client::Impl::step_ready(std::error_code& ec) {
    if (!ready(ec)) {
        return false;
    }
    if (session->stepwise_transaction() == 0) {
        ec = make_error_code(error::invalid_command);  // begin_message() first
        return false;
    }
    return true;
}

// The verdict of a finished stepwise transaction, as send() gives it: a
// refused message (or no recipient accepted) is the answer, in the result.
SendResult Client::Impl::finish_message(protocol::TransactionDone done, std::error_code& ec) {
    SendResult result = std::move(done.result);
    result.error = done.ec;
    message_data_started = false;
    meter.end();
    if (!result.final_reply.empty()) {
        last_reply = result.final_reply;
    }
    const std::error_code session_ec =
        session && !session->usable() ? session->failure() : std::error_code();
    ec = is_answer(result.error) ? session_ec : result.error;
    finish(ec ? ec : result.error);
    return result;
}

Awaitable<Reply> Client::Impl::begin_message(Envelope envelope, std::optional<std::uint64_t> size,
                                             std::error_code& ec) {
    ec.clear();
    last_detail.clear();
    if (!ready(ec)) {
        finish(ec);
        co_return Reply{};
    }
    // The content is pushed later: its class is unknown now, so it is
    // declared 8-bit where the server offers it and checked as it goes.
    protocol::MessageInfo info{size, std::nullopt, false};
    session->open_transaction(envelope, info);
    protocol::Event done = co_await run(ec);
    if (const auto* step = std::get_if<protocol::StepDone>(&done)) {
        message_data_started = false;
        meter.begin(size.value_or(0));
        last_error = {};
        co_return step->reply;
    }
    if (auto* tx = std::get_if<protocol::TransactionDone>(&done)) {
        ec = tx->ec;  // MAIL refused, or a parameter refused before MAIL
        last_reply = tx->result.mail_reply.empty() ? last_reply : tx->result.mail_reply;
        finish(ec);
        co_return tx->result.mail_reply;
    }
    finish(ec);
    co_return Reply{};
}

Awaitable<Reply> Client::Impl::add_recipient(Recipient recipient, std::error_code& ec) {
    ec.clear();
    if (!step_ready(ec)) {
        co_return Reply{};
    }
    session->add_recipient(recipient);
    protocol::Event done = co_await run(ec);
    if (const auto* step = std::get_if<protocol::StepDone>(&done)) {
        // Refused or not, the reply is the answer; last_error() tells which.
        last_error = step->reply.positive_completion()
                         ? std::error_code()
                         : make_error_code(refusal_for(step->reply.code, error::no_valid_recipients,
                                                       error::recipients_deferred));
        co_return step->reply;
    }
    finish(ec);
    co_return Reply{};
}

// DATA (or the BDAT path's go-ahead) once: true when content may follow.
Awaitable<bool> Client::Impl::start_message_data(std::error_code& ec) {
    if (message_data_started) {
        co_return true;
    }
    session->start_data();
    protocol::Event done = co_await run(ec);
    if (std::holds_alternative<protocol::ReadyForData>(done)) {
        message_data_started = true;
        co_return true;
    }
    if (auto* tx = std::get_if<protocol::TransactionDone>(&done)) {
        finish_message(std::move(*tx), ec);
        if (!ec) {
            ec = last_error;  // no recipient accepted: the content cannot go
        }
        co_return false;
    }
    finish(ec);
    co_return false;
}

Awaitable<void> Client::Impl::write_message(std::string data, std::error_code& ec) {
    ec.clear();
    if (!step_ready(ec)) {
        co_return;
    }
    const bool content_may_go = co_await start_message_data(ec);
    if (!content_may_go) {
        co_return;
    }
    session->send_chunk(data, false);
    meter.add(data.size());
    if (events.wants(EventKind::progress)) {
        const TransferStatus status = meter.status();
        events.raise(client::make_event(EventKind::progress, {}, status.copied, status.total));
    }
    if (const std::error_code flush_ec = co_await flush()) {
        ec = flush_ec;
    }
    // BDAT without PIPELINING: each chunk waits for its reply before the next.
    while (!ec && session->usable() && session->stepwise_transaction() != 0 &&
           !session->content_wanted()) {
        protocol::Event done = co_await run(ec);
        if (auto* tx = std::get_if<protocol::TransactionDone>(&done)) {
            finish_message(std::move(*tx), ec);  // refused mid-stream
            if (!ec) {
                ec = last_error;
            }
            co_return;
        }
    }
    if (ec || (session && !session->usable())) {
        ec = ec ? ec : session->failure();
        finish(ec);
    }
}

// One co_return at the end: g++ 12 reports a false mismatched new/delete
// for this coroutine's frame when it has several.
Awaitable<SendResult> Client::Impl::end_message(std::error_code& ec) {
    ec.clear();
    SendResult result;
    bool content_may_go = step_ready(ec);
    if (content_may_go) {
        content_may_go = co_await start_message_data(ec);
    }
    if (content_may_go) {
        session->send_chunk({}, true);
        protocol::Event done = co_await run(ec);
        if (auto* tx = std::get_if<protocol::TransactionDone>(&done)) {
            result = finish_message(std::move(*tx), ec);
        } else {
            finish(ec);
        }
    }
    if (ec && !result.error) {
        result.error = ec;
    }
    co_return result;
}

Awaitable<void> Client::Impl::abort_message(std::error_code& ec) {
    ec.clear();
    if (!step_ready(ec)) {
        co_return;
    }
    session->abort_transaction();
    protocol::Event done = co_await run(ec);
    if (auto* tx = std::get_if<protocol::TransactionDone>(&done)) {
        message_data_started = false;
        meter.end();
        ec = tx->ec == error::cancelled ? std::error_code() : tx->ec;
    }
    finish(ec);
}

}  // namespace smtpkit
