// Connecting: TCP, implicit TLS or STARTTLS, greeting and EHLO/HELO. When TLS
// is required (every Security but starttls_when_available and plaintext)
// nothing goes on without it: no fallback to plaintext, ever.
#include <unistd.h>

#include <array>

#include "client/await.hpp"
#include "client/client_impl.hpp"
#include "smtpkit/protocol/address.hpp"
#include "transport/tls_context.hpp"
#include "transport/tunnel.hpp"

namespace smtpkit {
namespace {

std::string local_host_name() {
    std::array<char, 256> name{};
    if (::gethostname(name.data(), name.size() - 1) != 0 || name[0] == '\0') {
        return "localhost";
    }
    std::string host(name.data());
    // Only a name EHLO can carry; otherwise fall back to a safe one.
    return protocol::is_valid_domain(host, false) ? host : "localhost";
}

}  // namespace

Awaitable<void> Client::Impl::connect(std::string host, std::uint16_t port, ConnectOptions options,
                                      std::error_code& ec) {
    last_reply = {};
    opening = {};
    last_detail.clear();
    capabilities = {};
    capabilities_before_tls = {};
    security = {};
    timeout = options.timeout;
    const ConnectPlan plan = plan_connection(port, options, ec);
    if (ec) {
        co_return;  // tls_settings_without_tls: never silently ignored
    }
    peer_host = host;
    peer_port = plan.port;
    tls_required = plan.tls_required;
    allow_insecure_auth = options.allow_insecure_auth;
    if (has(options.options, Option::tunnel) && !options.proxy.enabled()) {
        ec = make_error_code(error::proxy_not_configured);  // never a silent direct connection
        co_return;
    }

    if (plan.implicit_tls || plan.starttls) {
        transport::TlsPolicy policy{plan.verify, has(options.options, Option::secure_fallback),
                                    options.tls};
        tls_context = transport::make_tls_context(policy, ec, last_detail);
        if (ec) {
            co_return;
        }
    }
    protocol::SessionConfig config;
    config.helo_name = options.helo_name.empty() ? local_host_name() : options.helo_name;
    config.extended = plan.extended;
    config.use_pipelining = options.transfer.pipelining;
    config.use_chunking = options.transfer.chunking;
    config.window = options.transfer.window;
    config.pipeline_after_data = options.transfer.pipeline_after_data;
    config.tls_active = plan.implicit_tls;  // the handshake comes before the greeting
    transfer_options = options.transfer;
    connection.emplace(executor);
    session.emplace(config);
    apply_pending_cancel();

    co_await open_path(host, plan.port, options, ec);
    // Connect: the path to the server is open (or could not be opened).
    events.raise(client::make_event(EventKind::connect, ec));
    if (!ec && plan.implicit_tls) {
        co_await handshake(host, plan.verify, true, ec);
    }
    if (!ec) {
        co_await greet_and_hello(!options.greeting_only, ec);
    }
    if (!ec && plan.starttls && !options.greeting_only) {
        co_await upgrade_with_starttls(host, plan.verify, plan.tls_required, ec);
    }
    if (ec) {
        close(ec);
    }
}

Awaitable<void> Client::Impl::open_path(const std::string& host, std::uint16_t port,
                                        const ConnectOptions& options, std::error_code& ec) {
    const ProxyOptions& proxy = options.proxy;
    const bool prefer_ipv6 = has(options.options, Option::prefer_ipv6);
    if (!proxy.enabled()) {
        tracer.info("connecting to " + host + " port " + std::to_string(port));
        co_await open_tcp(host, port, prefer_ipv6, ec);
        co_return;
    }
    if (proxy.host.empty() || proxy.port == 0) {
        ec = make_error_code(error::proxy_invalid_settings);
        last_detail = "the proxy needs a host and a port";
        co_return;
    }
    // The credentials are never traced: only the kind and address.
    tracer.info("connecting to " + host + " port " + std::to_string(port) + " through " +
                to_string(proxy.kind) + " " + proxy.host + " port " + std::to_string(proxy.port));
    co_await open_tcp(proxy.host, proxy.port, prefer_ipv6, ec);
    if (!ec && proxy.kind != ProxyKind::port_forward) {
        co_await open_tunnel(host, port, proxy, ec);
    }
}

Awaitable<void> Client::Impl::open_tunnel(const std::string& host, std::uint16_t port,
                                          const ProxyOptions& proxy, std::error_code& ec) {
    const auto handshake =
        protocol::make_proxy_handshake(proxy.kind, {host, port, proxy.user, proxy.password});
    ec = co_await client::suspend_for<std::error_code>([&](auto resume) {
        transport::async_open_tunnel(*connection, *handshake, limits().next(), std::move(resume));
    });
    ec = limits().explain(ec);
    if (ec) {
        last_detail = handshake->detail();
        co_return;
    }
    tracer.info("tunnel open to " + host + " port " + std::to_string(port));
}

Awaitable<void> Client::Impl::open_tcp(const std::string& host, std::uint16_t port,
                                       bool prefer_ipv6, std::error_code& ec) {
    transport::ConnectSettings settings;
    settings.prefer_ipv6 = prefer_ipv6;
    ec = co_await client::suspend_for<std::error_code>([&](auto resume) {
        connection->async_connect(host, port, settings, limits().next(), std::move(resume));
    });
    ec = limits().explain(ec);
    if (ec) {
        last_detail = "connecting to " + host + " port " + std::to_string(port);
        co_return;
    }
    tracer.info("connected to " + connection->remote_endpoint());
}

Awaitable<void> Client::Impl::handshake(const std::string& host, bool verify, bool implicit,
                                        std::error_code& ec) {
    ec = co_await client::suspend_for<std::error_code>([&](auto resume) {
        connection->async_handshake(*tls_context, host, verify, implicit, limits().next(),
                                    std::move(resume));
    });
    ec = limits().explain(ec);
    if (ec) {
        last_detail = connection->tls_detail();
        co_return;
    }
    security = connection->security_info();
    capabilities = {};  // what the server said in plaintext no longer counts
    const SecurityInfo& info = security;
    tracer.info("TLS " + info.protocol + " " + info.cipher + "; certificate " +
                (info.verified ? "verified for " + info.verified_host
                               : "NOT verified (" + info.verify_result + ")"));
}

Awaitable<void> Client::Impl::greet_and_hello(bool hello, std::error_code& ec) {
    protocol::Event done = co_await run(ec);
    if (!ec && hello && std::holds_alternative<protocol::Greeted>(done)) {
        session->hello();
        co_await run(ec);
    }
}

// RFC 3207: STARTTLS, the handshake, then EHLO again over TLS. Whatever the
// server said in plaintext is forgotten by the session (and kept apart in
// capabilities_before_tls, for reports).
Awaitable<void> Client::Impl::upgrade_with_starttls(const std::string& host, bool verify,
                                                    bool required, std::error_code& ec) {
    if (!session->capabilities().starttls()) {
        if (!required) {
            // Opportunistic: the server offers no TLS; plaintext it is.
            tracer.info("STARTTLS not offered: the session stays in plaintext");
            co_return;
        }
        // Also the case when EHLO was refused and only HELO worked.
        ec = make_error_code(error::starttls_not_offered);
        co_return;
    }
    capabilities_before_tls = session->capabilities();
    session->starttls();
    const protocol::Event done = co_await run(ec);
    if (ec) {
        co_return;
    }
    if (!std::holds_alternative<protocol::TlsHandshakeNeeded>(done)) {
        ec = make_error_code(error::session_failed);
        co_return;
    }
    co_await handshake(host, verify, false, ec);
    if (ec) {
        co_return;
    }
    session->tls_established();
    session->hello();
    co_await run(ec);
}

}  // namespace smtpkit
