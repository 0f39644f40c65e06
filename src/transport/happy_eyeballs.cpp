#include "transport/happy_eyeballs.hpp"

#include <algorithm>
#include <asio/error.hpp>
#include <utility>

namespace smtpkit::transport {

std::vector<tcp::endpoint> order_endpoints(const std::vector<tcp::endpoint>& endpoints,
                                           bool prefer_ipv6) {
    std::vector<tcp::endpoint> v6;
    std::vector<tcp::endpoint> v4;
    for (const tcp::endpoint& e : endpoints) {
        (e.address().is_v6() ? v6 : v4).push_back(e);
    }
    const bool v6_first =
        !v6.empty() && (prefer_ipv6 || v4.empty() || endpoints.front().address().is_v6());
    const auto& first = v6_first ? v6 : v4;
    const auto& second = v6_first ? v4 : v6;
    std::vector<tcp::endpoint> out;
    out.reserve(endpoints.size());
    for (std::size_t i = 0; i < std::max(first.size(), second.size()); ++i) {
        if (i < first.size()) {
            out.push_back(first[i]);
        }
        if (i < second.size()) {
            out.push_back(second[i]);
        }
    }
    return out;
}

ConnectStep default_connect_step() {
    return [](tcp::socket& socket, const tcp::endpoint& endpoint,
              std::function<void(std::error_code)> done) {
        socket.async_connect(endpoint, [done = std::move(done)](std::error_code ec) { done(ec); });
    };
}

std::shared_ptr<ConnectRace> ConnectRace::start(const asio::any_io_executor& executor,
                                                std::vector<tcp::endpoint> endpoints,
                                                std::chrono::steady_clock::duration stagger,
                                                ConnectStep step, Handler handler) {
    auto race = std::make_shared<ConnectRace>(executor, std::move(endpoints), stagger,
                                              std::move(step), std::move(handler));
    race->start_next();
    return race;
}

ConnectRace::ConnectRace(const asio::any_io_executor& executor,
                         std::vector<tcp::endpoint> endpoints,
                         std::chrono::steady_clock::duration stagger, ConnectStep step,
                         Handler handler)
    : executor_(executor),
      endpoints_(std::move(endpoints)),
      stagger_(stagger),
      step_(step ? std::move(step) : default_connect_step()),
      handler_(std::move(handler)),
      timer_(executor) {}

std::size_t ConnectRace::pending() const {
    std::size_t n = 0;
    for (const auto& a : attempts_) {
        n += a->pending ? 1 : 0;
    }
    return n;
}

void ConnectRace::start_next() {
    while (!finished_ && next_ < endpoints_.size()) {
        const tcp::endpoint endpoint = endpoints_[next_++];
        auto attempt = std::make_unique<Attempt>(Attempt{tcp::socket(executor_), endpoint});
        std::error_code ec;
        attempt->socket.open(endpoint.protocol(), ec);
        if (ec) {
            last_error_ = ec;  // e.g. no IPv6 on this host: on to the next at once
            continue;
        }
        attempts_.push_back(std::move(attempt));
        const std::size_t index = attempts_.size() - 1;
        step_(
            attempts_[index]->socket, endpoint,
            [self = shared_from_this(), index](std::error_code e) { self->on_attempt(index, e); });
        if (!finished_ && attempts_.size() == index + 1) {  // not already settled by the step
            arm_stagger();
        }
        return;
    }
    if (!finished_ && pending() == 0) {
        finish(last_error_ ? last_error_ : make_error_code(asio::error::host_not_found),
               tcp::socket(executor_), {});
    }
}

// The next attempt starts when the stagger passes without a winner.
void ConnectRace::arm_stagger() {
    if (next_ >= endpoints_.size()) {
        return;
    }
    timer_.expires_after(stagger_);
    timer_.async_wait([self = shared_from_this(), started = attempts_.size()](std::error_code ec) {
        // A wait cancelled, or overtaken by a failure that started the next
        // attempt already, does nothing.
        if (!ec && !self->finished_ && self->attempts_.size() == started) {
            self->start_next();
        }
    });
}

void ConnectRace::on_attempt(std::size_t index, std::error_code ec) {
    Attempt& attempt = *attempts_[index];
    if (finished_ || !attempt.pending) {
        return;
    }
    attempt.pending = false;
    if (!ec) {
        tcp::socket winner = std::move(attempt.socket);
        finish({}, std::move(winner), attempt.endpoint);
        return;
    }
    last_error_ = ec;
    std::error_code ignored;
    attempt.socket.close(ignored);
    timer_.cancel();
    start_next();  // a failure does not wait for the stagger
}

void ConnectRace::close_all() {
    std::error_code ignored;
    timer_.cancel();
    for (auto& a : attempts_) {
        a->pending = false;
        a->socket.close(ignored);
    }
}

void ConnectRace::finish(std::error_code ec, tcp::socket socket, tcp::endpoint endpoint) {
    finished_ = true;
    close_all();
    auto handler = std::move(handler_);
    handler_ = nullptr;
    if (handler) {
        handler(ec, std::move(socket), endpoint);
    }
}

void ConnectRace::abandon() {
    handler_ = nullptr;
    finished_ = true;
    close_all();
}

void ConnectRace::cancel() {
    if (!finished_) {
        finish(make_error_code(asio::error::operation_aborted), tcp::socket(executor_), {});
    }
}

}  // namespace smtpkit::transport
