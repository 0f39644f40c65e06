// smtpkit::Client: one SMTP session, blocking or asynchronous. Every wait is
// bounded by ConnectOptions::timeout (a silent server fails the call with
// error::timeout) and, when set, each whole call by ConnectOptions::deadline
// (error::deadline_exceeded).
//
// Each operation has three forms: one that throws smtpkit::system_error, one
// that takes std::error_code& and does not throw, and async_...(token) taking
// an Asio completion token (a callback, asio::use_future, asio::use_awaitable).
// A Client made with Client() is blocking (it runs its own io_context inside
// each call); a Client made with Client(executor) is asynchronous (its
// operations run on that executor, which the caller runs). A blocking call on
// an asynchronous client, or the reverse, fails with error::wrong_mode. Both
// modes run the same engine.
//
// One error model in all three forms. A refusal that is an answer is in the
// result, never an exception and never in `ec`: refused recipients and a
// refused message (SendResult::verdict and SendResult::error:
// no_valid_recipients, recipients_deferred, message_refused,
// message_deferred), the reply to verify(), expand(), command(), reset() and
// noop() whatever its code. Everything that ends the call otherwise (the
// session could not be set up or went wrong: greeting, EHLO, STARTTLS, AUTH
// or MAIL FROM refused, a protocol violation, a lost connection, a timeout,
// bad input) throws, sets `ec`, or completes the handler with it, the same
// error in each form; last_reply() holds what the server said. Conditions
// (error.hpp) classify errors: transient (4yz, timeouts, lost connections),
// permanent (5yz), misuse.
//
// A moved-from Client fails every operation with error::moved_from; its
// observers return empty values.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <vector>

#include <asio/any_io_executor.hpp>
#include <asio/async_result.hpp>

#include "smtpkit/auth.hpp"
#include "smtpkit/detail/async_handler.hpp"
#include "smtpkit/envelope.hpp"
#include "smtpkit/error.hpp"
#include "smtpkit/events.hpp"
#include "smtpkit/message.hpp"
#include "smtpkit/message_source.hpp"
#include "smtpkit/options.hpp"
#include "smtpkit/protocol/capabilities.hpp"
#include "smtpkit/reply.hpp"
#include "smtpkit/tls.hpp"
#include "smtpkit/transfer_status.hpp"

namespace smtpkit {

using Capabilities = protocol::Capabilities;
using ExtendedOption = protocol::ExtendedOption;

// One message for send_many().
struct OutgoingMessage {
    Envelope envelope;
    MessageSource message;
};

// What the server said while connect() opened the session, for reports
// (`smtpkit probe`) and diagnostics, so that nobody parses traces for it.
struct SessionOpening {
    struct Hello {
        std::string command;  // "EHLO" or "HELO"
        Reply reply;
        Capabilities capabilities() const { return Capabilities::from_ehlo(reply); }
    };
    Reply greeting;                   // the 220 (or the refusal) that opened the session
    std::optional<Hello> before_tls;  // the last EHLO/HELO answered in plaintext
    Reply starttls;                   // the reply to STARTTLS, when it was sent
    std::optional<Hello> after_tls;   // the last EHLO/HELO answered over TLS
};

enum class TraceDirection { client, server, info };
// One line of the dialogue (without CRLF). Message content is not traced,
// only its size.
using TraceHandler = std::function<void(TraceDirection, std::string_view line)>;

class Client {
  public:
    // Blocking use: the client owns an io_context and runs it in each call.
    Client();
    // Asynchronous use: the async_ operations run on `executor` (the caller
    // runs its context); completion handlers run on their associated
    // executor, by default this one.
    explicit Client(asio::any_io_executor executor);
    ~Client();
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;
    Client(Client&&) noexcept;
    Client& operator=(Client&&) noexcept;

    // Connects, reads the greeting and says EHLO (HELO only with
    // `extended` false and Security::plaintext), then STARTTLS and EHLO again
    // as `options.security` asks. The default options require TLS: implicit
    // on port 465, STARTTLS elsewhere. Port 0: 25 (465 with implicit_tls).
    void connect(std::string_view host, std::uint16_t port = 0, const ConnectOptions& options = {});
    void connect(std::string_view host, std::uint16_t port, const ConnectOptions& options,
                 std::error_code& ec);

    // AUTH (RFC 4954). Picks or checks the mechanism against what the server
    // offers ("invalid authentication type" when it lacks it). Passwords and
    // tokens in clear text (PLAIN, LOGIN, XOAUTH2, OAUTHBEARER) are refused
    // on a session without TLS unless ConnectOptions::allow_insecure_auth.
    // Neither secret nor user name appears in traces or error messages.
    void authenticate(std::string_view user, std::string_view secret,
                      AuthMechanism mechanism = AuthMechanism::automatic);
    void authenticate(std::string_view user, std::string_view secret, AuthMechanism mechanism,
                      std::error_code& ec);

    // One message to every recipient in the envelope. The message is sent as
    // given (CRLF-normalised and dot-stuffed on the wire); headers are not
    // read for recipients. The source is opened for this send and read from
    // its start (message_source.hpp); its octets are counted against its
    // declared size. A refused message or refused recipients are the
    // result's verdict and error, not `ec` (see the top of this file).
    SendResult send(const Envelope& envelope, const MessageSource& message);
    SendResult send(const Envelope& envelope, const MessageSource& message, std::error_code& ec);
    // A built Message, rendered for this server (8bit bodies where it offers
    // 8BITMIME; raw UTF-8 and SMTPUTF8 where an address needs it and it is
    // offered, else RFC 2047 and A-labels), with the envelope taken from its
    // headers: Sender or From, and every To, Cc and Bcc (Bcc never sent).
    SendResult send(const Message& message);
    SendResult send(const Message& message, std::error_code& ec);
    // The same with an explicit envelope (the headers are not read for it).
    SendResult send(const Envelope& envelope, const Message& message);
    SendResult send(const Envelope& envelope, const Message& message, std::error_code& ec);
    // How send(Message) renders for the connected server.
    RenderOptions render_options(const Message& message) const noexcept;

    // Several messages on one session, pipelined across messages where the
    // server allows (RFC 2920, RFC 3030): on the DATA path the next message's
    // MAIL and RCPTs go out with the previous end of data; with CHUNKING up
    // to TransferOptions::window messages are in flight at once. One result
    // per message, in order, each with its own verdict and error. Refusals
    // are answers; ec (or the exception) is set only when the session itself
    // failed, and then the messages not yet decided say why in their result.
    // Each result's round_trips counts the waits during that message's
    // lifetime (from its MAIL to its verdict): a wait shared by messages in
    // flight together counts for each of them.
    std::vector<SendResult> send_many(std::vector<OutgoingMessage> messages);
    std::vector<SendResult> send_many(std::vector<OutgoingMessage> messages, std::error_code& ec);

    Reply reset();
    Reply reset(std::error_code& ec);
    Reply noop();
    Reply noop(std::error_code& ec);
    Reply verify(std::string_view address);
    Reply verify(std::string_view address, std::error_code& ec);
    Reply expand(std::string_view list);
    Reply expand(std::string_view list, std::error_code& ec);
    // Any single command line (checked: no CR, LF or controls). Commands that
    // change the session's state (DATA, BDAT, STARTTLS, AUTH, EHLO, HELO,
    // QUIT) have their own methods and are refused here.
    Reply command(std::string_view line);
    Reply command(std::string_view line, std::error_code& ec);

    // --- step by step -------------------------------------------------------
    // A transaction driven one command at a time, each with its own reply
    // (SocketTools' CreateMessage, AddRecipient, Write, CloseMessage;
    // smtplib's mail(), rcpt(), data()):
    //
    //   client.begin_message({"me@example.com"}, size);  // MAIL FROM
    //   client.add_recipient("a@example.org");           // RCPT TO: its own reply
    //   client.write_message(piece); ...                 // DATA, then the content
    //   SendResult r = client.end_message();             // the end of data: the verdict
    //
    // begin_message() takes the envelope's sender and parameters (DSN,
    // BODY, REQUIRETLS, ...); its recipients must be empty, they come one
    // by one. `size` (when known) is declared with SIZE=. A refused MAIL
    // fails the call (sender_refused/sender_deferred); a refused recipient
    // is an answer: its Reply, the transaction still open. The first
    // write_message() (or end_message()) sends DATA, or uses BDAT where the
    // server offers CHUNKING; content goes through the same encoders and
    // checks as send(), and line ends may be anything (CRLF on the wire).
    // Without an accepted recipient the transaction ends there
    // (no_valid_recipients). end_message() gives the verdict as send() does
    // (a refused message is the answer; a reply lost after the end of data
    // is Verdict::unknown). abort_message() gives up: RSET, or in the middle
    // of DATA content the connection is closed (nothing else ends DATA but
    // its end, which would deliver).
    Reply begin_message(const Envelope& envelope, std::optional<std::uint64_t> size = {});
    Reply begin_message(const Envelope& envelope, std::optional<std::uint64_t> size,
                        std::error_code& ec);
    Reply add_recipient(const Recipient& recipient);
    Reply add_recipient(const Recipient& recipient, std::error_code& ec);
    void write_message(std::string_view data);
    void write_message(std::string_view data, std::error_code& ec);
    SendResult end_message();
    SendResult end_message(std::error_code& ec);
    void abort_message();
    void abort_message(std::error_code& ec);

    // QUIT, then close. Safe to call when not connected.
    void quit();
    void quit(std::error_code& ec);
    // Closes the connection at once, without QUIT. From a thread that does
    // not own the client it fails with error::not_owner and closes nothing
    // (cancel() is the way to stop another thread's call).
    void disconnect();
    void disconnect(std::error_code& ec) noexcept;

    // --- asynchronous forms -------------------------------------------------
    // The same operations, completing with the error the error_code& form
    // would set (so with use_awaitable a refused message does not throw: its
    // SendResult says so; a failed session does). One operation at a time: a
    // second one while one runs completes with error::operation_in_progress.
    // The thread check is made when the operation is started (for
    // use_awaitable: when it is awaited). The arguments are copied.
    //
    // Per-operation cancellation (Asio's cancellation slots): a token with a
    // bound slot (asio::bind_cancellation_slot, or the awaitable operators
    // racing the operation against a timer) cancels this operation when the
    // slot is emitted, as cancel() would: it completes with error::cancelled
    // and the connection is closed.
    template <asio::completion_token_for<void(std::error_code)> Token>
    auto async_connect(std::string_view host, std::uint16_t port, const ConnectOptions& options,
                       Token&& token) {
        return asio::async_initiate<Token, void(std::error_code)>(
            [this](auto handler, std::string h, std::uint16_t p, ConnectOptions o) {
                start_connect(std::move(h), p, std::move(o), erase<std::error_code>(handler));
            },
            token, std::string(host), port, options);
    }
    template <asio::completion_token_for<void(std::error_code)> Token>
    auto async_authenticate(std::string_view user, std::string_view secret, AuthMechanism mechanism,
                            Token&& token) {
        return asio::async_initiate<Token, void(std::error_code)>(
            [this](auto handler, std::string u, std::string s, AuthMechanism m) {
                start_authenticate(std::move(u), std::move(s), m, erase<std::error_code>(handler));
            },
            token, std::string(user), std::string(secret), mechanism);
    }
    template <asio::completion_token_for<void(std::error_code, SendResult)> Token>
    auto async_send(const Envelope& envelope, const MessageSource& message, Token&& token) {
        return asio::async_initiate<Token, void(std::error_code, SendResult)>(
            [this](auto handler, Envelope e, MessageSource m) {
                start_send(std::move(e), std::move(m), erase<std::error_code, SendResult>(handler));
            },
            token, envelope, message);
    }
    template <asio::completion_token_for<void(std::error_code, SendResult)> Token>
    auto async_send(const Message& message, Token&& token) {
        return async_send(message.envelope(render_options(message).smtputf8), message,
                          std::forward<Token>(token));
    }
    template <asio::completion_token_for<void(std::error_code, SendResult)> Token>
    auto async_send(const Envelope& envelope, const Message& message, Token&& token) {
        return async_send(envelope, source_for(message), std::forward<Token>(token));
    }
    template <asio::completion_token_for<void(std::error_code, std::vector<SendResult>)> Token>
    auto async_send_many(std::vector<OutgoingMessage> messages, Token&& token) {
        return asio::async_initiate<Token, void(std::error_code, std::vector<SendResult>)>(
            [this](auto handler, std::vector<OutgoingMessage> m) {
                start_send_many(std::move(m),
                                erase<std::error_code, std::vector<SendResult>>(handler));
            },
            token, std::move(messages));
    }
    template <asio::completion_token_for<void(std::error_code, Reply)> Token>
    auto async_reset(Token&& token) {
        return async_simple(SimpleCommand::reset, {}, std::forward<Token>(token));
    }
    template <asio::completion_token_for<void(std::error_code, Reply)> Token>
    auto async_noop(Token&& token) {
        return async_simple(SimpleCommand::noop, {}, std::forward<Token>(token));
    }
    template <asio::completion_token_for<void(std::error_code, Reply)> Token>
    auto async_verify(std::string_view address, Token&& token) {
        return async_simple(SimpleCommand::verify, address, std::forward<Token>(token));
    }
    template <asio::completion_token_for<void(std::error_code, Reply)> Token>
    auto async_expand(std::string_view list, Token&& token) {
        return async_simple(SimpleCommand::expand, list, std::forward<Token>(token));
    }
    template <asio::completion_token_for<void(std::error_code, Reply)> Token>
    auto async_command(std::string_view line, Token&& token) {
        return async_simple(SimpleCommand::raw, line, std::forward<Token>(token));
    }
    template <asio::completion_token_for<void(std::error_code, Reply)> Token>
    auto async_begin_message(const Envelope& envelope, std::optional<std::uint64_t> size,
                             Token&& token) {
        return asio::async_initiate<Token, void(std::error_code, Reply)>(
            [this](auto handler, Envelope e, std::optional<std::uint64_t> n) {
                start_begin_message(std::move(e), n, erase<std::error_code, Reply>(handler));
            },
            token, envelope, size);
    }
    template <asio::completion_token_for<void(std::error_code, Reply)> Token>
    auto async_add_recipient(const Recipient& recipient, Token&& token) {
        return asio::async_initiate<Token, void(std::error_code, Reply)>(
            [this](auto handler, Recipient r) {
                start_add_recipient(std::move(r), erase<std::error_code, Reply>(handler));
            },
            token, recipient);
    }
    template <asio::completion_token_for<void(std::error_code)> Token>
    auto async_write_message(std::string_view data, Token&& token) {
        return asio::async_initiate<Token, void(std::error_code)>(
            [this](auto handler, std::string d) {
                start_write_message(std::move(d), erase<std::error_code>(handler));
            },
            token, std::string(data));
    }
    template <asio::completion_token_for<void(std::error_code, SendResult)> Token>
    auto async_end_message(Token&& token) {
        return asio::async_initiate<Token, void(std::error_code, SendResult)>(
            [this](auto handler) {
                start_end_message(erase<std::error_code, SendResult>(handler));
            },
            token);
    }
    template <asio::completion_token_for<void(std::error_code)> Token>
    auto async_abort_message(Token&& token) {
        return asio::async_initiate<Token, void(std::error_code)>(
            [this](auto handler) { start_abort_message(erase<std::error_code>(handler)); }, token);
    }
    template <asio::completion_token_for<void(std::error_code)> Token>
    auto async_quit(Token&& token) {
        return asio::async_initiate<Token, void(std::error_code)>(
            [this](auto handler) { start_quit(erase<std::error_code>(handler)); }, token);
    }

    // The executor the operations run on (for a blocking client: its own
    // io_context's, which only runs inside its blocking calls).
    asio::any_io_executor get_executor() const noexcept;

    // --- events and transfer status -------------------------------------------
    // The handler receives the events of every operation, blocking or not
    // (see events.hpp for the thread it runs on). All kinds start enabled.
    // Frozen events are held, in order, and delivered when unfrozen (on the
    // thread that unfreezes); while frozen more than 65,536 are held, later
    // ones are dropped. These controls may be called from any thread.
    void set_event_handler(EventHandler handler);
    void enable_events(bool enabled);  // every kind
    void enable_event(EventKind kind, bool enabled);
    bool event_enabled(EventKind kind) const noexcept;
    void freeze_events(bool frozen);
    // The current or last send()'s progress; safe from any thread.
    TransferStatus transfer_status() const;

    // --- threads and cancellation ------------------------------------------
    // A Client belongs to the thread that created it. A call from another
    // thread fails with error::not_owner (the throwing forms throw it) and
    // changes nothing, unless the connection was made with
    // Option::free_thread: then any thread may call. Calls never overlap: one
    // made while another runs (from another thread, or from an event
    // handler) fails with error::operation_in_progress. The observers below
    // (last_reply(), ...) are not checked: call them from the owner, or
    // serialise.
    //
    // Moves ownership to `thread` (default: the calling thread) and returns
    // the previous owner. Any thread may call it, e.g. a worker taking over
    // a connected client; the caller makes sure no call is running then.
    std::thread::id attach_thread(std::thread::id thread = {});
    std::thread::id owner_thread() const noexcept;
    // Safe from any thread: the call in progress (connect, send, ..., blocking
    // or asynchronous) ends promptly with error::cancelled and the
    // connection is closed, never reused mid-reply. It is posted to the
    // client's executor. Without a call in progress it does nothing.
    void cancel() noexcept;

    bool connected() const noexcept;
    // True when octets (or the end of the stream) from the server arrived
    // while no call was running: something said unasked, such as a 421
    // before a shutdown. The next call reads it. SocketTools' IsReadable;
    // call it from the owner, between calls.
    bool input_pending() noexcept;
    // The bound of every wait from the next call on (connect() sets it from
    // ConnectOptions::timeout): SocketTools' SetTimeout on a connected
    // client. Not checked for the thread: call it from the owner, between
    // calls.
    void set_timeout(std::chrono::seconds timeout);
    std::chrono::seconds timeout() const noexcept;
    const Reply& last_reply() const noexcept;
    std::error_code last_error() const noexcept;
    // Why, where the error code alone cannot say: OpenSSL's reason for a TLS
    // failure ("unable to get local issuer certificate"), the file that could
    // not be loaded. Empty otherwise; a server's refusal is in last_reply().
    // The throwing forms put the same words in what().
    const std::string& last_error_detail() const noexcept;
    // The server's greeting (its 220 reply) on the current or last connection.
    const Reply& greeting() const noexcept { return opening().greeting; }
    // The greeting, each EHLO/HELO reply before and after TLS, the STARTTLS reply.
    const SessionOpening& opening() const noexcept;
    // The extensions from the last EHLO (empty after HELO). After STARTTLS
    // these are the ones offered over TLS.
    const Capabilities& capabilities() const noexcept;
    // The extensions offered in plaintext, before STARTTLS (empty when the
    // session never spoke in plaintext: implicit TLS). For reports only: they
    // could have been altered on the way, so nothing is decided on them.
    const Capabilities& capabilities_before_tls() const noexcept;
    const Capabilities& extensions() const noexcept { return capabilities(); }
    // The seed's GetExtendedOptions: the offered extensions as flags.
    ExtendedOption extended_options() const noexcept { return capabilities().flags(); }
    // The TLS session: protocol, cipher, certificate, verification result.
    // `active` is false on a plaintext or closed connection; after a close
    // the rest still describes the last TLS session, until the next connect.
    const SecurityInfo& security_info() const noexcept;

    void set_trace(TraceHandler handler);

    struct Impl;  // src/client/client_impl.hpp

  private:
    enum class SimpleCommand { reset, noop, verify, expand, raw };
    using ErrorHandler = detail::UniqueHandler<std::error_code>;
    using ReplyHandler = detail::UniqueHandler<std::error_code, Reply>;
    using SendHandler = detail::UniqueHandler<std::error_code, SendResult>;
    using SendManyHandler = detail::UniqueHandler<std::error_code, std::vector<SendResult>>;

    template <class... Args, class Handler>
    detail::UniqueHandler<Args...> erase(Handler& handler) const {
        return detail::erase_handler<Args...>(std::move(handler), handler_executor());
    }
    template <class Token>
    auto async_simple(SimpleCommand which, std::string_view argument, Token&& token) {
        return asio::async_initiate<Token, void(std::error_code, Reply)>(
            [this](auto handler, SimpleCommand w, std::string a) {
                start_simple(w, std::move(a), erase<std::error_code, Reply>(handler));
            },
            token, which, std::string(argument));
    }
    // The message rendered for this server (see send(Message)).
    MessageSource source_for(const Message& message) const;
    // The executor for handlers without their own: the client's, or for a
    // blocking client (whose io_context runs only inside its calls) the
    // system executor.
    asio::any_io_executor handler_executor() const noexcept;
    void start_connect(std::string host, std::uint16_t port, ConnectOptions options,
                       ErrorHandler handler);
    void start_authenticate(std::string user, std::string secret, AuthMechanism mechanism,
                            ErrorHandler handler);
    void start_send(Envelope envelope, MessageSource message, SendHandler handler);
    void start_send_many(std::vector<OutgoingMessage> messages, SendManyHandler handler);
    void start_simple(SimpleCommand which, std::string argument, ReplyHandler handler);
    void start_quit(ErrorHandler handler);
    void start_begin_message(Envelope envelope, std::optional<std::uint64_t> size,
                             ReplyHandler handler);
    void start_add_recipient(Recipient recipient, ReplyHandler handler);
    void start_write_message(std::string data, ErrorHandler handler);
    void start_end_message(SendHandler handler);
    void start_abort_message(ErrorHandler handler);

    // Shared with the operations in flight, which keep it alive until they
    // complete (a Client destroyed meanwhile cancels them).
    std::shared_ptr<Impl> impl_;
};

}  // namespace smtpkit
