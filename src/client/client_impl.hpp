// The state behind smtpkit::Client, shared by the files of client/. Every
// operation is written once, as a coroutine on the client's executor. A
// blocking call spawns it on the private io_context and runs that until it
// completes; an asynchronous call spawns it on the client's executor and
// hands the result to the completion handler. Every wait inside is bounded
// by the timeout, so both end.
#pragma once

#include <asio/awaitable.hpp>
#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>
#include <asio/ssl/context.hpp>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <system_error>

#include "client/call_guard.hpp"
#include "client/content_reader.hpp"
#include "client/event_hub.hpp"
#include "client/tracer.hpp"
#include "client/transfer_meter.hpp"
#include "client/wait_limits.hpp"
#include "smtpkit/client.hpp"
#include "smtpkit/protocol/session.hpp"
#include "transport/connection.hpp"

namespace smtpkit::client {
class Driver;
}

namespace smtpkit {

template <class T>
using Awaitable = asio::awaitable<T>;

// A refusal that is the answer to send() (refused recipients or message):
// in the SendResult, never the call's error.
bool is_answer(std::error_code ec) noexcept;

struct Client::Impl {
    Impl();                                               // blocking
    explicit Impl(asio::any_io_executor async_executor);  // asynchronous

    std::unique_ptr<asio::io_context> own_io;  // blocking clients only
    asio::any_io_executor executor;
    bool async_mode = false;

    std::unique_ptr<asio::ssl::context> tls_context;  // outlives the connection
    std::optional<transport::Connection> connection;
    std::optional<protocol::Session> session;
    std::chrono::seconds timeout{60};
    std::chrono::milliseconds deadline{0};  // ConnectOptions::deadline; 0: none
    // The deadline of the call running (set by start_clock()).
    std::optional<client::WaitLimits::Clock::time_point> call_deadline;
    Reply last_reply;
    SessionOpening opening;  // greeting, EHLO/HELO replies, STARTTLS
    std::error_code last_error;
    std::string last_detail;  // more words for last_error (TLS reasons)
    client::Tracer tracer;
    client::EventHub events;
    client::TransferMeter meter;
    // Copies that stay valid after the session closes, so references handed
    // out by capabilities() and security_info() never dangle.
    Capabilities capabilities;
    Capabilities capabilities_before_tls;  // what EHLO said in plaintext before STARTTLS
    // From connect(): what authenticate() needs to know.
    std::string peer_host;  // as the caller named it (OAUTHBEARER's host)
    std::uint16_t peer_port = 0;
    bool tls_required = false;
    bool allow_insecure_auth = false;
    SecurityInfo security;
    // Who may call, and which call cancel() would end (call_guard.hpp).
    client::CallState calls;
    TransferOptions transfer_options;

    // --- running an operation in either mode (client_run.cpp) ---
    // Runs `op` on the private io_context to its end (blocking mode). Null
    // when the io_context ran dry without its completion (cannot happen
    // while every wait is bounded; never to be taken for success).
    template <class T>
    std::optional<T> block(Awaitable<T> op) {
        std::optional<T> result;
        std::exception_ptr failure;
        asio::co_spawn(*own_io, std::move(op), [&](std::exception_ptr e, T value) {
            failure = e;
            result.emplace(std::move(value));
        });
        own_io->restart();
        own_io->run();
        if (failure) {
            std::rethrow_exception(failure);
        }
        return result;
    }
    // Admits an asynchronous call from this thread: the mode, the thread
    // check, one operation at a time. {} when admitted (then end_async()
    // must follow).
    std::error_code begin_async(bool allow_any_thread = false);
    void end_async() noexcept;
    // A cancel() that found no connection yet (the operation had not begun
    // on the executor): the call it was meant for. Touched on the executor.
    std::uint64_t cancel_requested = 0;
    void apply_pending_cancel();
    // The events for an operation's outcome: timeout, cancel.
    void report(std::error_code ec);
    // A call begins: its deadline (if any) runs from now.
    void start_clock();
    client::WaitLimits limits() const { return {timeout, call_deadline}; }
    // Ends call number `call` (and no later one) from any thread: posted to
    // the executor, as Client::cancel() and cancellation slots do.
    static void cancel_call(const std::shared_ptr<Impl>& impl, std::uint64_t call) noexcept;

    // --- connecting (connect.cpp) ---
    Awaitable<void> connect(std::string host, std::uint16_t port, ConnectOptions options,
                            std::error_code& ec);
    Awaitable<void> open_path(const std::string& host, std::uint16_t port,
                              const ConnectOptions& options, std::error_code& ec);
    Awaitable<void> open_tcp(const std::string& host, std::uint16_t port, bool prefer_ipv6,
                             std::error_code& ec);
    Awaitable<void> open_tunnel(const std::string& host, std::uint16_t port,
                                const ProxyOptions& proxy, std::error_code& ec);
    Awaitable<void> handshake(const std::string& host, bool verify, bool implicit,
                              std::error_code& ec);
    Awaitable<void> greet_and_hello(bool hello, std::error_code& ec);
    Awaitable<void> upgrade_with_starttls(const std::string& host, bool verify, bool required,
                                          std::error_code& ec);

    // --- authenticating (authenticate.cpp) ---
    Awaitable<void> authenticate(std::string user, std::string secret, AuthMechanism mechanism,
                                 std::error_code& ec);

    // --- running the session (client_impl.cpp) ---
    void observe(const protocol::Event& event);
    void note_opening(const protocol::ReplyReceived& r);
    client::Driver make_driver();
    Awaitable<protocol::Event> run(std::error_code& ec);
    Awaitable<std::error_code> flush();
    void close(std::error_code why = {});
    bool ready(std::error_code& ec);
    Awaitable<Reply> simple(protocol::Command cmd, std::error_code& ec);
    Awaitable<void> quit(std::error_code& ec);

    // --- step by step (stepwise.cpp) ---
    Awaitable<Reply> begin_message(Envelope envelope, std::optional<std::uint64_t> size,
                                   std::error_code& ec);
    Awaitable<Reply> add_recipient(Recipient recipient, std::error_code& ec);
    Awaitable<void> write_message(std::string data, std::error_code& ec);
    Awaitable<SendResult> end_message(std::error_code& ec);
    Awaitable<void> abort_message(std::error_code& ec);
    Awaitable<bool> start_message_data(std::error_code& ec);
    SendResult finish_message(protocol::TransactionDone done, std::error_code& ec);
    bool step_ready(std::error_code& ec);
    bool message_data_started = false;  // DATA (or the first BDAT) is under way
    Awaitable<SendResult> send(Envelope envelope, MessageSource message, std::error_code& ec);
    Awaitable<std::vector<SendResult>> send_many(std::vector<OutgoingMessage> messages,
                                                 std::error_code& ec);

    // --- the send path (transfer.cpp) ---
    struct Job {
        const Envelope* envelope;
        const MessageSource* source;
    };
    // Runs every job's transaction, overlapping them as far as the session
    // allows. One result per job; `session_ec` is set when the session
    // itself failed (the jobs it left undecided say so in their result).
    Awaitable<std::vector<SendResult>> transfer(const std::vector<Job>& jobs,
                                                std::error_code& session_ec);
    Awaitable<void> write_content(client::ContentReader& reader, std::uint64_t total);
    // Opens a job's source for its transaction; the error when it cannot be.
    std::optional<client::ContentReader> open_source(const Job& job, std::error_code& ec);
    Awaitable<void> poll();
    void note_failed_step();
    std::error_code finish(std::error_code ec);
    [[noreturn]] void raise(std::error_code ec) const;
};

}  // namespace smtpkit
