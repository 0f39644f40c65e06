// Loopback listeners for connection tests on 127.0.0.1 or ::1:
//   Blackhole: a listening socket whose accept queue is full, so the kernel
//     drops further SYNs and a connect to it hangs (like a filtered port).
//   GreetingServer: a tiny SMTP server that greets with its own tag, answers
//     EHLO/HELO and QUIT, so a test can see which address it reached.
#pragma once

#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <string>
#include <thread>
#include <vector>

namespace smtpkit::test {

class Blackhole {
  public:
    explicit Blackhole(const std::string& address);  // "127.0.0.1" or "::1"
    ~Blackhole();
    Blackhole(const Blackhole&) = delete;
    Blackhole& operator=(const Blackhole&) = delete;

    asio::ip::tcp::endpoint endpoint() const { return endpoint_; }
    std::uint16_t port() const { return endpoint_.port(); }

  private:
    int listener_ = -1;
    int filler_ = -1;
    asio::ip::tcp::endpoint endpoint_;
};

class GreetingServer {
  public:
    // Listens on `address` (port 0: any free port); greets "220 <tag> ESMTP".
    GreetingServer(const std::string& address, std::string tag, std::uint16_t port = 0);
    ~GreetingServer();
    GreetingServer(const GreetingServer&) = delete;
    GreetingServer& operator=(const GreetingServer&) = delete;

    asio::ip::tcp::endpoint endpoint() const { return endpoint_; }
    std::uint16_t port() const { return endpoint_.port(); }

  private:
    void accept();

    asio::io_context io_;
    asio::ip::tcp::acceptor acceptor_;
    asio::ip::tcp::endpoint endpoint_;
    std::string tag_;
    std::thread thread_;
};

}  // namespace smtpkit::test
