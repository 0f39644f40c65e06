#include "client/driver.hpp"

#include <asio/error.hpp>

#include "smtpkit/error.hpp"

namespace smtpkit::client {

void Driver::async_run(CompletionHandler handler) {
    handler_ = std::move(handler);
    pump();
}

// Hands queued events out; returns true when a completion was delivered.
bool Driver::deliver_events() {
    while (auto event = session_.next_event()) {
        if (observer_) {
            observer_(*event);
        }
        if (protocol::is_completion(*event)) {
            auto handler = std::move(handler_);
            handler_ = nullptr;
            handler(std::move(*event));
            return true;
        }
    }
    return false;
}

void Driver::pump() {
    if (deliver_events()) {
        return;
    }
    if (session_.wants_write()) {
        connection_.async_write(session_.pending_output(), limits_.next(),
                                [this](std::error_code ec, std::size_t n) {
                                    if (ec) {
                                        on_transport_error(ec);
                                        return;
                                    }
                                    wrote(n);
                                    session_.consume_output(n);
                                    pump();
                                });
        return;
    }
    if (session_.wants_read()) {
        connection_.async_read_some(buffer_.data(), buffer_.size(), limits_.next(),
                                    [this](std::error_code ec, std::size_t n) {
                                        if (ec == asio::error::eof) {
                                            session_.feed_eof();
                                        } else if (ec) {
                                            on_transport_error(ec);
                                            return;
                                        } else {
                                            read(n);
                                            session_.feed(std::string_view(buffer_.data(), n));
                                        }
                                        pump();
                                    });
        return;
    }
    // Nothing to write, nothing awaited and no completion: the operation was
    // never started. Report it rather than wait forever.
    session_.feed_error(make_error_code(error::session_failed));
    deliver_events();
}

void Driver::wrote(std::size_t n) {
    if (io_observer_) {
        io_observer_(true, n);
    }
}

void Driver::read(std::size_t n) {
    if (io_observer_) {
        io_observer_(false, n);
    }
}

void Driver::on_transport_error(std::error_code ec) {
    session_.feed_error(limits_.explain(ec));
    pump();
}

void Driver::async_flush(FlushHandler handler) {
    if (!session_.wants_write()) {
        handler({});
        return;
    }
    connection_.async_write(
        session_.pending_output(), limits_.next(),
        [this, handler = std::move(handler)](std::error_code ec, std::size_t n) mutable {
            if (ec) {
                ec = limits_.explain(ec);
                session_.feed_error(ec);
                handler(ec);
                return;
            }
            wrote(n);
            session_.consume_output(n);
            async_flush(std::move(handler));
        });
}

void Driver::async_poll(FlushHandler handler) {
    if (!session_.wants_read() || !connection_.readable_now()) {
        handler({});
        return;
    }
    connection_.async_read_some(
        buffer_.data(), buffer_.size(), limits_.next(),
        [this, handler = std::move(handler)](std::error_code ec, std::size_t n) mutable {
            if (ec == asio::error::eof) {
                session_.feed_eof();
            } else if (ec) {
                session_.feed_error(limits_.explain(ec));
            } else {
                read(n);
                session_.feed(std::string_view(buffer_.data(), n));
            }
            async_poll(std::move(handler));
        });
}

}  // namespace smtpkit::client
