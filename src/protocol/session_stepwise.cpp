// Step-by-step transactions: the caller writes MAIL, then one RCPT at a time,
// then DATA and the content in pieces it pushes, each step with its own
// reply (SocketTools' CreateMessage, AddRecipient, Write, CloseMessage).
// They run on the same Transaction machinery as send(): the parameters are
// planned by plan_mail(), the content goes through the same encoders and
// checks, and the end of data is judged the same way.
#include "protocol/transaction_rules.hpp"
#include "smtpkit/error.hpp"
#include "smtpkit/protocol/session.hpp"

namespace smtpkit::protocol {

Session::Transaction* Session::open_step_transaction() {
    for (auto& tx : transactions_) {
        if (tx.stepwise) {
            return &tx;
        }
    }
    return nullptr;
}

std::size_t Session::stepwise_transaction() const {
    for (const auto& tx : transactions_) {
        if (tx.stepwise) {
            return tx.id;
        }
    }
    return 0;
}

std::size_t Session::open_transaction(const Envelope& envelope, const MessageInfo& info) {
    const std::size_t id = next_id_++;
    if (state_ != State::ready) {
        refuse_transaction(id, make_error_code(state_ == State::failed ? error::session_failed
                                               : usable() ? error::operation_in_progress
                                                          : error::not_connected));
        return id;
    }
    if (!envelope.to.empty()) {
        refuse_transaction(id, make_error_code(error::invalid_parameter));  // one by one
        return id;
    }
    Transaction tx;
    tx.id = id;
    tx.stepwise = true;
    tx.envelope = envelope;
    tx.info = info;
    if (auto ec = plan_mail(envelope, info, ServerOffer{caps_, tls_active_, config_.use_chunking},
                            tx.plan)) {
        refuse_transaction(id, ec);
        return id;
    }
    tx.result.chunked = tx.plan.chunked;
    tx.result.body = tx.plan.body;
    tx.result.dropped = tx.plan.dropped;
    Command mail = Command::mail(envelope.from, tx.plan.mail_params);
    if (auto ec = mail.check(caps_.smtputf8())) {
        refuse_transaction(id, ec, std::move(tx.result));
        return id;
    }
    tx.pipelined = false;  // each step waits for its reply
    tx.round_trips_at_start = round_trips_;
    tx.chunk_encoder = ChunkEncoder(tx.plan.allowed == ContentClass::binary);
    set_state(State::transaction);
    transactions_.push_back(std::move(tx));
    Transaction& t = transactions_.back();
    queue(mail, id);
    ++t.replies_due;
    return id;
}

void Session::add_recipient(const Recipient& recipient) {
    Transaction* tx = open_step_transaction();
    if (tx == nullptr || tx->phase != Transaction::Phase::commands || tx->replies_due != 0) {
        events_.emplace_back(OperationFailed{make_error_code(error::operation_in_progress), {}});
        return;
    }
    // The recipient's own parameters (DSN NOTIFY, ORCPT), planned as for a
    // transaction that had only it.
    Envelope one = tx->envelope;
    one.to = {recipient};
    MailPlan plan;
    if (auto ec =
            plan_mail(one, tx->info, ServerOffer{caps_, tls_active_, config_.use_chunking}, plan)) {
        events_.emplace_back(OperationFailed{ec, {}});
        return;
    }
    const bool utf8 = caps_.smtputf8();
    Command rcpt = Command::rcpt(recipient.address, plan.rcpt_params.front());
    if (auto ec = rcpt.check(utf8)) {
        events_.emplace_back(OperationFailed{ec, {}});  // nothing written; still open
        return;
    }
    tx->result.recipients.push_back({canonical(recipient.address, utf8), {}});
    tx->rcpts.push_back(rcpt);
    queue(tx->rcpts.back(), tx->id);
    ++tx->replies_due;
}

void Session::start_data() {
    Transaction* tx = open_step_transaction();
    if (tx == nullptr || tx->phase != Transaction::Phase::commands || tx->replies_due != 0) {
        events_.emplace_back(OperationFailed{make_error_code(error::operation_in_progress), {}});
        return;
    }
    if (tx->result.accepted_count() == 0) {
        refuse(*tx, tx->result.recipients.empty() ? make_error_code(error::no_recipients)
                                                  : no_recipient_accepted(tx->result));
        tx->phase = Transaction::Phase::finishing;
        settle(*tx);  // RSET: MAIL was accepted
        return;
    }
    if (tx->plan.chunked) {
        open_content(*tx);
        return;
    }
    Command data = Command::data();
    data.check();
    tx->data_sent = true;
    queue(data, tx->id);
    ++tx->replies_due;
}

void Session::abort_transaction() {
    Transaction* tx = open_step_transaction();
    if (tx == nullptr) {
        events_.emplace_back(OperationFailed{make_error_code(error::not_connected), {}});
        return;
    }
    const std::error_code why = make_error_code(error::cancelled);
    if (tx->phase == Transaction::Phase::content) {
        abandon_content(why);
        return;
    }
    if (tx->phase != Transaction::Phase::commands || tx->replies_due != 0) {
        events_.emplace_back(OperationFailed{make_error_code(error::operation_in_progress), {}});
        return;
    }
    refuse(*tx, why);
    tx->phase = Transaction::Phase::finishing;
    settle(*tx);
}

// MAIL or an RCPT answered. A refused MAIL ends the transaction (there is
// nothing to reset); otherwise the caller takes the next step.
void Session::on_step_reply(Transaction& tx, Verb verb, const Reply& reply) {
    if (tx.refused) {
        tx.phase = Transaction::Phase::finishing;
        settle(tx);
        return;
    }
    events_.emplace_back(StepDone{tx.id, verb, reply});
}

}  // namespace smtpkit::protocol
