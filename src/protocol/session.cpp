// The session engine: one transition table (set_state), one reply router
// (on_reply), one handler per kind of reply. See session.hpp for the shape.
#include "smtpkit/protocol/session.hpp"

#include <algorithm>
#include <utility>

#include "smtpkit/error.hpp"
#include "smtpkit/protocol/address.hpp"

namespace smtpkit::protocol {
namespace {

// The canonical form of an address that Command::check() already accepted.
std::string canonical(const std::string& address, bool utf8) {
    std::error_code ec;
    return canonical_address(address, AddressRules{utf8, false}, ec);
}

bool needs_smtputf8(const Envelope& envelope) {
    if (is_utf8_address(envelope.from)) {
        return true;
    }
    return std::any_of(envelope.to.begin(), envelope.to.end(),
                       [](const Recipient& r) { return is_utf8_address(r.address); });
}

bool is_helo_fallback_code(int code) {
    // RFC 5321 4.1.4 / 3.2: a server that does not know EHLO says 500 or 502.
    return code == 500 || code == 502;
}

}  // namespace

bool is_completion(const Event& e) noexcept {
    return !std::holds_alternative<CommandSent>(e) && !std::holds_alternative<ReplyReceived>(e);
}

Session::Session(SessionConfig config) : config_(std::move(config)), parser_(config_.limits) {
    // The server speaks first.
    awaiting_.push_back({Verb::noop, true});
}

bool Session::usable() const {
    return state_ != State::failed && state_ != State::closed;
}

void Session::set_state(State s) {
    // The only place the state changes; the table of what may follow what
    // lives in the handlers below, which each check their own entry state.
    state_ = s;
}

// Checks that an operation may start; queues OperationFailed if not.
bool Session::start(State expected_from) {
    if (state_ == State::failed) {
        events_.emplace_back(OperationFailed{make_error_code(error::session_failed), {}});
        return false;
    }
    if (state_ == State::closed) {
        events_.emplace_back(OperationFailed{make_error_code(error::not_connected), {}});
        return false;
    }
    if (state_ != expected_from) {
        events_.emplace_back(OperationFailed{make_error_code(error::operation_in_progress), {}});
        return false;
    }
    return true;
}

void Session::queue(Command& cmd) {
    cmd.write_to(out_);
    wrote_since_reply_ = true;
    awaiting_.push_back({cmd.verb()});
    events_.emplace_back(CommandSent{cmd.verb(), cmd.line()});
}

void Session::fail(std::error_code ec, Reply reply) {
    const State was = state_;
    set_state(State::failed);
    awaiting_.clear();
    out_.clear();
    out_pos_ = 0;
    if (was == State::transaction || was == State::data || was == State::data_end ||
        was == State::resetting) {
        // Keep what the server said about each recipient. Once the end of
        // data is out, the server may have taken the message: we cannot know.
        result_.round_trips = round_trips_ - round_trips_at_start_;
        result_.verdict =
            (was == State::data_end && !aborting_data_) ? Verdict::unknown : Verdict::not_delivered;
        if (!reply.empty()) {
            last_reply_ = reply;
        }
        events_.emplace_back(TransactionDone{std::move(result_), ec});
        result_ = {};
        return;
    }
    events_.emplace_back(OperationFailed{ec, std::move(reply)});
}

// --- operations ---------------------------------------------------------

void Session::hello() {
    // EHLO may also be repeated from ready (after STARTTLS, a later issue).
    if (state_ != State::connected && state_ != State::ready) {
        start(State::connected);
        return;
    }
    Command cmd =
        config_.extended ? Command::ehlo(config_.helo_name) : Command::helo(config_.helo_name);
    if (auto ec = cmd.check(); ec) {
        events_.emplace_back(OperationFailed{ec, {}});
        return;
    }
    caps_ = {};
    extended_ = false;
    set_state(State::hello);
    queue(cmd);
}

void Session::begin_transaction(const Envelope& envelope) {
    if (!start(State::ready)) {
        return;
    }
    const bool utf8 = caps_.smtputf8();
    // RFC 6531 3.4: a transaction with any UTF-8 address says SMTPUTF8 on MAIL.
    std::vector<std::string> mail_params;
    if (utf8 && needs_smtputf8(envelope)) {
        mail_params.emplace_back("SMTPUTF8");
    }
    Command mail = Command::mail(envelope.from, std::move(mail_params));
    if (auto ec = mail.check(utf8); ec) {
        events_.emplace_back(OperationFailed{ec, {}});
        return;
    }
    if (envelope.to.empty()) {
        events_.emplace_back(OperationFailed{make_error_code(error::no_recipients), {}});
        return;
    }
    // Check every recipient before writing anything: one bad address must
    // not leave a half-sent transaction behind.
    std::vector<Command> rcpts;
    rcpts.reserve(envelope.to.size());
    for (const auto& r : envelope.to) {
        Command rcpt = Command::rcpt(r.address);
        if (auto ec = rcpt.check(utf8); ec) {
            events_.emplace_back(OperationFailed{ec, {}});
            return;
        }
        rcpts.push_back(std::move(rcpt));
    }
    rcpt_addresses_.clear();
    for (const auto& r : envelope.to) {
        rcpt_addresses_.push_back(canonical(r.address, utf8));
    }

    result_ = {};
    round_trips_at_start_ = round_trips_;
    tx_error_ = {};
    mail_ok_ = data_ok_ = data_sent_ = aborting_data_ = false;
    pipelined_ = config_.use_pipelining && caps_.pipelining();
    encoder_.reset();
    set_state(State::transaction);

    queue(mail);
    if (pipelined_) {
        // RFC 2920: MAIL, every RCPT and DATA in one group; DATA is last.
        for (std::size_t i = 0; i < rcpts.size(); ++i) {
            result_.recipients.push_back({rcpt_addresses_[i], {}});
            queue(rcpts[i]);
        }
        Command data = Command::data();
        data.check();
        queue(data);
        data_sent_ = true;
        pending_rcpts_.clear();
    } else {
        pending_rcpts_ = std::move(rcpts);
        next_rcpt_ = 0;
    }
}

void Session::send_data(std::string_view content) {
    if (state_ != State::data) {
        start(State::data);
        return;
    }
    const std::size_t before = out_.size();
    encoder_.encode(content, out_);
    result_.bytes_sent += out_.size() - before;
}

void Session::finish_data() {
    if (state_ != State::data) {
        start(State::data);
        return;
    }
    const std::size_t before = out_.size();
    encoder_.finish(out_);
    result_.bytes_sent += out_.size() - before;
    wrote_since_reply_ = true;
    awaiting_.push_back({Verb::data});
    set_state(State::data_end);
}

void Session::command(Command cmd) {
    if (!start(State::ready)) {
        return;
    }
    if (auto ec = cmd.check(caps_.smtputf8()); ec) {
        events_.emplace_back(OperationFailed{ec, {}});
        return;
    }
    set_state(State::command);
    queue(cmd);
}

void Session::starttls() {
    if (!start(State::ready)) {
        return;
    }
    if (!caps_.starttls()) {
        events_.emplace_back(OperationFailed{make_error_code(error::starttls_not_offered), {}});
        return;
    }
    Command cmd = Command::starttls();
    cmd.check();
    set_state(State::starttls);
    queue(cmd);
}

void Session::tls_established() {
    if (state_ != State::handshake) {
        start(State::handshake);
        return;
    }
    caps_ = {};
    extended_ = false;
    authenticated_ = false;
    parser_.reset();
    set_state(State::connected);
}

void Session::quit() {
    // QUIT is fine before EHLO too; start() reports every other state.
    if (state_ != State::ready && state_ != State::connected) {
        start(State::ready);
        return;
    }
    Command cmd = Command::quit();
    cmd.check();
    set_state(State::quitting);
    queue(cmd);
}

// --- bytes ----------------------------------------------------------------

std::string_view Session::pending_output() const {
    return std::string_view(out_).substr(out_pos_);
}

void Session::consume_output(std::size_t n) {
    out_pos_ += std::min(n, out_.size() - out_pos_);
    if (out_pos_ == out_.size()) {
        out_.clear();
        out_pos_ = 0;
    }
}

std::size_t Session::feed(std::string_view bytes) {
    std::size_t used = 0;
    while (used < bytes.size() && state_ != State::failed) {
        std::error_code ec;
        used += parser_.feed(bytes.substr(used), ec);
        if (ec) {
            fail(ec);
            break;
        }
        if (parser_.has_reply()) {
            on_reply(parser_.take());
        }
        if (state_ == State::handshake && used < bytes.size()) {
            // RFC 3207 / Poddebniak et al. 2021: plaintext after the 220 would
            // be read as if it came over TLS. Refuse it, however short, and
            // take back the go-ahead so that no handshake starts.
            std::erase_if(events_, [](const Event& e) {
                return std::holds_alternative<TlsHandshakeNeeded>(e);
            });
            fail(make_error_code(error::starttls_injection));
            break;
        }
    }
    return used;
}

void Session::feed_eof() {
    if (state_ == State::quitting || state_ == State::closed) {
        // After QUIT the server may close before or instead of answering.
        awaiting_.clear();
        if (state_ == State::quitting) {
            set_state(State::closed);
            events_.emplace_back(CommandDone{last_reply_});
        }
        return;
    }
    if (state_ == State::failed) {
        return;
    }
    fail(make_error_code(error::connection_closed));
}

void Session::feed_error(std::error_code ec) {
    fail(ec);
}

std::optional<Event> Session::next_event() {
    if (events_.empty()) {
        return std::nullopt;
    }
    Event e = std::move(events_.front());
    events_.pop_front();
    return e;
}

// --- replies ----------------------------------------------------------------

void Session::on_reply(Reply reply) {
    if (awaiting_.empty()) {
        // A reply nothing asked for: the dialogue is out of step, and acting on
        // it could attribute it to the next command.
        fail(make_error_code(error::unexpected_reply), std::move(reply));
        return;
    }
    if (wrote_since_reply_) {
        ++round_trips_;
        wrote_since_reply_ = false;
    }
    const Awaiting what = awaiting_.front();
    awaiting_.pop_front();
    last_reply_ = reply;
    events_.emplace_back(
        ReplyReceived{what.greeting ? std::nullopt : std::optional(what.verb), reply});

    if (what.greeting) {
        on_greeting(reply);
        return;
    }
    switch (state_) {
        case State::hello:
            on_hello(what.verb, reply);
            break;
        case State::transaction:
            on_transaction_reply(what.verb, reply);
            break;
        case State::data_end:
            on_data_end(reply);
            break;
        case State::resetting:
            // The RSET that closes a failed transaction; its code does not
            // change the outcome already decided.
            end_transaction(tx_error_);
            break;
        case State::command:
            on_command(reply);
            break;
        case State::starttls:
            on_starttls(reply);
            break;
        case State::auth:
            on_auth(reply);
            break;
        case State::quitting:
            set_state(State::closed);
            events_.emplace_back(CommandDone{reply});
            break;
        default:
            fail(make_error_code(error::unexpected_reply), reply);
            break;
    }
}

void Session::on_greeting(const Reply& reply) {
    if (reply.code == 220) {
        set_state(State::connected);
        events_.emplace_back(Greeted{reply});
        return;
    }
    // 421 / 554 (RFC 5321 3.1): the server will not talk to us. Anything else
    // is not a greeting at all.
    set_state(State::closed);
    const bool refusal = reply.transient() || reply.permanent();
    events_.emplace_back(OperationFailed{
        make_error_code(refusal ? error::greeting_refused : error::unexpected_reply), reply});
}

void Session::on_hello(Verb verb, const Reply& reply) {
    if (reply.code == 250) {
        extended_ = verb == Verb::ehlo;
        caps_ = extended_ ? Capabilities::from_ehlo(reply) : Capabilities{};
        set_state(State::ready);
        events_.emplace_back(HelloDone{reply, extended_});
        return;
    }
    if (verb == Verb::ehlo && is_helo_fallback_code(reply.code)) {
        Command helo = Command::helo(config_.helo_name);
        helo.check();
        queue(helo);
        return;
    }
    if (reply.code == 421) {
        set_state(State::closed);
    } else {
        set_state(State::connected);
    }
    events_.emplace_back(OperationFailed{make_error_code(error::hello_refused), reply});
}

void Session::on_transaction_reply(Verb verb, const Reply& reply) {
    switch (verb) {
        case Verb::mail:
            result_.mail_reply = reply;
            mail_ok_ = reply.positive_completion();
            if (!mail_ok_ && !pipelined_) {
                end_transaction(make_error_code(error::sender_refused));
                return;
            }
            break;
        case Verb::rcpt:
            if (pipelined_) {
                // Replies come in the order the RCPTs were sent.
                for (auto& r : result_.recipients) {
                    if (r.reply.empty()) {
                        r.reply = reply;
                        break;
                    }
                }
            } else {
                result_.recipients.back().reply = reply;
            }
            break;
        case Verb::data:
            result_.data_reply = reply;
            data_ok_ = reply.code == 354;
            if (data_ok_ && (!mail_ok_ || result_.accepted_count() == 0)) {
                // A server that says 354 after refusing every recipient
                // (RFC 2920 3.1 says it must not): end the data at once with
                // an empty body and let the reply to it close the matter.
                aborting_data_ = true;
                out_.append(".\r\n");
                wrote_since_reply_ = true;
                awaiting_.push_back({Verb::data});
                set_state(State::data_end);
                return;
            }
            break;
        default:
            fail(make_error_code(error::unexpected_reply), reply);
            return;
    }
    if (pipelined_) {
        if (awaiting_.empty()) {
            after_transaction_replies();
        }
        return;
    }
    send_next_unpipelined();
}

void Session::send_next_unpipelined() {
    if (!data_sent_ && next_rcpt_ < pending_rcpts_.size()) {
        result_.recipients.push_back({rcpt_addresses_[next_rcpt_], {}});
        queue(pending_rcpts_[next_rcpt_++]);
        return;
    }
    if (!data_sent_ && result_.accepted_count() > 0) {
        Command data = Command::data();
        data.check();
        data_sent_ = true;
        queue(data);
        return;
    }
    after_transaction_replies();
}

// Every reply of the MAIL/RCPT/DATA group is in: go on to the content, or
// close the failed transaction.
void Session::after_transaction_replies() {
    if (mail_ok_ && data_ok_ && result_.accepted_count() > 0) {
        set_state(State::data);
        events_.emplace_back(ReadyForData{});
        return;
    }
    if (!mail_ok_) {
        tx_error_ = make_error_code(error::sender_refused);
    } else if (result_.accepted_count() == 0) {
        tx_error_ = make_error_code(error::no_valid_recipients);
    } else {
        tx_error_ = make_error_code(error::message_refused);
    }
    if (!mail_ok_) {
        // Nothing was opened on the server's side.
        end_transaction(tx_error_);
        return;
    }
    // MAIL was accepted: the server holds a transaction that RSET must clear.
    Command rset = Command::rset();
    rset.check();
    set_state(State::resetting);
    queue(rset);
}

void Session::end_transaction(std::error_code ec) {
    result_.round_trips = round_trips_ - round_trips_at_start_;
    result_.verdict = ec ? Verdict::not_delivered : Verdict::delivered;
    set_state(State::ready);
    events_.emplace_back(TransactionDone{std::move(result_), ec});
    result_ = {};
}

void Session::on_data_end(const Reply& reply) {
    if (aborting_data_) {
        // The empty body after an unwanted 354: the transaction failed anyway.
        aborting_data_ = false;
        data_ok_ = false;
        after_transaction_replies();
        return;
    }
    result_.final_reply = reply;
    if (reply.positive_completion()) {
        end_transaction({});
        return;
    }
    // The server refused the message; the transaction is over on its side
    // (RFC 5321 4.1.1.4), so no RSET is needed.
    end_transaction(make_error_code(error::message_refused));
}

void Session::on_starttls(const Reply& reply) {
    if (reply.code == 220) {
        set_state(State::handshake);
        events_.emplace_back(TlsHandshakeNeeded{});
        return;
    }
    // 454, 501, 502, anything: no TLS. The caller required it, so the
    // session is over; it must never go on in plaintext.
    set_state(State::closed);
    events_.emplace_back(OperationFailed{make_error_code(error::starttls_refused), reply});
}

void Session::on_command(const Reply& reply) {
    set_state(State::ready);
    events_.emplace_back(CommandDone{reply});
}

const char* to_string(Session::State s) noexcept {
    switch (s) {
        case Session::State::greeting:
            return "greeting";
        case Session::State::connected:
            return "connected";
        case Session::State::hello:
            return "hello";
        case Session::State::ready:
            return "ready";
        case Session::State::transaction:
            return "transaction";
        case Session::State::data:
            return "data";
        case Session::State::data_end:
            return "data_end";
        case Session::State::resetting:
            return "resetting";
        case Session::State::command:
            return "command";
        case Session::State::starttls:
            return "starttls";
        case Session::State::handshake:
            return "handshake";
        case Session::State::auth:
            return "auth";
        case Session::State::quitting:
            return "quitting";
        case Session::State::closed:
            return "closed";
        case Session::State::failed:
            return "failed";
    }
    return "unknown";
}

}  // namespace smtpkit::protocol
