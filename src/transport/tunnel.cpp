#include "transport/tunnel.hpp"

#include <array>
#include <asio/error.hpp>
#include <memory>
#include <string_view>

namespace smtpkit::transport {
namespace {

class TunnelOperation : public std::enable_shared_from_this<TunnelOperation> {
  public:
    TunnelOperation(Connection& connection, protocol::ProxyHandshake& handshake, Duration timeout,
                    Handler handler)
        : connection_(connection),
          handshake_(handshake),
          timeout_(timeout),
          handler_(std::move(handler)) {}

    void step() {
        if (handshake_.error()) {
            finish(handshake_.error());
        } else if (handshake_.wants_write()) {
            connection_.async_write(handshake_.pending_output(), timeout_,
                                    [self = shared_from_this()](std::error_code ec, std::size_t n) {
                                        self->on_written(ec, n);
                                    });
        } else if (handshake_.done()) {
            finish({});
        } else {
            connection_.async_read_some(
                buffer_.data(), buffer_.size(), timeout_,
                [self = shared_from_this()](std::error_code ec, std::size_t n) {
                    self->on_read(ec, n);
                });
        }
    }

  private:
    void on_written(std::error_code ec, std::size_t n) {
        if (ec) {
            finish(ec);
            return;
        }
        handshake_.consume_output(n);
        step();
    }

    void on_read(std::error_code ec, std::size_t n) {
        if (ec == asio::error::eof) {
            handshake_.feed_eof();
        } else if (ec) {
            finish(ec);
            return;
        } else {
            const std::string_view got(buffer_.data(), n);
            const std::size_t used = handshake_.feed(got);
            if (handshake_.done()) {
                connection_.unread(got.substr(used));
            }
        }
        step();
    }

    void finish(std::error_code ec) {
        auto handler = std::move(handler_);
        handler_ = nullptr;
        if (handler) {
            handler(ec);
        }
    }

    Connection& connection_;
    protocol::ProxyHandshake& handshake_;
    Duration timeout_;
    Handler handler_;
    std::array<char, 4096> buffer_{};
};

}  // namespace

void async_open_tunnel(Connection& connection, protocol::ProxyHandshake& handshake,
                       Duration timeout, Handler handler) {
    std::make_shared<TunnelOperation>(connection, handshake, timeout, std::move(handler))->step();
}

}  // namespace smtpkit::transport
