// A TCP connection with every wait bounded: resolve + connect, each write and
// each read. It moves bytes and keeps time; it knows nothing of SMTP.
#pragma once

#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/ssl/context.hpp>
#include <asio/ssl/stream.hpp>
#include <asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

#include "smtpkit/tls.hpp"
#include "transport/happy_eyeballs.hpp"

namespace smtpkit::transport {

using Duration = std::chrono::steady_clock::duration;
using Handler = std::function<void(std::error_code)>;
using IoHandler = std::function<void(std::error_code, std::size_t)>;

// How to connect: which family first and how the attempts are raced.
struct ConnectSettings {
    bool prefer_ipv6 = false;
    Duration stagger = default_stagger;
    ConnectStep step;  // empty: socket.async_connect (tests replace it)
};

class Connection {
  public:
    explicit Connection(const asio::any_io_executor& executor);
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    // Resolves `host` (A and AAAA) and races connections to its addresses
    // (Happy Eyeballs, see happy_eyeballs.hpp). The timeout bounds the whole
    // operation, resolution and race; on expiry the handler gets
    // smtpkit::error::timeout.
    void async_connect(const std::string& host, std::uint16_t port, Duration timeout,
                       Handler handler);
    void async_connect(const std::string& host, std::uint16_t port, const ConnectSettings& settings,
                       Duration timeout, Handler handler);
    // The race alone, over endpoints resolved elsewhere (tests).
    void async_connect(const std::vector<tcp::endpoint>& endpoints, const ConnectSettings& settings,
                       Duration timeout, Handler handler);
    // Writes all of `data` (which must stay alive until the handler runs).
    void async_write(std::string_view data, Duration timeout, IoHandler handler);
    // Reads what is available, at most `size` octets. End of stream is
    // asio::error::eof. Octets given back with unread() come first.
    void async_read_some(char* data, std::size_t size, Duration timeout, IoHandler handler);

    // Starts TLS on the open connection (after STARTTLS's 220, or first
    // thing for implicit TLS) and checks the peer against `host`: the name
    // the caller gave. With `verify` false (trusted_site) a failed check is
    // recorded in security_info() but does not stop the handshake. The
    // context must outlive the connection.
    void async_handshake(asio::ssl::context& context, const std::string& host, bool verify,
                         bool implicit, Duration timeout, Handler handler);
    // Octets read past the end of a proxy's reply: the destination's, so the
    // next reads return them. TLS cannot start while any are left (the
    // server spoke before the handshake).
    void unread(std::string_view bytes) { unread_.append(bytes); }

    bool tls_active() const noexcept { return tls_.has_value() && handshake_done_; }
    const SecurityInfo& security_info() const noexcept { return security_; }
    // OpenSSL's words about the last TLS failure.
    const std::string& tls_detail() const noexcept { return tls_detail_; }

    // Ends whatever is pending with smtpkit::error::cancelled, and every
    // later operation too, until close(). Call it on the connection's
    // executor (Client::cancel() posts it there).
    void cancel() noexcept;
    bool cancelled() const noexcept { return cancelled_; }
    // True when a read would not wait: octets (or the end of the stream)
    // have arrived. Lets a writer look for replies between writes.
    bool readable_now() noexcept;

    void close() noexcept;
    bool is_open() const noexcept { return socket_.is_open(); }
    std::string remote_endpoint() const;

  private:
    void arm(Duration timeout);
    void race(const std::vector<tcp::endpoint>& endpoints, const ConnectSettings& settings,
              Handler handler);
    std::error_code settle(std::error_code ec);
    void abort_if_cancelled() noexcept;

    asio::ip::tcp::resolver resolver_;
    asio::ip::tcp::socket socket_;
    std::shared_ptr<ConnectRace> race_;
    std::string unread_;
    std::optional<asio::ssl::stream<asio::ip::tcp::socket&>> tls_;
    bool handshake_done_ = false;
    SecurityInfo security_;
    std::string tls_detail_;
    asio::steady_timer timer_;
    bool timed_out_ = false;
    bool cancelled_ = false;
    std::uint64_t generation_ = 0;  // which operation the timer belongs to
};

}  // namespace smtpkit::transport
