// The session engine: one transition table (set_state), one reply router
// (on_reply), one handler per kind of reply. See session.hpp for the shape.
#include "smtpkit/protocol/session.hpp"

#include <algorithm>
#include <utility>

#include "smtpkit/error.hpp"

namespace smtpkit::protocol {
namespace {

bool is_helo_fallback_code(int code) {
    // RFC 5321 4.1.4 / 3.2: a server that does not know EHLO says 500 or 502.
    return code == 500 || code == 502;
}

}  // namespace

bool is_completion(const Event& e) noexcept {
    return !std::holds_alternative<CommandSent>(e) && !std::holds_alternative<ReplyReceived>(e);
}

Session::Session(SessionConfig config)
    : config_(std::move(config)), parser_(config_.limits), tls_active_(config_.tls_active) {
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

void Session::queue(Command& cmd, std::size_t transaction) {
    cmd.write_to(out_);
    wrote_since_reply_ = true;
    awaiting_.push_back({cmd.verb(), false, transaction});
    events_.emplace_back(CommandSent{cmd.verb(), cmd.line()});
}

void Session::append(std::string_view bytes) {
    out_.append(bytes);
    wrote_since_reply_ = true;
}

void Session::fail(std::error_code ec, Reply reply) {
    if (state_ != State::failed) {
        failure_ = ec;
    }
    set_state(State::failed);
    awaiting_.clear();
    out_.clear();
    out_pos_ = 0;
    if (!transactions_.empty()) {
        // Keep what the server said about each transaction; each says why.
        if (!reply.empty()) {
            last_reply_ = reply;
        }
        fail_transactions(ec);
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
    tls_active_ = true;
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
    n = std::min(n, out_.size() - out_pos_);
    out_pos_ += n;
    written_total_ += n;
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

bool Session::completion_pending() const {
    return std::any_of(events_.begin(), events_.end(),
                       [](const Event& e) { return is_completion(e); });
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
    // A reply read while content could still be written (BDAT chunks
    // streaming) was no wait; the wait comes when the last chunk is out.
    if (wrote_since_reply_ && !content_wanted()) {
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
    if (what.transaction != 0) {
        if (Transaction* tx = find(what.transaction)) {
            on_transaction_reply(*tx, what, reply);
        } else {
            fail(make_error_code(error::unexpected_reply), reply);
        }
        return;
    }
    switch (state_) {
        case State::hello:
            on_hello(what.verb, reply);
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
    const error why =
        refusal ? refusal_for(reply.code, error::greeting_refused, error::greeting_deferred)
                : error::unexpected_reply;
    events_.emplace_back(OperationFailed{make_error_code(why), reply});
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
    events_.emplace_back(OperationFailed{
        make_error_code(refusal_for(reply.code, error::hello_refused, error::hello_deferred)),
        reply});
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
    events_.emplace_back(OperationFailed{
        make_error_code(refusal_for(reply.code, error::starttls_refused, error::starttls_deferred)),
        reply});
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
