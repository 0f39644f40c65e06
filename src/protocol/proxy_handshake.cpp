// What both proxy handshakes share: the output queue (wiped once written, as
// it may hold a password), the feed loop and failure.
#include "protocol/proxy_handshake.hpp"

#include <arpa/inet.h>
#include <openssl/crypto.h>

#include <algorithm>
#include <array>

#include "smtpkit/error.hpp"

namespace smtpkit {

const char* to_string(ProxyKind kind) noexcept {
    switch (kind) {
        case ProxyKind::none:
            return "none";
        case ProxyKind::socks5:
            return "socks5";
        case ProxyKind::http_connect:
            return "http";
        case ProxyKind::port_forward:
            return "forward";
    }
    return "none";
}

namespace protocol {
namespace {

void wipe(std::string& s) noexcept {
    if (!s.empty()) {
        OPENSSL_cleanse(s.data(), s.size());
    }
    s.clear();
}

}  // namespace

ProxyHandshake::~ProxyHandshake() {
    wipe(out_);
}

std::string_view ProxyHandshake::pending_output() const noexcept {
    if (error_) {
        return {};
    }
    return std::string_view(out_).substr(sent_);
}

void ProxyHandshake::consume_output(std::size_t n) noexcept {
    sent_ += std::min(n, out_.size() - sent_);
    if (sent_ == out_.size()) {
        wipe(out_);
        sent_ = 0;
    }
}

std::size_t ProxyHandshake::feed(std::string_view bytes) {
    std::size_t used = 0;
    while (used < bytes.size() && !done_ && !error_) {
        if (!pending_output().empty()) {
            // A proxy cannot answer a request it has not received yet.
            fail(make_error_code(smtpkit::error::proxy_protocol_error),
                 std::string("the proxy sent data before the ") + name() + " request");
            break;
        }
        const std::size_t n = parse(bytes.substr(used));
        if (n == 0) {
            break;
        }
        used += n;
    }
    return used;
}

void ProxyHandshake::feed_eof() {
    if (!done_ && !error_) {
        fail(make_error_code(smtpkit::error::connection_closed),
             std::string("the proxy closed the connection during the ") + name() + " handshake");
    }
}

void ProxyHandshake::send(std::string_view bytes) {
    out_.append(bytes);
}

void ProxyHandshake::fail(std::error_code ec, std::string detail) {
    error_ = ec;
    detail_ = std::move(detail);
    wipe(out_);
    sent_ = 0;
}

std::string ip_literal_octets(std::string_view host) {
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    }
    if (host.empty() || host.size() > 64) {
        return {};
    }
    const std::string text(host);
    std::array<unsigned char, 16> octets{};
    if (::inet_pton(AF_INET, text.c_str(), octets.data()) == 1) {
        return std::string(reinterpret_cast<const char*>(octets.data()), 4);
    }
    if (::inet_pton(AF_INET6, text.c_str(), octets.data()) == 1) {
        return std::string(reinterpret_cast<const char*>(octets.data()), 16);
    }
    return {};
}

std::unique_ptr<ProxyHandshake> make_proxy_handshake(ProxyKind kind, const ProxyRequest& request) {
    switch (kind) {
        case ProxyKind::socks5:
            return make_socks5_handshake(request);
        case ProxyKind::http_connect:
            return make_http_connect_handshake(request);
        case ProxyKind::none:
        case ProxyKind::port_forward:
            break;
    }
    return nullptr;
}

}  // namespace protocol
}  // namespace smtpkit
