// Connect options: the seed's option flags (SMTP_OPTION_*) and the rest of
// what a connection needs.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <system_error>

#include "smtpkit/proxy.hpp"
#include "smtpkit/tls.hpp"

namespace smtpkit {

// How the connection is secured. The default requires TLS and verifies the
// server's certificate (lettre's relay(), MailKit's SslOnConnect/StartTls):
// a default-constructed ConnectOptions never puts a byte in clear text on
// the network. Plaintext is a choice you name.
enum class Security {
    // TLS, required: implicit TLS on port 465 (RFC 8314), STARTTLS on every
    // other port. Without it nothing but EHLO and STARTTLS is ever sent.
    tls_required,
    starttls,      // STARTTLS (RFC 3207) on any port, required
    implicit_tls,  // TLS from the first byte on any port (port 0 means 465)
    // Opportunistic (MailKit's StartTlsWhenAvailable): STARTTLS when the
    // server offers it, plaintext when it does not. Anyone on the path can
    // remove the offer, so this protects against passive listeners only. A
    // password still never goes in clear text (auth_insecure), and once
    // STARTTLS is tried it must succeed: a refused STARTTLS or a failed
    // handshake ends the session.
    starttls_when_available,
    // No TLS at all: for a relay on loopback or a network you trust. TLS
    // settings with it are an error (tls_settings_without_tls).
    plaintext,
};

const char* to_string(Security s) noexcept;

// Modifiers of a connection, the seed's SMTP_OPTION_* flags that are not
// about which TLS (that is Security) or HELO vs EHLO (ConnectOptions::extended).
enum class Option : std::uint32_t {
    none = 0,
    tunnel = 1u << 0,           // through ConnectOptions::proxy; none set: proxy_not_configured
    trusted_site = 1u << 1,     // DANGEROUS: skip certificate verification
    secure_fallback = 1u << 2,  // DANGEROUS: allow TLS 1.0/1.1 and legacy ciphers
    prefer_ipv6 = 1u << 3,      // try IPv6 addresses first
    free_thread = 1u << 4,      // any thread may call (one call at a time)
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
    // send_many() on the DATA path (no CHUNKING): the next message's MAIL,
    // RCPTs and DATA ride with the previous end of data instead of waiting
    // for its reply. Off by default, because real servers refuse it (Haraka
    // answers 503 "pipelined after end of DATA") or fail on it (Dovecot's
    // submission server). When on, a 503 so caused turns it off for the rest
    // of the session and the refused messages are sent again (none of them
    // was taken), each with its own exact verdict.
    bool pipeline_after_data = false;
};

struct ConnectOptions {
    Security security = Security::tls_required;
    // ESMTP: EHLO, falling back to HELO when EHLO is refused (500/502).
    // false: HELO only, for RFC 821 servers. TLS needs ESMTP, so with any
    // Security but plaintext EHLO is used whatever this says (the seed's
    // SECURE implies EXTENDED).
    bool extended = true;
    Option options = Option::none;
    std::chrono::seconds timeout{60};  // bounds every wait: connect, each read, each write
    // Bounds a whole operation (connect, authenticate, send, ...), however
    // its waits go: a server that trickles a byte every few seconds, each
    // within `timeout`, still cannot hold a call longer than this. Zero: no
    // deadline beyond the timeouts. Fails with error::deadline_exceeded.
    std::chrono::milliseconds deadline{0};
    std::string helo_name;  // empty: the machine's host name
    // Trust anchors and client certificate. Given with Security::plaintext
    // (as are trusted_site and secure_fallback), they are an error:
    // tls_settings_without_tls, never silently ignored.
    TlsOptions tls;
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
    // Stop once the greeting is read: no EHLO/HELO, no STARTTLS. Nothing is
    // sent but the QUIT of quit(); every other call fails, as the session
    // never got ready. A banner check (swaks' --quit-after connect); with
    // implicit TLS the handshake still comes first and is verified.
    bool greeting_only = false;
};

// Port 0 means 25, or 465 with Security::implicit_tls.
std::uint16_t effective_port(std::uint16_t port, Security security) noexcept;

// What a connection does, decided from its options and port.
struct ConnectPlan {
    std::uint16_t port = default_smtp_port;
    bool implicit_tls = false;  // TLS before the greeting
    bool starttls = false;      // STARTTLS after EHLO
    bool tls_required = false;  // no TLS, no session
    bool extended = true;       // EHLO
    bool verify = true;         // chain and host name checked
};
// The plan for `options` on `port`, or tls_settings_without_tls.
ConnectPlan plan_connection(std::uint16_t port, const ConnectOptions& options, std::error_code& ec);

}  // namespace smtpkit
