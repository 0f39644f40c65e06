// Mail transactions of the session engine: MAIL/RCPT with their parameters,
// DATA or BDAT (RFC 3030), several in flight where PIPELINING allows, each
// reply routed to the transaction whose command it answers.
#include <algorithm>
#include <utility>

#include "protocol/transaction_rules.hpp"
#include "smtpkit/error.hpp"
#include "smtpkit/protocol/session.hpp"

namespace smtpkit::protocol {
// --- starting -----------------------------------------------------------

bool Session::can_begin_transaction() const {
    if (state_ == State::ready) {
        return true;
    }
    if (state_ != State::transaction || transactions_.empty()) {
        return false;
    }
    // Only behind transactions whose content is all queued: a MAIL inside
    // an open DATA or BDAT would be part of the message or a nested MAIL.
    // Nor behind the empty end of data that answers an unwanted 354: RSET
    // follows its reply, and behind the next DATA it would be read as the
    // first line of that message.
    for (const auto& tx : transactions_) {
        if (!tx.pipelined || tx.phase == Transaction::Phase::commands ||
            tx.phase == Transaction::Phase::content || tx.aborting_data) {
            return false;
        }
    }
    if (transactions_.back().plan.chunked) {
        return batch_ < std::max<std::size_t>(config_.window, 1);
    }
    return config_.pipeline_after_data;
}

void Session::refuse_transaction(std::size_t id, std::error_code ec, SendResult result) {
    result.verdict = Verdict::not_delivered;
    result.error = ec;
    events_.emplace_back(TransactionDone{std::move(result), ec, id});
}

std::size_t Session::begin_transaction(const Envelope& envelope, const MessageInfo& info) {
    const std::size_t id = next_id_++;
    if (state_ == State::failed || state_ == State::closed) {
        refuse_transaction(id, make_error_code(state_ == State::failed ? error::session_failed
                                                                       : error::not_connected));
        return id;
    }
    if (!can_begin_transaction()) {
        refuse_transaction(id, make_error_code(error::operation_in_progress));
        return id;
    }
    Transaction tx;
    tx.id = id;
    if (auto ec = plan_mail(envelope, info, ServerOffer{caps_, tls_active_, config_.use_chunking},
                            tx.plan)) {
        refuse_transaction(id, ec);
        return id;
    }
    tx.result.chunked = tx.plan.chunked;
    tx.result.body = tx.plan.body;
    tx.result.dropped = tx.plan.dropped;

    const bool utf8 = caps_.smtputf8();
    Command mail = Command::mail(envelope.from, tx.plan.mail_params);
    if (auto ec = mail.check(utf8)) {
        refuse_transaction(id, ec, std::move(tx.result));
        return id;
    }
    if (envelope.to.empty()) {
        refuse_transaction(id, make_error_code(error::no_recipients), std::move(tx.result));
        return id;
    }
    // Check every recipient before writing anything: one bad address must
    // not leave a half-sent transaction behind.
    for (std::size_t i = 0; i < envelope.to.size(); ++i) {
        Command rcpt = Command::rcpt(envelope.to[i].address, tx.plan.rcpt_params[i]);
        if (auto ec = rcpt.check(utf8)) {
            refuse_transaction(id, ec, std::move(tx.result));
            return id;
        }
        tx.rcpts.push_back(std::move(rcpt));
    }

    tx.pipelined = config_.use_pipelining && caps_.pipelining();
    tx.behind_data = !transactions_.empty() && !transactions_.back().plan.chunked;
    tx.round_trips_at_start = round_trips_;
    tx.chunk_encoder = ChunkEncoder(tx.plan.allowed == ContentClass::binary);
    if (tx.pipelined) {
        for (const auto& r : envelope.to) {
            tx.result.recipients.push_back({canonical(r.address, utf8), {}});
        }
    } else {
        for (const auto& r : envelope.to) {
            tx.addresses.push_back(canonical(r.address, utf8));
        }
    }
    // A BDAT transaction behind another still undecided: that one's server
    // transaction may still be open (a refused BDAT), so RSET first. RSET
    // may stand anywhere in a pipelined group (RFC 2920 3.1).
    const bool reset_first = tx.plan.chunked && tx.pipelined && !transactions_.empty();
    if (transactions_.empty()) {
        batch_ = 0;
    }
    ++batch_;
    set_state(State::transaction);
    transactions_.push_back(std::move(tx));
    Transaction& t = transactions_.back();

    if (reset_first) {
        Command rset = Command::rset();
        rset.check();
        queue(rset, id);
        ++t.replies_due;
    }
    queue(mail, id);
    ++t.replies_due;
    if (!t.pipelined) {
        return id;
    }
    // RFC 2920: MAIL and every RCPT in one group, ended by DATA; on the
    // BDAT path the first chunk joins the group.
    for (auto& rcpt : t.rcpts) {
        queue(rcpt, id);
        ++t.replies_due;
    }
    if (t.plan.chunked) {
        open_content(t);
    } else {
        Command data = Command::data();
        data.check();
        queue(data, id);
        ++t.replies_due;
        t.data_sent = true;
    }
    return id;
}

// --- content ---------------------------------------------------------------

Session::Transaction* Session::find(std::size_t id) {
    for (auto& tx : transactions_) {
        if (tx.id == id) {
            return &tx;
        }
    }
    return nullptr;
}

Session::Transaction* Session::content_transaction() {
    for (auto& tx : transactions_) {
        if (tx.phase == Transaction::Phase::content) {
            return &tx;
        }
    }
    return nullptr;
}

bool Session::content_wanted() const {
    return std::any_of(transactions_.begin(), transactions_.end(), [](const Transaction& tx) {
        return tx.phase == Transaction::Phase::content && !tx.chunk_pending;
    });
}

void Session::open_content(Transaction& tx) {
    tx.phase = Transaction::Phase::content;
    events_.emplace_back(ReadyForData{tx.id});
}

void Session::send_chunk(std::string_view content, bool last) {
    Transaction* tx = content_transaction();
    if (tx == nullptr || tx->chunk_pending) {
        // After a refusal or a failure the rest of the content is dropped
        // quietly (the transaction's outcome says why); outside a
        // transaction it is misuse.
        if (state_ != State::transaction && state_ != State::failed) {
            start(State::transaction);
        }
        return;
    }
    if (content.empty() && !last) {
        return;
    }
    if (tx->plan.allowed != ContentClass::binary) {
        tx->scanner.scan(content);
        if (tx->scanner.content_class() > tx->plan.allowed) {
            // Sending on would deliver something other than what MAIL
            // declared; ending the data would deliver a truncated message.
            // Only dropping the session keeps the message from arriving.
            fail(make_error_code(error::content_not_as_declared));
            return;
        }
    }
    const std::size_t before = out_.size();
    if (tx->plan.chunked) {
        tx->result.bytes_sent += tx->chunk_encoder.encode(content, last, out_);
        const std::string_view wire(out_.data() + before, out_.size() - before);
        events_.emplace_back(CommandSent{Verb::bdat, std::string(wire.substr(0, wire.find('\r')))});
        awaiting_.push_back({Verb::bdat, false, tx->id, last});
        ++tx->replies_due;
        tx->chunk_pending = !tx->pipelined;
    } else {
        tx->data_encoder.encode(content, out_);
        if (last) {
            tx->data_encoder.finish(out_);
            awaiting_.push_back({Verb::data, false, tx->id, true});
            ++tx->replies_due;
        }
        tx->result.bytes_sent += out_.size() - before;
    }
    wrote_since_reply_ = true;
    if (last) {
        tx->end_written = true;
        tx->end_mark = written_total_ + (out_.size() - out_pos_);
        tx->phase = Transaction::Phase::finishing;
    }
}

// The message's content cannot be completed (its source failed). BDAT: no
// LAST, and RSET discards the chunks already sent (RFC 3030 2), so the
// session goes on. DATA: only the end of data ends a DATA section, and that
// would deliver the short message, so the session fails and the transport
// closes the connection instead.
void Session::abandon_content(std::error_code why) {
    Transaction* tx = content_transaction();
    if (tx == nullptr) {
        return;
    }
    if (tx->plan.chunked) {
        refuse(*tx, why);
        settle(*tx);
        return;
    }
    tx->refused = true;
    tx->error = why;
    fail(make_error_code(error::session_failed));
}

// --- replies ---------------------------------------------------------------

void Session::refuse(Transaction& tx, std::error_code ec) {
    if (!tx.refused) {
        tx.refused = true;
        tx.error = ec;
    }
    // BDAT: no further chunk after a refusal (RFC 3030 2); the server
    // discards those already in the pipe.
    if (tx.phase == Transaction::Phase::content) {
        tx.phase = Transaction::Phase::finishing;
    }
}

void Session::on_transaction_reply(Transaction& tx, const Awaiting& what, const Reply& reply) {
    --tx.replies_due;
    switch (what.verb) {
        case Verb::rset:
            if (tx.phase == Transaction::Phase::resetting) {
                // Its code does not change the outcome already decided.
                complete(tx.id, tx.error);
                return;
            }
            break;  // the RSET before MAIL
        case Verb::mail:
            tx.result.mail_reply = reply;
            tx.mail_ok = reply.positive_completion();
            if (tx.behind_data && reply.code == 503) {
                // Refused for riding behind an end of data: not again this
                // session, and this one is to be begun anew.
                config_.pipeline_after_data = false;
                refuse(tx, make_error_code(error::pipelining_refused));
            } else if (!tx.mail_ok) {
                refuse(tx, make_error_code(refusal_for(reply.code, error::sender_refused,
                                                       error::sender_deferred)));
            }
            break;
        case Verb::rcpt:
            on_rcpt_reply(tx, reply);
            break;
        case Verb::data:
            if (what.last) {
                on_end_reply(tx, reply);
            } else {
                on_data_reply(tx, reply);
            }
            break;
        case Verb::bdat:
            on_chunk_reply(tx, what, reply);
            break;
        default:
            fail(make_error_code(error::unexpected_reply), reply);
            return;
    }
    if (tx.stepwise && tx.phase == Transaction::Phase::commands) {
        on_step_reply(tx, what.verb, reply);
        return;
    }
    if (!tx.pipelined && tx.phase == Transaction::Phase::commands) {
        send_next_unpipelined(tx);
        return;
    }
    settle(tx);
}

void Session::on_rcpt_reply(Transaction& tx, const Reply& reply) {
    // In order: the replies come in the order the RCPTs were sent.
    tx.result.recipients[tx.rcpt_replies++].reply = reply;
    // Step by step, the caller decides after each recipient (start_data()).
    if (!tx.stepwise && tx.rcpt_replies == tx.rcpts.size() && tx.mail_ok &&
        tx.result.accepted_count() == 0) {
        refuse(tx, no_recipient_accepted(tx.result));
    }
}

void Session::on_data_reply(Transaction& tx, const Reply& reply) {
    tx.result.data_reply = reply;
    if (reply.code == 354) {
        if (!tx.refused) {
            open_content(tx);
            return;
        }
        // 354 after every recipient was refused (RFC 2920 3.1 says it must
        // not come): end the data at once with an empty body and let the
        // reply to it close the matter.
        tx.aborting_data = true;
        append(".\r\n");
        awaiting_.push_back({Verb::data, false, tx.id, true});
        ++tx.replies_due;
        tx.phase = Transaction::Phase::finishing;
        return;
    }
    refuse(tx, message_refusal(reply));
    tx.phase = Transaction::Phase::finishing;
}

void Session::on_end_reply(Transaction& tx, const Reply& reply) {
    if (tx.aborting_data) {
        return;  // the empty body after an unwanted 354: already refused
    }
    tx.result.final_reply = reply;
    // After the end of data the server's transaction is over whatever it
    // said (RFC 5321 4.1.1.4): no RSET is needed.
    tx.server_done = true;
    if (!reply.positive_completion()) {
        refuse(tx, message_refusal(reply));
    }
}

void Session::on_chunk_reply(Transaction& tx, const Awaiting& what, const Reply& reply) {
    if (!reply.positive_completion()) {
        if (tx.result.final_reply.empty()) {
            tx.result.final_reply = reply;
        }
        refuse(tx, message_refusal(reply));
        return;
    }
    if (what.last) {
        tx.result.final_reply = reply;
        return;
    }
    if (tx.chunk_pending) {
        // Without PIPELINING each chunk waits for its reply.
        tx.chunk_pending = false;
        if (tx.phase == Transaction::Phase::content) {
            events_.emplace_back(ReadyForData{tx.id});
        }
    }
}

// Without PIPELINING: one command, then its reply, then the next.
void Session::send_next_unpipelined(Transaction& tx) {
    if (tx.refused) {
        tx.phase = Transaction::Phase::finishing;
        settle(tx);
        return;
    }
    if (tx.next_rcpt < tx.rcpts.size()) {
        tx.result.recipients.push_back({tx.addresses[tx.next_rcpt], {}});
        queue(tx.rcpts[tx.next_rcpt++], tx.id);
        ++tx.replies_due;
        return;
    }
    if (tx.plan.chunked) {
        open_content(tx);
        return;
    }
    Command data = Command::data();
    data.check();
    tx.data_sent = true;
    queue(data, tx.id);
    ++tx.replies_due;
}

// Every reply of a finished or refused transaction is in: it is delivered,
// or RSET clears what the server may still hold, or it is over.
void Session::settle(Transaction& tx) {
    if (tx.replies_due > 0 || tx.phase != Transaction::Phase::finishing) {
        return;
    }
    if (!tx.refused) {
        complete(tx.id, {});
        return;
    }
    if (tx.mail_ok && !tx.server_done && !later_transaction_resets(tx)) {
        Command rset = Command::rset();
        rset.check();
        tx.phase = Transaction::Phase::resetting;
        queue(rset, tx.id);
        ++tx.replies_due;
        return;
    }
    complete(tx.id, tx.error);
}

// A later BDAT transaction began with RSET, which clears this one's.
bool Session::later_transaction_resets(const Transaction& tx) const {
    return tx.plan.chunked && tx.pipelined && &tx != &transactions_.back();
}

void Session::complete(std::size_t id, std::error_code ec) {
    const auto it = std::find_if(transactions_.begin(), transactions_.end(),
                                 [id](const Transaction& t) { return t.id == id; });
    if (it == transactions_.end()) {
        return;
    }
    SendResult result = std::move(it->result);
    result.round_trips = round_trips_ - it->round_trips_at_start;
    result.verdict = ec ? Verdict::not_delivered : Verdict::delivered;
    result.error = ec;
    transactions_.erase(it);
    if (transactions_.empty() && state_ == State::transaction) {
        set_state(State::ready);
    }
    events_.emplace_back(TransactionDone{std::move(result), ec, id});
}

// The session is over: each transaction in flight ends. One whose end of
// data reached the transport without an answer may have been taken by the
// server: we cannot know.
void Session::fail_transactions(std::error_code ec) {
    for (auto& tx : transactions_) {
        SendResult result = std::move(tx.result);
        result.round_trips = round_trips_ - tx.round_trips_at_start;
        const bool out = tx.end_written && written_total_ >= tx.end_mark;
        result.verdict = (out && !tx.refused) ? Verdict::unknown : Verdict::not_delivered;
        // One already refused (or abandoned) keeps its own reason.
        const std::error_code why = tx.refused && tx.error ? tx.error : ec;
        result.error = why;
        events_.emplace_back(TransactionDone{std::move(result), why, tx.id});
    }
    transactions_.clear();
}

}  // namespace smtpkit::protocol
