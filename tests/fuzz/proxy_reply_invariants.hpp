// Invariants of the proxy handshakes (protocol/proxy_handshake.hpp): SOCKS5
// (RFC 1928/1929) and HTTP CONNECT, fed any reply in pieces of the fuzzer's
// choosing. The input: byte 0 picks the kind and the request (with or
// without credentials, a name, an IPv4 or an IPv6 destination), byte 1 the
// split, the rest is what the proxy sends.
//
// What must hold: never done() and error() at once; the request is written
// before any reply is read, and a proxy that answers early is a protocol
// error; feed() consumes exactly the proxy's reply and nothing of the
// tunnel after it (fed byte by byte, whole or in pieces: the same outcome
// and count, except that a SOCKS5 reply read in the same piece as the one
// before it answers a request not yet written, which is a protocol error
// of its own), never more than it is given
// and nothing once finished; a short reply is no success (end of file then
// gives connection_closed), a malformed one a named proxy error; the error
// detail is printable ASCII, without the password (unless the proxy itself
// sent it back); nothing is left to write
// after a failure. SOCKS5: a success consumed exactly the method reply, the
// auth reply and the CONNECT reply by their lengths. HTTP CONNECT: a
// success is a 2xx status line whose headers end with an empty line, and
// the consumed bytes end there.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>

#include "protocol/proxy_handshake.hpp"
#include "smtpkit/error.hpp"

namespace smtpkit::fuzz {

inline constexpr std::string_view proxy_password = "s3cret-proxy-pass";

struct ProxyOutcome {
    bool done = false;
    std::error_code error;
    std::string detail;
    std::size_t consumed = 0;
    std::string violation;
};

inline protocol::ProxyRequest proxy_request(unsigned choice) {
    protocol::ProxyRequest r;
    static constexpr std::string_view hosts[] = {"mx.example.org", "192.0.2.25", "2001:db8::25",
                                                 "[2001:db8::25]"};
    r.host = std::string(hosts[choice % 4]);
    r.port = 25;
    if ((choice & 4) != 0) {
        r.user = "proxyuser";
        r.password = std::string(proxy_password);
    }
    return r;
}

inline bool is_proxy_error(std::error_code ec) {
    return ec.category() == make_error_code(error::proxy_protocol_error).category() &&
           ((ec.value() >= static_cast<int>(error::proxy_not_configured) &&
             ec.value() <= static_cast<int>(error::proxy_refused)) ||
            ec == error::connection_closed);
}

// Runs one handshake over `reply` cut into pieces by `next_piece`.
template <class NextPiece>
ProxyOutcome run_proxy(ProxyKind kind, unsigned choice, std::string_view reply,
                       NextPiece next_piece, bool eof) {
    ProxyOutcome out;
    auto h = protocol::make_proxy_handshake(kind, proxy_request(choice));
    if (!h || h->error()) {
        out.violation = "a valid request refused";
        return out;
    }
    // The proxy reads the request first: each stage writes before it reads.
    const auto write_all = [&] {
        while (h->wants_write()) {
            h->consume_output(h->pending_output().size());
        }
    };
    write_all();
    std::size_t pos = 0;
    while (pos < reply.size() && !h->done() && !h->error()) {
        const std::size_t n = std::min(next_piece(), reply.size() - pos);
        const std::string_view piece = reply.substr(pos, n);
        const std::size_t used = h->feed(piece);
        if (used > piece.size()) {
            out.violation = "feed() consumed more than it was given";
            return out;
        }
        out.consumed += used;
        if (used < piece.size() && !h->done() && !h->error()) {
            out.violation = "feed() stopped early without finishing";
            return out;
        }
        if (h->done() || h->error()) {
            if (h->feed(reply.substr(pos + used)) != 0) {
                out.violation = "feed() consumed bytes after the handshake ended";
                return out;
            }
            break;
        }
        write_all();
        pos += n;
    }
    if (eof && !h->done() && !h->error()) {
        h->feed_eof();
        if (h->error() != error::connection_closed) {
            out.violation = "end of file during the handshake is not connection_closed";
            return out;
        }
    }
    out.done = h->done();
    out.error = h->error();
    out.detail = h->detail();
    if (out.done && out.error) {
        out.violation = "done and failed at once";
    } else if (out.error && (h->wants_write() || !h->pending_output().empty() || h->wants_read())) {
        out.violation = "a failed handshake that still wants to write or read";
    } else if (out.error && !is_proxy_error(out.error)) {
        out.violation = "an error that is no proxy error: " + out.error.message();
    } else if (out.detail.find(proxy_password) != std::string::npos &&
               reply.find(proxy_password) == std::string_view::npos) {
        out.violation = "the password in the detail";  // not quoted from the proxy's reply
    } else if (std::any_of(out.detail.begin(), out.detail.end(), [](char c) {
                   return static_cast<unsigned char>(c) < 0x20 ||
                          static_cast<unsigned char>(c) >= 0x7F;
               })) {
        out.violation = "a detail that is not printable ASCII";
    } else if (out.done && h->wants_read()) {
        out.violation = "done but still wants to read";
    }
    return out;
}

// What a successful SOCKS5 exchange must have consumed: the method reply,
// the auth reply when password authentication was chosen, the CONNECT reply.
inline std::size_t socks5_reply_length(std::string_view r) {
    if (r.size() < 2) {
        return 0;
    }
    std::size_t n = 2;
    if (static_cast<unsigned char>(r[1]) == 2) {
        n += 2;
    }
    if (r.size() < n + 5) {
        return 0;
    }
    const auto atyp = static_cast<unsigned char>(r[n + 3]);
    const std::size_t address = atyp == 1   ? 4
                                : atyp == 4 ? 16
                                            : 1 + static_cast<unsigned char>(r[n + 4]);
    return n + 4 + address + 2;
}

inline std::string check_proxy_input(std::string_view input) {
    if (input.size() < 2) {
        return {};
    }
    const auto choice = static_cast<unsigned char>(input[0]);
    const auto split = static_cast<unsigned char>(input[1]);
    const std::string_view reply = input.substr(2);
    const auto kind = (choice & 8) != 0 ? ProxyKind::http_connect : ProxyKind::socks5;

    const bool eof = (choice & 16) != 0;
    const ProxyOutcome whole = run_proxy(
        kind, choice, reply, [&] { return reply.size(); }, eof);
    const ProxyOutcome bytes = run_proxy(
        kind, choice, reply, [] { return std::size_t{1}; }, eof);
    std::uint32_t state = 0x9E3779B9u ^ split;
    const ProxyOutcome pieces = run_proxy(
        kind, choice, reply,
        [&] {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            return std::size_t{1} + state % (1 + split);
        },
        eof);
    for (const ProxyOutcome* o : {&whole, &bytes, &pieces}) {
        if (!o->violation.empty()) {
            return o->violation;
        }
    }
    // Byte by byte, the request of each stage is written before the next
    // octet is read. Read in larger pieces, a SOCKS5 proxy may seem to
    // answer a request not yet written (the CONNECT reply in the same read
    // as the method reply): that is a protocol error of its own, and the
    // only way the outcome may differ.
    for (const ProxyOutcome* o : {&whole, &pieces}) {
        const bool same = o->done == bytes.done && o->error == bytes.error &&
                          o->consumed == bytes.consumed && o->detail == bytes.detail;
        const bool early = o->error == error::proxy_protocol_error &&
                           o->detail.rfind("the proxy sent data before the", 0) == 0 &&
                           o->consumed < bytes.consumed + (bytes.done ? 0 : 1) &&
                           kind == ProxyKind::socks5;
        if (!same && !early) {
            return "the outcome depends on how the reply was split";
        }
    }
    if (!bytes.done) {
        return {};
    }
    const std::string_view taken = reply.substr(0, bytes.consumed);
    if (kind == ProxyKind::socks5) {
        if (bytes.consumed != socks5_reply_length(reply) || taken[0] != 5) {
            return "a SOCKS5 success that did not consume exactly the replies";
        }
        if (static_cast<unsigned char>(taken[1]) == 2 && (choice & 4) == 0) {
            return "password authentication chosen though not offered";
        }
        return {};
    }
    // HTTP: "HTTP/1.x 2xx" ... an empty line, and nothing after it.
    const std::size_t last_status = [&] {
        // The final response follows any 1xx ones: find the last status line.
        std::size_t at = 0;
        std::size_t p = 0;
        while ((p = taken.find("HTTP/", p)) != std::string_view::npos) {
            if (p == 0 || taken[p - 1] == '\n') {
                at = p;
            }
            ++p;
        }
        return at;
    }();
    const std::string_view status = taken.substr(last_status, 12);
    if (status.size() < 12 || status[9] != '2') {
        return "an HTTP CONNECT success without a 2xx status";
    }
    if (!(taken.ends_with("\n\n") || taken.ends_with("\n\r\n"))) {
        return "an HTTP CONNECT success that did not end at the empty line";
    }
    return {};
}

}  // namespace smtpkit::fuzz
