// The state behind smtpkit::Client, shared by the files of client/. Each
// blocking call starts an asynchronous step on `io` and runs it to
// completion; every wait inside is bounded by the timeout, so run() returns.
#pragma once

#include <asio/io_context.hpp>
#include <asio/ssl/context.hpp>
#include <memory>
#include <optional>
#include <string>
#include <system_error>

#include "client/call_guard.hpp"
#include "client/content_reader.hpp"
#include "client/tracer.hpp"
#include "smtpkit/client.hpp"
#include "smtpkit/protocol/session.hpp"
#include "transport/connection.hpp"

namespace smtpkit {

struct Client::Impl {
    asio::io_context io;
    std::unique_ptr<asio::ssl::context> tls_context;  // outlives the connection
    std::optional<transport::Connection> connection;
    std::optional<protocol::Session> session;
    std::chrono::seconds timeout{60};
    Reply last_reply;
    std::error_code last_error;
    std::string last_detail;  // more words for last_error (TLS reasons)
    client::Tracer tracer;
    // Copies that stay valid after the session closes, so references handed
    // out by capabilities() and security_info() never dangle.
    Capabilities capabilities;
    // From connect(): what authenticate() needs to know.
    std::string peer_host;  // as the caller named it (OAUTHBEARER's host)
    std::uint16_t peer_port = 0;
    bool tls_required = false;
    bool allow_insecure_auth = false;
    SecurityInfo security;
    // Who may call, and which call cancel() would end (call_guard.hpp).
    client::CallState calls;
    TransferOptions transfer_options;

    // --- connecting (connect.cpp) ---
    void connect(const std::string& host, std::uint16_t port, const ConnectOptions& options,
                 std::error_code& ec);
    void open_path(const std::string& host, std::uint16_t port, const ConnectOptions& options,
                   std::error_code& ec);
    void open_tcp(const std::string& host, std::uint16_t port, bool prefer_ipv6,
                  std::error_code& ec);
    void open_tunnel(const std::string& host, std::uint16_t port, const ProxyOptions& proxy,
                     std::error_code& ec);
    void handshake(const std::string& host, bool verify, bool implicit, std::error_code& ec);
    void greet_and_hello(std::error_code& ec);
    void upgrade_with_starttls(const std::string& host, bool verify, std::error_code& ec);

    // --- authenticating (authenticate.cpp) ---
    void authenticate(std::string_view user, std::string_view secret, AuthMechanism mechanism,
                      std::error_code& ec);

    // --- running the session (client_impl.cpp) ---
    void observe(const protocol::Event& event);
    protocol::Event run(std::error_code& ec);
    void flush(std::error_code& ec);
    void close();
    bool ready(std::error_code& ec);
    Reply simple(protocol::Command cmd, std::error_code& ec);
    SendResult send(const Envelope& envelope, MessageSource& message, std::error_code& ec);
    std::vector<SendResult> send_many(std::vector<OutgoingMessage>& messages, std::error_code& ec);

    // --- the send path (transfer.cpp) ---
    struct Job {
        const Envelope* envelope;
        MessageSource* source;
    };
    // Runs every job's transaction, overlapping them as far as the session
    // allows. One result per job; `session_ec` is set when the session
    // itself failed (the jobs it left undecided say so in their result).
    std::vector<SendResult> transfer(const std::vector<Job>& jobs, std::error_code& session_ec);
    void write_content(client::ContentReader& reader);
    void poll();
    std::error_code finish(std::error_code ec);
    [[noreturn]] void raise(std::error_code ec) const;
};

}  // namespace smtpkit
