// SOCKS5 CONNECT (RFC 1928) with optional user/password authentication
// (RFC 1929). The proxy's replies are read one octet at a time, so each
// check happens as soon as its octet is known, whatever the read sizes.
#include <openssl/crypto.h>

#include <string>

#include "protocol/proxy_handshake.hpp"
#include "smtpkit/error.hpp"

namespace smtpkit::protocol {
namespace {

constexpr char socks_version = 5;
constexpr char auth_version = 1;  // RFC 1929's sub-negotiation
constexpr unsigned char method_none = 0x00;
constexpr unsigned char method_password = 0x02;
constexpr unsigned char method_unacceptable = 0xFF;
constexpr char command_connect = 1;
constexpr unsigned char atyp_ipv4 = 1;
constexpr unsigned char atyp_domain = 3;
constexpr unsigned char atyp_ipv6 = 4;
constexpr std::size_t max_field = 255;  // one length octet

bool has_control(std::string_view s) {
    for (const char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7F) {
            return true;
        }
    }
    return false;
}

// RFC 1928 6: each reply code has its own error.
smtpkit::error reply_error(unsigned char rep) {
    switch (rep) {
        case 1:
            return smtpkit::error::proxy_general_failure;
        case 2:
            return smtpkit::error::proxy_not_allowed;
        case 3:
            return smtpkit::error::proxy_network_unreachable;
        case 4:
            return smtpkit::error::proxy_host_unreachable;
        case 5:
            return smtpkit::error::proxy_connection_refused;
        case 6:
            return smtpkit::error::proxy_ttl_expired;
        case 7:
            return smtpkit::error::proxy_command_not_supported;
        case 8:
            return smtpkit::error::proxy_address_type_not_supported;
        default:
            return smtpkit::error::proxy_refused;
    }
}

class Socks5Handshake final : public ProxyHandshake {
  public:
    explicit Socks5Handshake(const ProxyRequest& r) {
        std::string why = check(r);
        if (!why.empty()) {
            fail(make_error_code(smtpkit::error::proxy_invalid_settings), std::move(why));
            return;
        }
        request_ = connect_request(r);
        with_password_ = !r.user.empty();
        if (with_password_) {
            auth_ = password_request(r);
            send(std::string{socks_version, 2, static_cast<char>(method_none),
                             static_cast<char>(method_password)});
        } else {
            send(std::string{socks_version, 1, static_cast<char>(method_none)});
        }
    }
    ~Socks5Handshake() override { wipe_auth(); }
    Socks5Handshake(const Socks5Handshake&) = delete;
    Socks5Handshake& operator=(const Socks5Handshake&) = delete;

  protected:
    const char* name() const noexcept override { return "SOCKS5"; }

    std::size_t parse(std::string_view bytes) override {
        in_ += bytes.front();
        switch (stage_) {
            case Stage::method:
                on_method_octet();
                break;
            case Stage::auth:
                on_auth_octet();
                break;
            case Stage::reply:
                on_reply_octet();
                break;
        }
        return 1;
    }

  private:
    enum class Stage { method, auth, reply };

    static std::string check(const ProxyRequest& r) {
        std::string_view host = r.host;
        if (ip_literal_octets(host).empty() && (host.empty() || host.size() > max_field)) {
            return "the destination host name must be 1 to 255 octets for SOCKS5";
        }
        if (has_control(host) || r.port == 0) {
            return "the destination is not a usable host and port";
        }
        if (r.user.size() > max_field || r.password.size() > max_field) {
            return "SOCKS5 user names and passwords are limited to 255 octets";
        }
        if (r.user.empty() && !r.password.empty()) {
            return "a proxy password without a user name";
        }
        return {};
    }

    static std::string connect_request(const ProxyRequest& r) {
        std::string out{socks_version, command_connect, 0};
        const std::string octets = ip_literal_octets(r.host);
        if (octets.size() == 4) {
            out += static_cast<char>(atyp_ipv4);
            out += octets;
        } else if (octets.size() == 16) {
            out += static_cast<char>(atyp_ipv6);
            out += octets;
        } else {
            out += static_cast<char>(atyp_domain);  // the proxy resolves the name
            out += static_cast<char>(r.host.size());
            out += r.host;
        }
        out += static_cast<char>(r.port >> 8);
        out += static_cast<char>(r.port & 0xFF);
        return out;
    }

    static std::string password_request(const ProxyRequest& r) {
        std::string out{auth_version, static_cast<char>(r.user.size())};
        out += r.user;
        out += static_cast<char>(r.password.size());
        out += r.password;
        return out;
    }

    void wipe_auth() {
        // The password request is wiped by the base once sent; an unsent
        // copy is wiped here.
        if (!auth_.empty()) {
            OPENSSL_cleanse(auth_.data(), auth_.size());
        }
        auth_.clear();
    }

    unsigned char octet(std::size_t i) const { return static_cast<unsigned char>(in_[i]); }

    void protocol_error(std::string why) {
        fail(make_error_code(smtpkit::error::proxy_protocol_error), std::move(why));
    }

    void next_stage(Stage stage, std::string_view request) {
        stage_ = stage;
        in_.clear();
        send(request);
    }

    void on_method_octet() {
        if (in_.size() == 1 && octet(0) != socks_version) {
            protocol_error("the proxy does not speak SOCKS5 (version " + std::to_string(octet(0)) +
                           " in its answer)");
            return;
        }
        if (in_.size() < 2) {
            return;
        }
        const unsigned char method = octet(1);
        if (method == method_none) {
            wipe_auth();
            next_stage(Stage::reply, request_);
        } else if (method == method_password && with_password_) {
            next_stage(Stage::auth, auth_);
            wipe_auth();
        } else if (method == method_unacceptable) {
            fail(make_error_code(with_password_ ? smtpkit::error::proxy_auth_method_rejected
                                                : smtpkit::error::proxy_auth_required),
                 "SOCKS5: no acceptable authentication method");
        } else {
            protocol_error("the proxy chose authentication method " + std::to_string(method) +
                           ", which was not offered");
        }
    }

    void on_auth_octet() {
        if (in_.size() == 1 && octet(0) != auth_version) {
            protocol_error("the proxy answered user/password authentication with version " +
                           std::to_string(octet(0)));
            return;
        }
        if (in_.size() < 2) {
            return;
        }
        if (octet(1) != 0) {
            fail(make_error_code(smtpkit::error::proxy_auth_failed),
                 "SOCKS5 authentication status " + std::to_string(octet(1)));
            return;
        }
        next_stage(Stage::reply, request_);
    }

    void on_reply_octet() {
        const std::size_t n = in_.size();
        if (n == 1 && octet(0) != socks_version) {
            protocol_error("the proxy answered CONNECT with SOCKS version " +
                           std::to_string(octet(0)));
        } else if (n == 2 && octet(1) != 0) {
            fail(make_error_code(reply_error(octet(1))),
                 "SOCKS5 reply " + std::to_string(octet(1)));
        } else if (n == 4 && octet(3) != atyp_ipv4 && octet(3) != atyp_domain &&
                   octet(3) != atyp_ipv6) {
            protocol_error("the proxy's CONNECT reply has address type " +
                           std::to_string(octet(3)));
        } else if (n > 4 && n == reply_size()) {
            in_.clear();
            succeed();
        }
    }

    // VER REP RSV ATYP BND.ADDR BND.PORT; known once ATYP (and a domain's
    // length octet) has arrived.
    std::size_t reply_size() const {
        switch (octet(3)) {
            case atyp_ipv4:
                return 4 + 4 + 2;
            case atyp_ipv6:
                return 4 + 16 + 2;
            default:
                return 4 + 1 + std::size_t{octet(4)} + 2;
        }
    }

    Stage stage_ = Stage::method;
    std::string in_;
    std::string request_;
    std::string auth_;
    bool with_password_ = false;
};

}  // namespace

std::unique_ptr<ProxyHandshake> make_socks5_handshake(const ProxyRequest& request) {
    return std::make_unique<Socks5Handshake>(request);
}

}  // namespace smtpkit::protocol
