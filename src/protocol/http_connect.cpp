// HTTP CONNECT (RFC 9110 9.3.6): one request, then the proxy's status line
// and headers. A 2xx opens the tunnel; the octets after the blank line that
// ends the headers are the destination's and are not consumed. Informational
// (1xx) responses are skipped. Lines may end in CRLF or a bare LF.
#include <openssl/crypto.h>

#include <string>

#include "protocol/proxy_handshake.hpp"
#include "smtpkit/error.hpp"
#include "smtpkit/protocol/sasl.hpp"

namespace smtpkit::protocol {
namespace {

constexpr std::size_t max_line = 8192;
constexpr std::size_t max_header_lines = 100;
constexpr std::size_t max_response = std::size_t{64} * 1024;  // all responses together
constexpr std::size_t max_detail = 200;

bool is_control(char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7F;
}

bool has_control(std::string_view s) {
    for (const char c : s) {
        if (is_control(c)) {
            return true;
        }
    }
    return false;
}

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// The status line as a detail: printable ASCII only, bounded.
std::string printable(std::string_view line) {
    std::string out;
    for (const char c : line.substr(0, max_detail)) {
        const auto u = static_cast<unsigned char>(c);
        out += (u >= 0x20 && u < 0x7F) ? c : '?';
    }
    return out;
}

// "HTTP/1.1 200 Connection established" -> 200; 0 when malformed.
int status_code(std::string_view line) {
    if (line.size() < 12 || line.substr(0, 5) != "HTTP/" || !is_digit(line[5]) || line[6] != '.' ||
        !is_digit(line[7]) || line[8] != ' ' || !is_digit(line[9]) || !is_digit(line[10]) ||
        !is_digit(line[11]) || (line.size() > 12 && line[12] != ' ')) {
        return 0;
    }
    const int code = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
    return code >= 100 ? code : 0;
}

// "name: value", or a continuation of the previous header (obs-fold).
bool is_header_line(std::string_view line) {
    if (line.front() == ' ' || line.front() == '\t') {
        return true;
    }
    const auto colon = line.find(':');
    if (colon == 0 || colon == std::string_view::npos) {
        return false;
    }
    for (const char c : line.substr(0, colon)) {
        if (c == ' ' || c == '\t' || is_control(c)) {
            return false;
        }
    }
    return true;
}

class HttpConnectHandshake final : public ProxyHandshake {
  public:
    explicit HttpConnectHandshake(const ProxyRequest& r) : with_password_(!r.user.empty()) {
        std::string why = check(r);
        if (!why.empty()) {
            fail(make_error_code(smtpkit::error::proxy_invalid_settings), std::move(why));
            return;
        }
        std::string authority = authority_of(r);
        std::string request = "CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n";
        if (with_password_) {
            std::string pair = r.user + ":" + r.password;
            request += "Proxy-Authorization: Basic " + sasl::base64_encode(pair) + "\r\n";
            OPENSSL_cleanse(pair.data(), pair.size());
        }
        request += "\r\n";
        send(request);
        OPENSSL_cleanse(request.data(), request.size());
    }

  protected:
    const char* name() const noexcept override { return "HTTP CONNECT"; }

    std::size_t parse(std::string_view bytes) override {
        const char c = bytes.front();
        if (++total_ > max_response) {
            protocol_error("the proxy's response is longer than the limit");
        } else if (c == '\n') {
            end_line();
        } else if (c == '\0') {
            protocol_error("the proxy's response contains a NUL octet");
        } else if (line_.size() >= max_line) {
            protocol_error("the proxy's response has a line longer than the limit");
        } else {
            line_ += c;
        }
        return 1;
    }

  private:
    static std::string check(const ProxyRequest& r) {
        if (r.host.empty() || r.host.size() > 255 || has_control(r.host) ||
            r.host.find_first_of(" /@?#") != std::string::npos || r.port == 0) {
            return "the destination is not a usable host and port for HTTP CONNECT";
        }
        // RFC 7617: the user name of Basic cannot hold a colon.
        if (r.user.find(':') != std::string::npos || has_control(r.user) ||
            has_control(r.password)) {
            return "the proxy user name has a colon or a control character, or the password "
                   "a control character";
        }
        if (r.user.empty() && !r.password.empty()) {
            return "a proxy password without a user name";
        }
        return {};
    }

    static std::string authority_of(const ProxyRequest& r) {
        std::string host = r.host;
        if (host.front() != '[' && ip_literal_octets(host).size() == 16) {
            host = "[" + host + "]";
        }
        return host + ":" + std::to_string(r.port);
    }

    void protocol_error(std::string why) {
        fail(make_error_code(smtpkit::error::proxy_protocol_error), std::move(why));
    }

    void end_line() {
        if (!line_.empty() && line_.back() == '\r') {
            line_.pop_back();
        }
        const std::string line = std::move(line_);
        line_.clear();
        if (status_ == 0) {
            on_status_line(line);
        } else if (line.empty()) {
            on_end_of_headers();
        } else if (++header_lines_ > max_header_lines) {
            protocol_error("the proxy's response has more header lines than the limit");
        } else if (!is_header_line(line)) {
            protocol_error("the proxy's response has a malformed header line");
        }
    }

    void on_status_line(const std::string& line) {
        status_ = status_code(line);
        if (status_ == 0) {
            protocol_error("the proxy did not answer with an HTTP status line: \"" +
                           printable(line) + "\"");
            return;
        }
        if (status_ < 300) {
            return;  // 1xx or 2xx: the headers follow
        }
        // The refusal is known; its headers and body do not matter.
        smtpkit::error e = smtpkit::error::proxy_refused;
        // 407 is the standard answer; tinyproxy answers wrong credentials
        // with 401. A CONNECT reaches no origin server, so either is about
        // the proxy's credentials.
        if (status_ == 407 || status_ == 401) {
            e = with_password_ ? smtpkit::error::proxy_auth_failed
                               : smtpkit::error::proxy_auth_required;
        } else if (status_ == 403) {
            e = smtpkit::error::proxy_not_allowed;
        }
        fail(make_error_code(e), "the proxy answered \"" + printable(line) + "\"");
    }

    void on_end_of_headers() {
        if (status_ >= 200) {
            succeed();
            return;
        }
        status_ = 0;  // after an informational response the real one follows
        header_lines_ = 0;
    }

    std::string line_;
    std::size_t total_ = 0;
    std::size_t header_lines_ = 0;
    int status_ = 0;
    bool with_password_ = false;
};

}  // namespace

std::unique_ptr<ProxyHandshake> make_http_connect_handshake(const ProxyRequest& request) {
    return std::make_unique<HttpConnectHandshake>(request);
}

}  // namespace smtpkit::protocol
