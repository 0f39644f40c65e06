#include "support/loopback_listeners.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <asio/ip/v6_only.hpp>
#include <asio/read_until.hpp>
#include <asio/streambuf.hpp>
#include <asio/write.hpp>
#include <cstring>
#include <istream>
#include <memory>
#include <stdexcept>

namespace smtpkit::test {
namespace {

void check(bool ok, const char* what) {
    if (!ok) {
        throw std::runtime_error(std::string("Blackhole: ") + what + " failed");
    }
}

}  // namespace

Blackhole::Blackhole(const std::string& address) {
    const asio::ip::address ip = asio::ip::make_address(address);
    const int family = ip.is_v6() ? AF_INET6 : AF_INET;
    listener_ = ::socket(family, SOCK_STREAM, 0);
    check(listener_ >= 0, "socket");
    asio::ip::tcp::endpoint any(ip, 0);
    check(::bind(listener_, any.data(), static_cast<socklen_t>(any.size())) == 0, "bind");
    // Backlog 0: one connection fills the accept queue; nothing accepts it,
    // and Linux then drops every further SYN.
    check(::listen(listener_, 0) == 0, "listen");
    sockaddr_storage bound{};
    socklen_t size = sizeof bound;
    check(::getsockname(listener_, reinterpret_cast<sockaddr*>(&bound), &size) == 0, "getsockname");
    endpoint_.resize(size);
    std::memcpy(endpoint_.data(), &bound, size);
    filler_ = ::socket(family, SOCK_STREAM, 0);
    check(filler_ >= 0, "socket");
    check(::connect(filler_, endpoint_.data(), static_cast<socklen_t>(endpoint_.size())) == 0,
          "connect (filler)");
}

Blackhole::~Blackhole() {
    ::close(filler_);
    ::close(listener_);
}

GreetingServer::GreetingServer(const std::string& address, std::string tag, std::uint16_t port)
    : acceptor_(io_), tag_(std::move(tag)) {
    const asio::ip::tcp::endpoint where(asio::ip::make_address(address), port);
    acceptor_.open(where.protocol());
    if (where.address().is_v6()) {
        acceptor_.set_option(asio::ip::v6_only(true));
    }
    acceptor_.set_option(asio::ip::tcp::acceptor::reuse_address(true));
    acceptor_.bind(where);
    acceptor_.listen();
    endpoint_ = acceptor_.local_endpoint();
    accept();
    thread_ = std::thread([this] { io_.run(); });
}

GreetingServer::~GreetingServer() {
    io_.stop();
    thread_.join();
}

namespace {

// One client: greeting, then a reply per line until QUIT or the end.
struct Session : std::enable_shared_from_this<Session> {
    Session(asio::ip::tcp::socket s, std::string tag) : socket(std::move(s)), tag(std::move(tag)) {}

    void start() { write("220 " + tag + " ESMTP\r\n", false); }

    void write(std::string text, bool last) {
        auto self = shared_from_this();
        auto data = std::make_shared<std::string>(std::move(text));
        asio::async_write(socket, asio::buffer(*data),
                          [self, data, last](std::error_code ec, std::size_t) {
                              if (!ec && !last) {
                                  self->read();
                              }
                          });
    }

    void read() {
        auto self = shared_from_this();
        asio::async_read_until(socket, input, "\n", [self](std::error_code ec, std::size_t) {
            if (ec) {
                return;
            }
            std::istream in(&self->input);
            std::string line;
            std::getline(in, line);
            const std::string verb = line.substr(0, 4);
            if (verb == "QUIT" || verb == "quit") {
                self->write("221 " + self->tag + " bye\r\n", true);
            } else if (verb == "EHLO" || verb == "HELO" || verb == "ehlo" || verb == "helo") {
                self->write("250 " + self->tag + "\r\n", false);
            } else {
                self->write("502 not here\r\n", false);
            }
        });
    }

    asio::ip::tcp::socket socket;
    std::string tag;
    asio::streambuf input;
};

}  // namespace

void GreetingServer::accept() {
    acceptor_.async_accept([this](std::error_code ec, asio::ip::tcp::socket socket) {
        if (ec) {
            return;
        }
        std::make_shared<Session>(std::move(socket), tag_)->start();
        accept();
    });
}

}  // namespace smtpkit::test
