// Happy Eyeballs (RFC 8305): connection attempts to a host's addresses,
// interleaved by family and started one stagger apart (or at once when the
// previous attempt fails); the first to connect wins and the others are
// closed. Resolution is not done here: the race takes an endpoint list, so
// tests can hand it any list, and the connect step can be replaced too.
#pragma once

#include <asio/any_io_executor.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <system_error>
#include <vector>

namespace smtpkit::transport {

using tcp = asio::ip::tcp;

// RFC 8305 8 recommends 250 ms between attempts.
inline constexpr std::chrono::milliseconds default_stagger{250};

// The order to try: families interleaved (RFC 8305 4), starting with IPv6
// when `prefer_ipv6` and there is one, else with the family of the
// resolver's first answer. Within a family the resolver's order stays.
std::vector<tcp::endpoint> order_endpoints(const std::vector<tcp::endpoint>& endpoints,
                                           bool prefer_ipv6);

// One connection attempt on an open (not connected) socket. It must complete
// once, or, if the race closes the socket first, complete with an error or
// never; the race no longer listens then.
using ConnectStep = std::function<void(tcp::socket& socket, const tcp::endpoint& endpoint,
                                       std::function<void(std::error_code)> done)>;

// socket.async_connect.
ConnectStep default_connect_step();

class ConnectRace : public std::enable_shared_from_this<ConnectRace> {
  public:
    // The winning socket and its endpoint; on failure the last attempt's
    // error (or asio::error::operation_aborted after cancel()).
    using Handler = std::function<void(std::error_code, tcp::socket, tcp::endpoint)>;

    // Starts the race over `endpoints` in the order given. The handler runs
    // once.
    static std::shared_ptr<ConnectRace> start(const asio::any_io_executor& executor,
                                              std::vector<tcp::endpoint> endpoints,
                                              std::chrono::steady_clock::duration stagger,
                                              ConnectStep step, Handler handler);

    // Ends the race now: every attempt is closed and the handler gets
    // operation_aborted (unless it already ran).
    void cancel();
    // Ends the race without running the handler (its owner is going away).
    void abandon();

    ConnectRace(const asio::any_io_executor& executor, std::vector<tcp::endpoint> endpoints,
                std::chrono::steady_clock::duration stagger, ConnectStep step, Handler handler);

  private:
    struct Attempt {
        tcp::socket socket;
        tcp::endpoint endpoint;
        bool pending = true;
    };

    void start_next();
    void arm_stagger();
    void on_attempt(std::size_t index, std::error_code ec);
    void close_all();
    void finish(std::error_code ec, tcp::socket socket, tcp::endpoint endpoint);
    std::size_t pending() const;

    asio::any_io_executor executor_;
    std::vector<tcp::endpoint> endpoints_;
    std::chrono::steady_clock::duration stagger_;
    ConnectStep step_;
    Handler handler_;
    asio::steady_timer timer_;
    std::vector<std::unique_ptr<Attempt>> attempts_;
    std::size_t next_ = 0;
    std::error_code last_error_;
    bool finished_ = false;
};

}  // namespace smtpkit::transport
