// Proxies and tunnels (the seed's TUNNEL option): the path to the server,
// described apart from the server itself. connect() always names the
// destination; the proxy only carries the bytes. TLS verification and SNI
// use the destination's name, never the proxy's address.
#pragma once

#include <cstdint>
#include <string>

namespace smtpkit {

enum class ProxyKind {
    none,          // connect directly
    socks5,        // SOCKS5 (RFC 1928) CONNECT; the proxy resolves the destination name
    http_connect,  // HTTP CONNECT (RFC 9110 9.3.6)
    port_forward,  // host:port already leads to the destination (ssh -L, stunnel, ...)
};

struct ProxyOptions {
    ProxyKind kind = ProxyKind::none;
    std::string host;  // the proxy's (or the forward's) name or address
    std::uint16_t port = 0;
    // Optional credentials: SOCKS5 user/password (RFC 1929) or HTTP Basic.
    // Empty user: none are offered. Neither is ever traced or put in an error.
    std::string user;
    std::string password;

    bool enabled() const noexcept { return kind != ProxyKind::none; }
};

// "socks5", "http", "forward", "none": for traces and reports.
const char* to_string(ProxyKind kind) noexcept;

}  // namespace smtpkit
