// The send path: transactions begun as soon as the session allows (several
// in flight with PIPELINING), content streamed chunk by chunk from each
// message's source, and every outcome matched to its message by the
// transaction id the session gives it.
#include <map>
#include <utility>

#include "client/await.hpp"
#include "client/client_impl.hpp"
#include "client/driver.hpp"

namespace smtpkit {
namespace {

protocol::MessageInfo info_of(const MessageSource& source) {
    return protocol::MessageInfo{source.size(), source.content_class(), source.eight_bit_headers()};
}

}  // namespace

Awaitable<std::vector<SendResult>> Client::Impl::transfer(const std::vector<Job>& jobs,
                                                          std::error_code& session_ec) {
    std::vector<SendResult> results(jobs.size());
    std::map<std::size_t, std::size_t> job_of;  // transaction id -> job
    std::size_t next = 0;
    std::optional<client::ContentReader> reader;
    std::size_t reader_for = 0;

    for (;;) {
        while (next < jobs.size() && session->usable() && session->can_begin_transaction()) {
            const Job& job = jobs[next];
            job_of[session->begin_transaction(*job.envelope, info_of(*job.source))] = next++;
        }
        if (job_of.empty()) {
            break;  // every begun transaction is decided; nothing more can begin
        }
        std::error_code ec;
        protocol::Event done = co_await run(ec);
        if (const auto* ready_for = std::get_if<protocol::ReadyForData>(&done)) {
            const auto it = job_of.find(ready_for->transaction);
            if (it == job_of.end()) {
                continue;
            }
            if (reader_for != ready_for->transaction) {
                reader.emplace(*jobs[it->second].source, transfer_options.chunk_size);
                reader_for = ready_for->transaction;
            }
            co_await write_content(*reader, jobs[it->second].source->size().value_or(0));
        } else if (auto* tx = std::get_if<protocol::TransactionDone>(&done)) {
            const auto it = job_of.find(tx->transaction);
            if (it != job_of.end()) {
                results[it->second] = std::move(tx->result);
                results[it->second].error = tx->ec;
                job_of.erase(it);
            }
        } else {
            // Only a session that failed with nothing in flight says this.
            break;
        }
    }
    if (!session->usable()) {
        session_ec =
            session->failure() ? session->failure() : make_error_code(error::not_connected);
    }
    for (std::size_t i = next; i < jobs.size(); ++i) {
        results[i].error = session_ec ? session_ec : make_error_code(error::session_failed);
    }
    for (const auto& [id, job] : job_of) {
        results[job].error = session_ec ? session_ec : make_error_code(error::session_failed);
    }
    co_return results;
}

// Streams content while the session wants it: each chunk but the last is
// written at once (memory stays at one chunk), with a look at the replies
// that have come meanwhile, so a refusal stops the rest (RFC 3030 2). The
// last chunk stays queued, so the next message's commands join its write.
// Progress counts the message's octets as they go to the session: from 0 to
// the total (the size when known beforehand, else the octets read), rising.
Awaitable<void> Client::Impl::write_content(client::ContentReader& reader, std::uint64_t total) {
    std::uint64_t done = 0;
    const auto progress = [&](bool last) {
        const std::uint64_t of = last || total < done ? done : total;
        events.raise(client::make_event(EventKind::progress, {}, done, of));
    };
    if (events.wants(EventKind::progress)) {
        progress(false);
    }
    while (session->content_wanted()) {
        bool last = false;
        std::error_code read_ec;
        const std::string_view chunk = reader.next(last, read_ec);
        if (read_ec) {
            // The message cannot be completed: drop the connection rather
            // than end a truncated message the server would deliver.
            session->feed_error(read_ec);
            co_return;
        }
        session->send_chunk(chunk, last);
        done += chunk.size();
        meter.add(chunk.size());
        if (events.wants(EventKind::progress)) {
            progress(last);
        }
        if (last) {
            tracer.info("message content: " + std::to_string(reader.total()) + " octets");
            if (session->pending_output().size() >= transfer_options.chunk_size) {
                co_await flush();
            }
            co_return;
        }
        if (co_await flush()) {
            co_return;
        }
        co_await poll();
    }
}

Awaitable<void> Client::Impl::poll() {
    client::Driver driver = make_driver();
    co_await client::suspend_for<std::error_code>(
        [&driver](auto resume) { driver.async_poll(std::move(resume)); });
}

}  // namespace smtpkit
