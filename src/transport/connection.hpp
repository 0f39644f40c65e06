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
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

#include "smtpkit/tls.hpp"

namespace smtpkit::transport {

using Duration = std::chrono::steady_clock::duration;
using Handler = std::function<void(std::error_code)>;
using IoHandler = std::function<void(std::error_code, std::size_t)>;

class Connection {
  public:
    explicit Connection(const asio::any_io_executor& executor);
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    // Resolves `host` and connects to the first address that answers. The
    // timeout bounds the whole operation; on expiry the handler gets
    // smtpkit::error::timeout.
    void async_connect(const std::string& host, std::uint16_t port, Duration timeout, Handler handler);
    // Writes all of `data` (which must stay alive until the handler runs).
    void async_write(std::string_view data, Duration timeout, IoHandler handler);
    // Reads what is available, at most `size` octets. End of stream is
    // asio::error::eof.
    void async_read_some(char* data, std::size_t size, Duration timeout, IoHandler handler);

    // Starts TLS on the open connection (after STARTTLS's 220, or first
    // thing for implicit TLS) and checks the peer against `host`: the name
    // the caller gave. With `verify` false (trusted_site) a failed check is
    // recorded in security_info() but does not stop the handshake. The
    // context must outlive the connection.
    void async_handshake(asio::ssl::context& context, const std::string& host, bool verify,
                         bool implicit, Duration timeout, Handler handler);
    bool tls_active() const noexcept { return tls_.has_value() && handshake_done_; }
    const SecurityInfo& security_info() const noexcept { return security_; }
    // OpenSSL's words about the last TLS failure.
    const std::string& tls_detail() const noexcept { return tls_detail_; }

    // True when a read would not wait: octets (or the end of the stream)
    // have arrived. Lets a writer look for replies between writes.
    bool readable_now() noexcept;

    void close() noexcept;
    bool is_open() const noexcept { return socket_.is_open(); }
    std::string remote_endpoint() const;

  private:
    void arm(Duration timeout);
    std::error_code settle(std::error_code ec);

    asio::ip::tcp::resolver resolver_;
    asio::ip::tcp::socket socket_;
    std::optional<asio::ssl::stream<asio::ip::tcp::socket&>> tls_;
    bool handshake_done_ = false;
    SecurityInfo security_;
    std::string tls_detail_;
    asio::steady_timer timer_;
    bool timed_out_ = false;
    std::uint64_t generation_ = 0;  // which operation the timer belongs to
};

}  // namespace smtpkit::transport
