#include "transport/connection.hpp"

#include <poll.h>

#include <asio/connect.hpp>
#include <asio/write.hpp>
#include <utility>

#include "smtpkit/error.hpp"
#include "transport/tls_session.hpp"

namespace smtpkit::transport {

Connection::Connection(const asio::any_io_executor& executor)
    : resolver_(executor), socket_(executor), timer_(executor) {}

// Starts the deadline of one operation. When it passes, everything pending on
// the connection is cancelled and settle() turns the abort into a timeout.
void Connection::arm(Duration timeout) {
    timed_out_ = false;
    const std::uint64_t generation = ++generation_;
    timer_.expires_after(timeout);
    timer_.async_wait([this, generation](std::error_code ec) {
        // A wait that fired just as its operation finished may run after the
        // next operation armed the timer again: the generation tells.
        if (ec || generation != generation_) {
            return;
        }
        timed_out_ = true;
        resolver_.cancel();
        std::error_code ignored;
        socket_.cancel(ignored);
    });
}

std::error_code Connection::settle(std::error_code ec) {
    ++generation_;
    timer_.cancel();
    if (timed_out_) {
        return make_error_code(error::timeout);
    }
    return ec;
}

void Connection::async_connect(const std::string& host, std::uint16_t port, Duration timeout,
                               Handler handler) {
    arm(timeout);
    resolver_.async_resolve(
        host, std::to_string(port), asio::ip::tcp::resolver::numeric_service,
        [this, handler = std::move(handler)](
            std::error_code ec, const asio::ip::tcp::resolver::results_type& results) mutable {
            if (ec || timed_out_) {
                handler(settle(ec));
                return;
            }
            asio::async_connect(socket_, results,
                                [this, handler = std::move(handler)](
                                    std::error_code cec, const asio::ip::tcp::endpoint&) mutable {
                                    cec = settle(cec);
                                    if (cec) {
                                        close();
                                    } else {
                                        std::error_code ignored;
                                        socket_.set_option(asio::ip::tcp::no_delay(true), ignored);
                                    }
                                    handler(cec);
                                });
        });
}

void Connection::async_handshake(asio::ssl::context& context, const std::string& host,
                                 bool verify, bool implicit, Duration timeout, Handler handler) {
    tls_.emplace(socket_, context);
    handshake_done_ = false;
    tls_detail_.clear();
    if (!prepare_peer(tls_->native_handle(), host)) {
        tls_detail_ = "OpenSSL refused the host name " + host;
        handler(make_error_code(error::tls_setup_failed));
        return;
    }
    arm(timeout);
    tls_->async_handshake(
        asio::ssl::stream_base::client,
        [this, host, verify, implicit, handler = std::move(handler)](std::error_code ec) {
            ec = settle(ec);
            SSL* ssl = tls_->native_handle();
            if (ec) {
                handler(classify_handshake_error(ec, ssl, tls_detail_));
                return;
            }
            security_ = describe_session(ssl, host, implicit);
            if (verify) {
                // SSL_VERIFY_PEER already stopped a bad chain; this also
                // catches a server that sent no certificate at all.
                ec = verification_error(ssl);
                if (ec) {
                    tls_detail_ = security_.verify_result;
                    handler(ec);
                    return;
                }
            }
            handshake_done_ = true;
            handler({});
        });
}

void Connection::async_write(std::string_view data, Duration timeout, IoHandler handler) {
    arm(timeout);
    auto done = [this, handler = std::move(handler)](std::error_code ec, std::size_t n) {
        handler(settle(ec), n);
    };
    if (tls_) {
        asio::async_write(*tls_, asio::buffer(data.data(), data.size()), std::move(done));
    } else {
        asio::async_write(socket_, asio::buffer(data.data(), data.size()), std::move(done));
    }
}

void Connection::async_read_some(char* data, std::size_t size, Duration timeout,
                                 IoHandler handler) {
    arm(timeout);
    auto done = [this, handler = std::move(handler)](std::error_code ec, std::size_t n) {
        handler(settle(ec), n);
    };
    if (tls_) {
        tls_->async_read_some(asio::buffer(data, size), std::move(done));
    } else {
        socket_.async_read_some(asio::buffer(data, size), std::move(done));
    }
}

bool Connection::readable_now() noexcept {
    if (!socket_.is_open()) {
        return false;
    }
    pollfd fd{socket_.native_handle(), POLLIN, 0};
    return ::poll(&fd, 1, 0) > 0 && (fd.revents & (POLLIN | POLLHUP | POLLERR)) != 0;
}

void Connection::close() noexcept {
    std::error_code ignored;
    try {
        ++generation_;
        timer_.cancel();
        resolver_.cancel();
    } catch (const std::system_error&) {
        // Cancelling can only fail if the reactor is broken; closing goes on.
    }
    if (socket_.is_open()) {
        socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
        socket_.close(ignored);
    }
    tls_.reset();
    handshake_done_ = false;
}

std::string Connection::remote_endpoint() const {
    std::error_code ec;
    auto ep = socket_.remote_endpoint(ec);
    if (ec) {
        return {};
    }
    return ep.address().to_string() + ":" + std::to_string(ep.port());
}

}  // namespace smtpkit::transport
