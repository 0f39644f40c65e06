// Real proxies for tunnel tests, each started on 127.0.0.1 on a free port in
// its own temporary directory and stopped when the object goes away:
//   microsocks  SOCKS5, optionally with a user and password (RFC 1929)
//   danted      SOCKS5 (Dante), no authentication
//   tinyproxy   HTTP CONNECT to the listed ports only (others get 403),
//               optionally with Basic authentication
// Recipes: shared/ENVIRONMENT.md, "Proxies". Throws std::runtime_error (with
// the proxy's output) when the proxy does not come up in time.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "support/server_process.hpp"

namespace smtpkit::test {

enum class ProxyProgram { microsocks, dante, tinyproxy };

struct ProxyServerOptions {
    ProxyProgram program = ProxyProgram::microsocks;
    std::string user;  // microsocks and tinyproxy: require these credentials
    std::string password;
    std::vector<std::uint16_t> connect_ports;  // tinyproxy: the ports CONNECT may reach
};

class ProxyServer {
  public:
    explicit ProxyServer(ProxyServerOptions options);
    ~ProxyServer();
    ProxyServer(const ProxyServer&) = delete;
    ProxyServer& operator=(const ProxyServer&) = delete;

    std::uint16_t port() const { return port_; }
    // What the proxy wrote (stdout and stderr), for failure messages.
    std::string log() const;

  private:
    std::vector<std::string> command(std::uint16_t port) const;
    bool start(std::uint16_t port);

    ProxyServerOptions options_;
    TempDir dir_;
    std::uint16_t port_ = 0;
    ChildProcess process_;
};

const char* to_string(ProxyProgram program);

}  // namespace smtpkit::test
