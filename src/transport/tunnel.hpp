// Opening a tunnel: runs a sans-I/O proxy handshake (SOCKS5, HTTP CONNECT)
// over an open connection, each write and read bounded by the timeout. What
// the proxy sent after its reply is the destination's first octets (the SMTP
// greeting): they go back to the connection for the session to read.
#pragma once

#include "protocol/proxy_handshake.hpp"
#include "transport/connection.hpp"

namespace smtpkit::transport {

// The handler gets the handshake's error, a transport error, or success.
// `connection` and `handshake` must outlive the operation.
void async_open_tunnel(Connection& connection, protocol::ProxyHandshake& handshake,
                       Duration timeout, Handler handler);

}  // namespace smtpkit::transport
