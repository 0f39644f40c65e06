// The send path: transactions begun as soon as the session allows (several
// in flight with PIPELINING), content streamed chunk by chunk from each
// message's source, and every outcome matched to its message by the
// transaction id the session gives it.
#include <deque>
#include <map>
#include <numeric>
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

// A job's source opened for its transaction, before anything of it is
// written: a one-shot source already read, or a file that is gone or
// changed, ends that message here and nowhere else.
std::optional<client::ContentReader> Client::Impl::open_source(const Job& job,
                                                               std::error_code& ec) {
    MessageSource::Reader reader = job.source->open(ec);
    if (ec) {
        if (ec.category() != error_category()) {
            last_detail = "message source: " + ec.message();
            ec = make_error_code(error::source_read_failed);
        }
        return std::nullopt;
    }
    return client::ContentReader(std::move(reader), job.source->size(),
                                 transfer_options.chunk_size);
}

Awaitable<std::vector<SendResult>> Client::Impl::transfer(const std::vector<Job>& jobs,
                                                          std::error_code& session_ec) {
    std::vector<SendResult> results(jobs.size());
    std::map<std::size_t, std::size_t> job_of;             // transaction id -> job
    std::map<std::size_t, client::ContentReader> readers;  // transaction id -> its content
    std::deque<std::size_t> pending(jobs.size());          // jobs not begun, in order
    std::iota(pending.begin(), pending.end(), std::size_t{0});

    for (;;) {
        while (!pending.empty() && session->usable() && !session->completion_pending() &&
               session->can_begin_transaction()) {
            const std::size_t index = pending.front();
            pending.pop_front();
            const Job& job = jobs[index];
            std::error_code open_ec;
            std::optional<client::ContentReader> reader = open_source(job, open_ec);
            if (!reader) {
                results[index].error = open_ec;  // not_delivered, nothing written
                continue;
            }
            const std::size_t id = session->begin_transaction(*job.envelope, info_of(*job.source));
            readers.emplace(id, std::move(*reader));
            job_of[id] = index;
        }
        if (job_of.empty()) {
            break;  // every begun transaction is decided; nothing more can begin
        }
        std::error_code ec;
        protocol::Event done = co_await run(ec);
        if (const auto* ready_for = std::get_if<protocol::ReadyForData>(&done)) {
            const auto it = job_of.find(ready_for->transaction);
            const auto reader = readers.find(ready_for->transaction);
            if (it == job_of.end() || reader == readers.end()) {
                continue;
            }
            co_await write_content(reader->second, jobs[it->second].source->size().value_or(0));
        } else if (auto* tx = std::get_if<protocol::TransactionDone>(&done)) {
            readers.erase(tx->transaction);
            const auto it = job_of.find(tx->transaction);
            if (it != job_of.end() && tx->ec == error::pipelining_refused) {
                // Refused for riding behind an end of data, nothing taken:
                // begun again, now unpipelined, before the rest.
                tracer.info("pipelining after the end of data refused; sending again without");
                pending.push_front(it->second);
                job_of.erase(it);
            } else if (it != job_of.end()) {
                results[it->second] = std::move(tx->result);
                results[it->second].error = tx->ec;
                job_of.erase(it);
            }
        } else {
            // Only a session that failed with nothing in flight says this.
            break;
        }
    }
    // A session the server closed (421) after every message was decided is
    // no error of this call: each message has its answer, and the next call
    // finds the client disconnected.
    const bool undecided = !pending.empty() || !job_of.empty();
    if (!session->usable() && (session->failure() || undecided)) {
        session_ec =
            session->failure() ? session->failure() : make_error_code(error::not_connected);
    }
    for (const std::size_t i : pending) {
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
            // The message cannot be completed: it is abandoned, never ended
            // (BDAT: RSET; DATA: the connection is dropped).
            last_detail = reader.detail();
            tracer.info("message content abandoned: " + read_ec.message());
            session->abandon_content(read_ec);
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
