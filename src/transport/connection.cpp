#include "transport/connection.hpp"

#include <poll.h>
#include <algorithm>
#include <asio/post.hpp>

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
        if (auto race = race_) {  // a local owner: the handler resets race_
            race->cancel();
        }
        std::error_code ignored;
        socket_.cancel(ignored);
    });
}

std::error_code Connection::settle(std::error_code ec) {
    ++generation_;
    timer_.cancel();
    if (cancelled_) {
        return make_error_code(error::cancelled);
    }
    if (timed_out_) {
        return make_error_code(error::timeout);
    }
    return ec;
}

void Connection::cancel() noexcept {
    cancelled_ = true;
    abort_if_cancelled();
}

// Aborts the operation just started (or in progress) after a cancel, so that
// a cancel that came between two operations still stops the next one.
void Connection::abort_if_cancelled() noexcept {
    if (!cancelled_) {
        return;
    }
    try {
        resolver_.cancel();
        if (auto race = race_) {  // a local owner: the handler resets race_
            race->cancel();
        }
    } catch (const std::exception&) {
        // Cancelling fails only with a broken reactor; the socket goes on below.
    }
    std::error_code ignored;
    socket_.cancel(ignored);
}

void Connection::async_connect(const std::string& host, std::uint16_t port, Duration timeout,
                               Handler handler) {
    async_connect(host, port, ConnectSettings{}, timeout, std::move(handler));
}

void Connection::async_connect(const std::string& host, std::uint16_t port,
                               const ConnectSettings& settings, Duration timeout, Handler handler) {
    arm(timeout);
    // Without flags: AI_ADDRCONFIG would hide ::1 on a host whose only IPv6
    // address is the loopback.
    resolver_.async_resolve(
        host, std::to_string(port), asio::ip::tcp::resolver::numeric_service,
        [this, settings, handler = std::move(handler)](
            std::error_code ec, const asio::ip::tcp::resolver::results_type& results) mutable {
            if (ec || timed_out_ || cancelled_) {
                handler(settle(ec));
                return;
            }
            std::vector<tcp::endpoint> endpoints;
            for (const auto& entry : results) {
                endpoints.push_back(entry.endpoint());
            }
            race(order_endpoints(endpoints, settings.prefer_ipv6), settings, std::move(handler));
        });
    abort_if_cancelled();
}

void Connection::async_connect(const std::vector<tcp::endpoint>& endpoints,
                               const ConnectSettings& settings, Duration timeout, Handler handler) {
    arm(timeout);
    race(order_endpoints(endpoints, settings.prefer_ipv6), settings, std::move(handler));
}

void Connection::race(const std::vector<tcp::endpoint>& endpoints, const ConnectSettings& settings,
                      Handler handler) {
    race_ = ConnectRace::start(socket_.get_executor(), endpoints, settings.stagger, settings.step,
                               [this, handler = std::move(handler)](
                                   std::error_code ec, tcp::socket socket, const tcp::endpoint&) {
                                   race_.reset();
                                   ec = settle(ec);
                                   if (!ec) {
                                       socket_ = std::move(socket);
                                       std::error_code ignored;
                                       socket_.set_option(asio::ip::tcp::no_delay(true), ignored);
                                   } else {
                                       close();
                                   }
                                   handler(ec);
                               });
    abort_if_cancelled();
}

void Connection::async_handshake(asio::ssl::context& context, const std::string& host, bool verify,
                                 bool implicit, Duration timeout, Handler handler) {
    tls_.emplace(socket_, context);
    handshake_done_ = false;
    tls_detail_.clear();
    if (!unread_.empty()) {
        // What the server sent before the handshake cannot be TLS records
        // the client asked for: after STARTTLS it is an injection attempt.
        tls_detail_ = "the server sent " + std::to_string(unread_.size()) +
                      " octets before the TLS handshake";
        handler(
            make_error_code(implicit ? error::tls_handshake_failed : error::starttls_injection));
        return;
    }
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
    abort_if_cancelled();
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
    abort_if_cancelled();
}

void Connection::async_read_some(char* data, std::size_t size, Duration timeout,
                                 IoHandler handler) {
    if (!unread_.empty() && !tls_) {
        const std::size_t n = std::min(size, unread_.size());
        std::copy_n(unread_.data(), n, data);
        unread_.erase(0, n);
        asio::post(socket_.get_executor(),
                   [handler = std::move(handler), n] { handler(std::error_code(), n); });
        return;
    }
    arm(timeout);
    auto done = [this, handler = std::move(handler)](std::error_code ec, std::size_t n) {
        handler(settle(ec), n);
    };
    if (tls_) {
        tls_->async_read_some(asio::buffer(data, size), std::move(done));
    } else {
        socket_.async_read_some(asio::buffer(data, size), std::move(done));
    }
    abort_if_cancelled();
}

bool Connection::readable_now() noexcept {
    if (!socket_.is_open()) {
        return false;
    }
    // Octets already off the socket: a proxy's leftovers, or a TLS record
    // OpenSSL has decrypted and holds.
    if (!unread_.empty() || (tls_ && SSL_pending(tls_->native_handle()) > 0)) {
        return true;
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
        if (auto race = std::exchange(race_, nullptr)) {
            race->abandon();  // its handler would find the connection closed
        }
    } catch (const std::system_error&) {
        // Cancelling can only fail if the reactor is broken; closing goes on.
    }
    if (socket_.is_open()) {
        socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
        socket_.close(ignored);
    }
    tls_.reset();
    handshake_done_ = false;
    unread_.clear();
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
