#include "cli/proxy_flags.hpp"

#include <charconv>
#include <cstdlib>

namespace smtpkit::cli {
namespace {

struct Scheme {
    std::string_view prefix;
    ProxyKind kind;
};

// socks5h is curl's name for "the proxy resolves": what socks5 does here.
constexpr Scheme schemes[] = {{"socks5://", ProxyKind::socks5},
                              {"socks5h://", ProxyKind::socks5},
                              {"http://", ProxyKind::http_connect},
                              {"forward://", ProxyKind::port_forward}};

bool parse_port(std::string_view text, std::uint16_t& port) {
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || value == 0 || value > 65535) {
        return false;
    }
    port = static_cast<std::uint16_t>(value);
    return true;
}

// "HOST:PORT" or "[V6]:PORT".
bool parse_host_port(std::string_view text, ProxyOptions& proxy) {
    std::string_view host;
    std::string_view port;
    if (!text.empty() && text.front() == '[') {
        const auto close = text.find(']');
        if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
            return false;
        }
        host = text.substr(1, close - 1);
        port = text.substr(close + 2);
    } else {
        const auto colon = text.rfind(':');
        if (colon == std::string_view::npos || text.find(':') != colon) {
            return false;
        }
        host = text.substr(0, colon);
        port = text.substr(colon + 1);
    }
    if (host.empty() || host.find_first_of("/@ ") != std::string_view::npos) {
        return false;
    }
    proxy.host = std::string(host);
    return parse_port(port, proxy.port);
}

}  // namespace

std::optional<ProxyOptions> parse_proxy_url(std::string_view url, std::string& why) {
    ProxyOptions proxy;
    std::string_view rest;
    for (const Scheme& s : schemes) {
        if (url.substr(0, s.prefix.size()) == s.prefix) {
            proxy.kind = s.kind;
            rest = url.substr(s.prefix.size());
        }
    }
    if (proxy.kind == ProxyKind::none) {
        why = "--proxy must start with socks5://, http:// or forward://";
        return std::nullopt;
    }
    if (!rest.empty() && rest.back() == '/') {
        rest.remove_suffix(1);
    }
    if (const auto at = rest.rfind('@'); at != std::string_view::npos) {
        const std::string_view user = rest.substr(0, at);
        if (user.find(':') != std::string_view::npos) {
            why = std::string(
                      "--proxy must not hold a password (anyone can read the command "
                      "line); set ") +
                  proxy_password_variable + " instead";
            return std::nullopt;
        }
        if (user.empty() || proxy.kind == ProxyKind::port_forward) {
            why = "--proxy: a user name must be before '@' (and a port forward takes none)";
            return std::nullopt;
        }
        proxy.user = std::string(user);
        rest = rest.substr(at + 1);
    }
    if (!parse_host_port(rest, proxy)) {
        why = "--proxy needs HOST:PORT after the scheme, e.g. socks5://127.0.0.1:1080";
        return std::nullopt;
    }
    return proxy;
}

std::string check_proxy_flags(const ProxyFlags& flags, const char* password) {
    if (flags.url.empty()) {
        return flags.user.empty() ? std::string() : "--proxy-user needs --proxy";
    }
    std::string why;
    const auto proxy = parse_proxy_url(flags.url, why);
    if (!proxy) {
        return why;
    }
    if (!flags.user.empty() && !proxy->user.empty()) {
        return "give the proxy user once: in --proxy or with --proxy-user";
    }
    if (!flags.user.empty() && proxy->kind == ProxyKind::port_forward) {
        return "a port forward takes no --proxy-user";
    }
    if ((!flags.user.empty() || !proxy->user.empty()) && password == nullptr) {
        return std::string("a proxy user needs the password in the environment variable ") +
               proxy_password_variable + " (it may be empty)";
    }
    return {};
}

void add_proxy_flags(CLI::App& cmd, ProxyFlags& f) {
    cmd.add_option("--proxy", f.url,
                   "Connect through socks5://[USER@]HOST:PORT, http://[USER@]HOST:PORT "
                   "or forward://HOST:PORT")
        ->type_name("URL")
        ->check(CLI::Validator(
            [](std::string& url) {
                std::string why;
                return parse_proxy_url(url, why) ? std::string() : why;
            },
            ""));
    cmd.add_option("--proxy-user", f.user,
                   std::string("Proxy user; the password comes from $") + proxy_password_variable)
        ->type_name("USER");
    cmd.add_flag("--prefer-ipv6", f.prefer_ipv6, "Try the server's IPv6 addresses first");
}

void apply_proxy_flags(const ProxyFlags& f, const char* password, ConnectOptions& options) {
    if (f.prefer_ipv6) {
        options.options |= Option::prefer_ipv6;
    }
    if (f.url.empty()) {
        return;
    }
    std::string why;
    if (auto proxy = parse_proxy_url(f.url, why)) {
        if (!f.user.empty()) {
            proxy->user = f.user;
        }
        if (!proxy->user.empty() && password != nullptr) {
            proxy->password = password;
        }
        options.proxy = std::move(*proxy);
        options.options |= Option::tunnel;
    }
}

std::string describe_proxy(const ProxyOptions& proxy) {
    const bool v6 = proxy.host.find(':') != std::string::npos;
    return std::string(to_string(proxy.kind)) + " " + (v6 ? "[" + proxy.host + "]" : proxy.host) +
           " port " + std::to_string(proxy.port);
}

}  // namespace smtpkit::cli
