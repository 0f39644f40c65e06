// Connect options: the seed's option flags (SMTP_OPTION_*) and the rest of
// what a connection needs.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

#include "smtpkit/proxy.hpp"
#include "smtpkit/tls.hpp"

namespace smtpkit {

enum class Option : std::uint32_t {
    none = 0,
    extended = 1u << 0,         // ESMTP: EHLO (falls back to HELO on 500/502)
    tunnel = 1u << 1,           // through ConnectOptions::proxy; none set: proxy_not_configured
    trusted_site = 1u << 2,     // DANGEROUS: skip certificate verification
    secure = 1u << 3,           // STARTTLS, required
    secure_implicit = 1u << 4,  // TLS from the first byte (port 465)
    secure_fallback = 1u << 5,  // DANGEROUS: allow TLS 1.0/1.1 and legacy ciphers
    prefer_ipv6 = 1u << 6,      // try IPv6 addresses first
    free_thread = 1u << 7,      // any thread may call (one call at a time)
};

constexpr Option operator|(Option a, Option b) noexcept {
    return static_cast<Option>(static_cast<std::uint32_t>(a) | static_cast<std::uint32_t>(b));
}
constexpr Option operator&(Option a, Option b) noexcept {
    return static_cast<Option>(static_cast<std::uint32_t>(a) & static_cast<std::uint32_t>(b));
}
constexpr Option operator~(Option a) noexcept {
    return static_cast<Option>(~static_cast<std::uint32_t>(a));
}
constexpr Option& operator|=(Option& a, Option b) noexcept {
    return a = a | b;
}
constexpr Option& operator&=(Option& a, Option b) noexcept {
    return a = a & b;
}
constexpr bool has(Option set, Option flag) noexcept {
    return (set & flag) != Option::none;
}

inline constexpr std::uint16_t default_smtp_port = 25;
inline constexpr std::uint16_t default_smtps_port = 465;
inline constexpr std::uint16_t submission_port = 587;

// How messages go over the wire. The defaults use every extension the
// server offers; the switches are for servers that get one wrong.
struct TransferOptions {
    bool pipelining = true;  // PIPELINING (RFC 2920) when offered
    bool chunking = true;    // CHUNKING/BDAT (RFC 3030) when offered
    // BDAT chunk size in octets: bounds the memory a message needs (two
    // chunks) whatever its size.
    std::size_t chunk_size = std::size_t{1} << 20;
    // send_many() with PIPELINING + CHUNKING: messages written before the
    // replies of the first of them are read.
    std::size_t window = 8;
};

struct ConnectOptions {
    Option options = Option::none;
    std::chrono::seconds timeout{60};  // bounds every wait: connect, each read, each write
    std::string helo_name;             // empty: the machine's host name
    TlsOptions tls;                    // trust anchors and client certificate
    // DANGEROUS: lets PLAIN, LOGIN and OAuth tokens go over a session without
    // TLS, where anyone on the path can read them.
    bool allow_insecure_auth = false;
    TransferOptions transfer;
    // The path to the server: a SOCKS5 or HTTP CONNECT proxy, or a port
    // forward. A proxy set here is used with or without Option::tunnel;
    // Option::tunnel without one is an error (proxy_not_configured), never
    // a silent direct connection. The host and port given to connect() stay
    // the destination: TLS verifies and names (SNI) that host.
    ProxyOptions proxy;
};

// The seed's port rules: 0 means 25, or 465 with secure_implicit.
std::uint16_t effective_port(std::uint16_t port, Option options) noexcept;
// The seed's option rules: port 587 turns extended on; so do STARTTLS (an
// ESMTP extension) and implicit TLS (submission per RFC 8314).
Option effective_options(std::uint16_t port, Option options) noexcept;

}  // namespace smtpkit
