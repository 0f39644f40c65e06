// Internal to smtpkit (not installed): the transport drives it.
// Sans-I/O proxy handshakes: the bytes that open a tunnel through a SOCKS5
// (RFC 1928/1929) or HTTP CONNECT proxy, and the parsing of what the proxy
// answers. No sockets: the transport writes pending_output(), feeds what it
// reads, and stops when done() or error(). feed() consumes only the proxy's
// own reply; whatever follows belongs to the tunnelled stream (the SMTP
// server's greeting may arrive in the same read) and is left to the caller.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>

#include "smtpkit/proxy.hpp"

namespace smtpkit::protocol {

// Where the tunnel leads and who asks for it.
struct ProxyRequest {
    std::string host;  // the destination: a name, an IPv4 or an IPv6 literal ([::1] or ::1)
    std::uint16_t port = 0;
    std::string user;  // empty: no authentication offered
    std::string password;
};

class ProxyHandshake {
  public:
    virtual ~ProxyHandshake();
    ProxyHandshake(const ProxyHandshake&) = delete;
    ProxyHandshake& operator=(const ProxyHandshake&) = delete;

    // Bytes to write now; consume_output(n) after writing n of them.
    std::string_view pending_output() const noexcept;
    void consume_output(std::size_t n) noexcept;

    // Bytes read from the proxy. Returns how many belong to the handshake;
    // the rest (after done()) belongs to the tunnel. Consumes nothing once
    // done or failed.
    std::size_t feed(std::string_view bytes);
    // The proxy closed the connection.
    void feed_eof();

    bool done() const noexcept { return done_; }
    std::error_code error() const noexcept { return error_; }
    // The proxy's own words on failure (an HTTP status line, a SOCKS5 reply
    // code), printable ASCII; never a credential.
    const std::string& detail() const noexcept { return detail_; }
    bool wants_write() const noexcept { return !pending_output().empty(); }
    bool wants_read() const noexcept { return !done_ && !error_ && pending_output().empty(); }

  protected:
    ProxyHandshake() = default;
    // Consumes what the current stage needs of `bytes`; may complete or fail.
    virtual std::size_t parse(std::string_view bytes) = 0;
    virtual const char* name() const noexcept = 0;

    void send(std::string_view bytes);
    void succeed() noexcept { done_ = true; }
    void fail(std::error_code ec, std::string detail = {});

  private:
    std::string out_;
    std::size_t sent_ = 0;
    bool done_ = false;
    std::error_code error_;
    std::string detail_;
};

// A SOCKS5 CONNECT: a domain name goes to the proxy as a name (ATYP 3, the
// proxy resolves it), a literal as an address. With a user, offers
// user/password authentication (RFC 1929) besides none.
std::unique_ptr<ProxyHandshake> make_socks5_handshake(const ProxyRequest& request);

// An HTTP CONNECT with a Host header and, with a user, Proxy-Authorization:
// Basic. A 2xx status opens the tunnel.
std::unique_ptr<ProxyHandshake> make_http_connect_handshake(const ProxyRequest& request);

// The handshake for `kind` (socks5 or http_connect); nullptr for the others.
std::unique_ptr<ProxyHandshake> make_proxy_handshake(ProxyKind kind, const ProxyRequest& request);

// Destination host literals: the 4 or 16 octets of an IPv4 or IPv6 address
// (brackets around IPv6 allowed), or "" for a name.
std::string ip_literal_octets(std::string_view host);

}  // namespace smtpkit::protocol
