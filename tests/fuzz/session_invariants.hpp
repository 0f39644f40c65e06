// Invariants of the session engine (protocol::Session), checked while the
// fuzz input plays both the caller and the server: it picks operations
// (EHLO, transactions, content, step-by-step transactions, commands,
// STARTTLS, AUTH, QUIT), server replies (canned or raw bytes) split at
// chosen offsets, partial writes, end of file and transport errors. The
// session is driven the way client/driver.cpp drives it: everything pending
// is written before a read, and the transport reads (or reports end of file)
// only while the session wants to read.
//
// What is checked, after every step:
//   - each operation ends with exactly one completion event of its own kind
//     (a refused call with one OperationFailed at once and nothing written);
//     every TransactionDone names a transaction in flight, once; no
//     completion event arrives with no operation to complete, but for the
//     one OperationFailed by which an idle session says it failed on input
//     nobody awaited (session_test.cpp: UnsolicitedReplyIsAProtocolError);
//     once the connection is gone, nothing is left without its completion;
//   - the bytes written, read as a server reads them: CRLF-terminated lines
//     of known commands within their length limits, no bare CR or LF, no
//     command behind an unanswered one unless PIPELINING allows it (never
//     behind EHLO, DATA, AUTH, STARTTLS or QUIT), DATA content ended by one
//     CRLF.CRLF, BDAT chunks exactly as long as announced, the trace
//     (CommandSent) showing the lines as written, every reply matched to the
//     command it answers;
//   - extensions used only when offered (SIZE, BODY, SMTPUTF8, DSN,
//     REQUIRETLS, MT-PRIORITY, DELIVERBY, BDAT, AUTH mechanisms), no UTF-8
//     address without SMTPUTF8;
//   - nothing written after the session failed or closed; nothing written
//     between STARTTLS's 220 and tls_established(), after which the
//     capabilities are forgotten; before TLS, when the caller requires it
//     (and so only says EHLO, STARTTLS and QUIT), nothing else is written;
//   - secrets never in events: AUTH lines are shown redacted;
//   - a delivered transaction had its content arrive as given (normalised
//     text, or BINARYMIME octets), of no wider class than BODY= declared;
//     an unknown verdict only once the end of data was written.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <variant>
#include <vector>

#include "data_encoder_invariants.hpp"
#include "fuzz_input.hpp"
#include "smtpkit/envelope.hpp"
#include "smtpkit/error.hpp"
#include "smtpkit/protocol/capabilities.hpp"
#include "smtpkit/protocol/detail/content_scanner.hpp"
#include "smtpkit/protocol/sasl.hpp"
#include "smtpkit/protocol/session.hpp"

namespace smtpkit::fuzz::session {

using protocol::Session;
using protocol::Verb;

inline constexpr std::string_view user = "user@example.com";
inline constexpr std::string_view secret = "pencil-secret-42";

inline std::string upper(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        c = c >= 'a' && c <= 'z' ? char(c - 'a' + 'A') : c;
    }
    return out;
}

inline bool is_ascii(std::string_view s) {
    return std::all_of(s.begin(), s.end(),
                       [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

// The word a server reads a command line by, for matching replies.
inline std::string_view verb_word(Verb v) {
    switch (v) {
        case Verb::ehlo:
            return "EHLO";
        case Verb::helo:
            return "HELO";
        case Verb::mail:
            return "MAIL";
        case Verb::rcpt:
            return "RCPT";
        case Verb::data:
            return "DATA";
        case Verb::rset:
            return "RSET";
        case Verb::noop:
            return "NOOP";
        case Verb::vrfy:
            return "VRFY";
        case Verb::expn:
            return "EXPN";
        case Verb::help:
            return "HELP";
        case Verb::quit:
            return "QUIT";
        case Verb::starttls:
            return "STARTTLS";
        case Verb::auth:
            return "AUTH";
        case Verb::raw:
            return "RAW";
        case Verb::bdat:
            return "BDAT";
    }
    return "?";
}

// The end of the path in "MAIL FROM:<...>" / "RCPT TO:<...>" (a quoted local
// part may hold '>'), or npos.
inline std::size_t path_end(std::string_view line) {
    std::size_t i = line.find('<');
    if (i == std::string_view::npos) {
        return i;
    }
    bool quoted = false;
    for (++i; i < line.size(); ++i) {
        if (quoted && line[i] == '\\') {
            ++i;
        } else if (line[i] == '"') {
            quoted = !quoted;
        } else if (!quoted && line[i] == '>') {
            return i;
        }
    }
    return std::string_view::npos;
}

// The ESMTP parameter keywords after the path, upper-cased.
inline std::vector<std::string> param_keywords(std::string_view line) {
    std::vector<std::string> out;
    const std::size_t end = path_end(line);
    if (end == std::string_view::npos) {
        return out;
    }
    std::string_view rest = line.substr(end + 1);
    while (!rest.empty()) {
        const std::size_t start = rest.find_first_not_of(' ');
        if (start == std::string_view::npos) {
            break;
        }
        rest.remove_prefix(start);
        const std::string_view word = rest.substr(0, rest.find(' '));
        out.push_back(upper(word.substr(0, word.find('='))));
        rest.remove_prefix(word.size());
    }
    return out;
}

inline std::string param_value(std::string_view line, std::string_view keyword) {
    const std::size_t end = path_end(line);
    if (end == std::string_view::npos) {
        return {};
    }
    std::string_view rest = line.substr(end + 1);
    while (!rest.empty()) {
        rest.remove_prefix(std::min(rest.find_first_not_of(' '), rest.size()));
        const std::string_view word = rest.substr(0, rest.find(' '));
        const std::size_t eq = word.find('=');
        if (upper(word.substr(0, eq)) == keyword) {
            return eq == std::string_view::npos ? std::string() : std::string(word.substr(eq + 1));
        }
        rest.remove_prefix(word.size());
    }
    return {};
}

// The client's bytes as a server reads them: command lines, DATA content
// after a 354, BDAT chunks by their announced size. Replies (in the order
// the session matched them) are paired with what was written.
class ServerView {
  public:
    struct Unit {
        std::string verb;   // "GREETING", "EHLO", ..., "END" (end of data), "AUTH"
        bool last = false;  // BDAT ... LAST
    };
    struct Body {
        std::string content;  // DATA: un-stuffed; BDAT: the chunks' octets
        bool bdat = false;
        bool ended = false;      // end of data / LAST written
        bool discarded = false;  // RSET before the end
        std::size_t octets = 0;  // BDAT: the sizes announced; DATA: wire octets
    };

    std::string violation;
    std::vector<Body> bodies;  // one per MAIL written, in order
    std::deque<Unit> outstanding;
    // Set by the driver before each write: what the session may do now.
    bool pipelining = false;
    bool pipeline_after_data = false;
    std::size_t window = 1;
    bool plaintext_restricted = false;  // TLS required and not yet up
    std::size_t written = 0;

    ServerView() { outstanding.push_back({"GREETING"}); }

    void write(std::string_view bytes) {
        written += bytes.size();
        for (char c : bytes) {
            if (!violation.empty()) {
                return;
            }
            octet(c);
        }
    }

    // A reply the session matched to `verb` (nullopt: the greeting).
    void reply(std::optional<Verb> verb, const Reply& r) {
        if (!violation.empty()) {
            return;
        }
        if (outstanding.empty()) {
            violation = "a reply matched to a command that was never written";
            return;
        }
        const Unit unit = outstanding.front();
        outstanding.pop_front();
        const std::string_view expected = !verb ? std::string_view("GREETING")
                                          : unit.verb == "END" && *verb == Verb::data
                                              ? std::string_view("END")
                                              : verb_word(*verb);
        if (unit.verb != expected) {
            violation =
                "a reply to " + unit.verb + " taken as the reply to " + std::string(expected);
            return;
        }
        if (unit.verb == "DATA") {
            if (mode_ != Mode::await_data_reply) {
                violation = "DATA answered while not awaiting its reply";
                return;
            }
            mode_ = r.code == 354 ? Mode::data : Mode::command;
            if (mode_ == Mode::data && !outstanding.empty()) {
                violation = "content follows DATA while other replies are awaited";
            }
        }
        if (unit.verb == "AUTH" && r.code != 334) {
            in_auth_ = false;
        }
    }

    bool quiet() const { return line_.empty() && mode_ == Mode::command; }

    // The command lines the session's CommandSent events announced, in
    // order: each line written must be the next of them.
    std::deque<std::string> traced;

  private:
    enum class Mode { command, await_data_reply, data, bdat };

    void octet(char c) {
        switch (mode_) {
            case Mode::await_data_reply:
                violation = "written after DATA before its reply";
                return;
            case Mode::bdat:
                current().content += c;
                if (--bdat_left_ == 0) {
                    end_chunk();
                }
                return;
            case Mode::command:
            case Mode::data:
                break;
        }
        line_ += c;
        if (c == '\r') {
            return;
        }
        if (c != '\n') {
            if (line_.size() >= 2 && line_[line_.size() - 2] == '\r') {
                violation = "a bare CR on the wire";
            } else if (line_.size() > 16384) {
                violation = "a line without end";
            }
            return;
        }
        if (line_.size() < 2 || line_[line_.size() - 2] != '\r') {
            violation = "a bare LF on the wire";
            return;
        }
        const std::string line = line_.substr(0, line_.size() - 2);
        line_.clear();
        if (line.find('\r') != std::string::npos) {
            violation = "a bare CR on the wire";
            return;
        }
        if (mode_ == Mode::data) {
            data_line(line);
        } else {
            command_line(line);
        }
    }

    Body& current() {
        if (bodies.empty()) {
            bodies.emplace_back();  // content before any MAIL: caught below
        }
        return bodies.back();
    }

    void data_line(const std::string& line) {
        Body& b = current();
        b.octets += line.size() + 2;
        if (line == ".") {
            b.ended = true;
            mode_ = Mode::command;
            push({"END"});
            return;
        }
        const std::string_view text =
            !line.empty() && line.front() == '.' ? std::string_view(line).substr(1) : line;
        if (text.size() > protocol::max_text_line) {
            violation = "a DATA line over 998 octets";
        }
        b.content.append(text);
        b.content += "\r\n";
    }

    void end_chunk() {
        mode_ = Mode::command;
        if (chunk_last_) {
            current().ended = true;
        }
    }

    void push(Unit unit) {
        if (!outstanding.empty()) {
            static constexpr std::array<std::string_view, 4> groupable = {"MAIL", "RCPT", "RSET",
                                                                          "BDAT"};
            const auto in_group = [&](const Unit& u) {
                return std::find(groupable.begin(), groupable.end(), u.verb) != groupable.end() ||
                       (u.verb == "END" && pipeline_after_data);
            };
            if (!pipelining) {
                violation = unit.verb + " written while " + outstanding.front().verb +
                            " awaits its reply, without PIPELINING";
                return;
            }
            if (!std::all_of(outstanding.begin(), outstanding.end(), in_group)) {
                violation = unit.verb + " written behind " + outstanding.back().verb +
                            ", which must end its group";
                return;
            }
            if (!in_group(unit) && unit.verb != "DATA") {
                violation = unit.verb + " pipelined";
                return;
            }
            const auto lasts = std::count_if(outstanding.begin(), outstanding.end(),
                                             [](const Unit& u) { return u.last; });
            if (unit.last && static_cast<std::size_t>(lasts) >= std::max<std::size_t>(window, 1)) {
                violation = "more BDAT transactions in flight than the window";
                return;
            }
        }
        outstanding.push_back(std::move(unit));
    }

    void command_line(const std::string& line) {
        for (char c : line) {
            const auto u = static_cast<unsigned char>(c);
            if (u < 0x20 || u == 0x7f) {
                violation = "a control character in a command line";
                return;
            }
        }
        if (!traced_as_written(line)) {
            return;
        }
        if (in_auth_) {
            if (line.size() + 2 > 12288) {
                violation = "an AUTH response line over 12288 octets";
            } else if (line != "*" && !protocol::sasl::base64_decode(line)) {
                violation = "an AUTH response that is not base64";
            }
            push({"AUTH"});
            return;
        }
        const std::string verb = upper(std::string_view(line).substr(0, line.find(' ')));
        if (plaintext_restricted && verb != "EHLO" && verb != "HELO" && verb != "STARTTLS" &&
            verb != "QUIT") {
            violation = verb + " written in plaintext although TLS is required";
            return;
        }
        std::size_t limit = 512;
        if (verb == "MAIL" || verb == "RCPT") {
            limit = 2048;
            if (line.rfind(verb == "MAIL" ? "MAIL FROM:<" : "RCPT TO:<", 0) != 0 ||
                path_end(line) == std::string::npos) {
                violation = "a malformed " + verb + " line";
                return;
            }
        } else if (verb == "AUTH") {
            in_auth_ = true;
        } else if (verb == "BDAT") {
            const std::string_view rest = std::string_view(line).substr(5);
            const std::string_view size = rest.substr(0, rest.find(' '));
            const std::string_view tail = rest.substr(size.size());
            if (size.empty() || size.size() > 9 ||
                !std::all_of(size.begin(), size.end(),
                             [](char c) { return c >= '0' && c <= '9'; }) ||
                (!tail.empty() && tail != " LAST")) {
                violation = "a malformed BDAT line: " + line;
                return;
            }
            bdat_left_ = std::stoul(std::string(size));
            chunk_last_ = !tail.empty();
        } else if (verb != "EHLO" && verb != "HELO" && verb != "DATA" && verb != "RSET" &&
                   verb != "NOOP" && verb != "VRFY" && verb != "EXPN" && verb != "HELP" &&
                   verb != "QUIT" && verb != "STARTTLS") {
            violation = "an unknown command on the wire: " + verb;
            return;
        }
        if (line.size() + 2 > limit) {
            violation = verb + " line longer than " + std::to_string(limit) + " octets";
            return;
        }
        if (verb == "MAIL") {
            bodies.emplace_back();
        } else if (verb == "RSET" && !bodies.empty() && !bodies.back().ended) {
            bodies.back().discarded = true;
        }
        push({verb, verb == "BDAT" && chunk_last_});
        if (!violation.empty()) {
            return;
        }
        if (verb == "DATA") {
            if (bodies.empty() || bodies.back().ended || bodies.back().bdat) {
                violation = "DATA without a transaction";
                return;
            }
            mode_ = Mode::await_data_reply;
        } else if (verb == "BDAT") {
            if (bodies.empty() || bodies.back().ended) {
                violation = "BDAT without a transaction";
                return;
            }
            Body& b = current();
            b.bdat = true;
            b.octets += bdat_left_;
            if (bdat_left_ == 0) {
                end_chunk();
            } else {
                mode_ = Mode::bdat;
            }
        }
    }

    // AUTH lines are traced redacted: "AUTH PLAIN <redacted>", "<redacted>".
    bool traced_as_written(const std::string& line) {
        if (traced.empty()) {
            violation = "a command written without its CommandSent event: " + line;
            return false;
        }
        const std::string t = traced.front();
        traced.pop_front();
        const auto two_words = [](std::string_view x) {
            const std::size_t first = x.find(' ');
            return x.substr(0, first == std::string_view::npos ? x.size() : x.find(' ', first + 1));
        };
        const bool same = in_auth_ ? (t == "<redacted>" && line != "*") || (t == "*" && line == "*")
                          : t.rfind("AUTH ", 0) == 0 ? two_words(t) == two_words(line)
                                                     : t == line;
        if (!same) {
            violation = "the trace says \"" + t + "\", the wire \"" + line + "\"";
        }
        return same;
    }

    Mode mode_ = Mode::command;
    std::string line_;
    bool in_auth_ = false;
    std::size_t bdat_left_ = 0;
    bool chunk_last_ = false;
};

// --- the caller's side ---------------------------------------------------------

enum class SimpleOp { none, connect, hello, command, quit, starttls, auth };

struct TxModel {
    bool stepwise = false;
    bool step_pending = false;
    Verb step_verb = Verb::mail;
    bool ready = false;                     // had ReadyForData
    bool last_sent = false;                 // the session took the last chunk
    std::string content;                    // what the session took
    std::optional<std::size_t> mail_index;  // its MAIL among those written
};

// Canned server replies: enough of what real servers say for the fuzzer to
// get deep into the dialogue quickly; raw bytes cover the rest.
inline constexpr std::array<std::string_view, 27> canned = {
    "220 mx.example.org ESMTP\r\n",
    "220-mx.example.org\r\n220 ready\r\n",
    "250 2.0.0 ok\r\n",
    "250 ok\r\n",
    "354 go ahead\r\n",
    "334 \r\n",
    "334 VXNlcm5hbWU6\r\n",
    "334 UGFzc3dvcmQ6\r\n",
    "334 PDEyMzQ1LjY3ODlAbXguZXhhbXBsZS5vcmc+\r\n",
    "334 eyJzdGF0dXMiOiI0MDEiLCJzY29wZSI6Im1haWwifQ==\r\n",
    "235 2.7.0 accepted\r\n",
    "221 2.0.0 bye\r\n",
    "421 4.4.2 closing\r\n",
    "450 4.2.1 busy\r\n",
    "451 4.3.0 error\r\n",
    "452 4.5.3 too many\r\n",
    "454 4.7.0 TLS not available\r\n",
    "500 5.5.1 unknown\r\n",
    "501 5.5.4 syntax\r\n",
    "502 5.5.1 not implemented\r\n",
    "503 5.5.1 bad sequence\r\n",
    "504 5.5.4 not supported\r\n",
    "535 5.7.8 bad credentials\r\n",
    "550 5.1.1 no such user\r\n",
    "552 5.3.4 too big\r\n",
    "554 5.6.0 rejected\r\n",
    "250-mx.example.org\r\n250 2.0.0 ok\r\n",
};

inline constexpr std::array<std::string_view, 16> extensions = {
    "PIPELINING",
    "CHUNKING",
    "8BITMIME",
    "BINARYMIME",
    "SMTPUTF8",
    "DSN",
    "STARTTLS",
    "SIZE 1000",
    "SIZE",
    "ENHANCEDSTATUSCODES",
    "REQUIRETLS",
    "MT-PRIORITY",
    "DELIVERBY",
    "AUTH PLAIN LOGIN CRAM-MD5 XOAUTH2",
    "AUTH=OAUTHBEARER SCRAM-SHA-256 EXTERNAL",
    "X-ODD param",
};

inline constexpr std::array<std::string_view, 10> addresses = {
    "sender@example.com",
    "a@example.org",
    "\"x y\"@example.net",
    "b@[192.0.2.1]",
    "\xC3\xBC@example.org",
    "user@b\xC3\xBC"
    "cher.example",
    "Postmaster",
    "bad address",
    "",
    "<c@example.org>",
};

class Driver {
  public:
    Driver(FuzzInput& in, std::string* trace) : in_(in), session_(make_config()), trace_(trace) {}

    std::string run() {
        while (!in_.empty() && ok()) {
            step();
            check_state();
        }
        if (ok()) {
            finish();
        }
        return violation_.empty() ? view_.violation : violation_;
    }

  private:
    bool ok() const { return violation_.empty() && view_.violation.empty(); }
    void fail(std::string why) {
        if (violation_.empty()) {
            violation_ = std::move(why);
        }
    }

    protocol::SessionConfig make_config() {
        protocol::SessionConfig c;
        const std::uint8_t a = in_.byte();
        c.extended = (a & 1) == 0;
        c.use_pipelining = (a & 2) == 0;
        c.use_chunking = (a & 4) == 0;
        c.pipeline_after_data = (a & 8) != 0;
        c.tls_active = (a & 16) != 0;
        c.ehlo_after_auth = (a & 32) == 0;
        require_tls_ = (a & 64) != 0;
        if ((a & 128) != 0) {
            c.limits = {64, 4};
        }
        c.window = in_.byte() % 4;
        switch (in_.pick(8)) {
            case 0:
                c.helo_name = "[192.0.2.1]";
                break;
            case 1:
                c.helo_name = std::string(in_.sized(16));
                break;
            default:
                c.helo_name = "client.example.com";
                break;
        }
        pipeline_after_data_ = c.pipeline_after_data;
        config_ = c;
        return c;
    }

    // --- one step ------------------------------------------------------------

    void note(const std::string& what) {
        if (trace_ != nullptr) {
            *trace_ += what + "\n";
        }
    }

    void step() {
        const bool restricted = require_tls_ && !session_.tls_active() && session_.usable();
        const std::uint8_t op = in_.byte() % 20;
        note("op " + std::to_string(op) + " in state " + protocol::to_string(session_.state()));
        if (restricted && (op >= 8 && op <= 17 && op != 12 && op != 14)) {
            return;  // a caller requiring TLS says only EHLO, STARTTLS and QUIT before it
        }
        switch (op) {
            case 0:
            case 1:
            case 2:
                feed(canned_bytes());
                break;
            case 3:
                feed(std::string(in_.sized()));
                break;
            case 4:
                write(in_.byte());
                break;
            case 5:
            case 6:
                simple(SimpleOp::hello, [&] { session_.hello(); });
                break;
            case 7:
                tls_established();
                break;
            case 8:
            case 9:
                begin_transaction();
                break;
            case 10:
            case 11:
                send_chunk();
                break;
            case 12:
                simple(SimpleOp::starttls, [&] { session_.starttls(); });
                break;
            case 13:
                command();
                break;
            case 14:
                simple(SimpleOp::quit, [&] { session_.quit(); });
                break;
            case 15:
                authenticate();
                break;
            case 16:
                stepwise();
                break;
            case 17:
                call([&] { session_.abandon_content(make_error_code(error::source_read_failed)); });
                break;
            case 18:
                if (session_.wants_read()) {
                    flush();
                    session_.feed_eof();
                    drain(Call::transport);
                }
                break;
            case 19:
                if (session_.wants_read() || session_.wants_write()) {
                    if (in_.flag()) {
                        write(in_.byte());  // part of the output went before the error
                    }
                    session_.feed_error(make_error_code(std::errc::connection_reset));
                    drain(Call::transport);
                }
                break;
        }
    }

    std::string canned_bytes() {
        std::string out;
        const std::size_t n = 1 + in_.pick(5);
        for (std::size_t i = 0; i < n; ++i) {
            const std::size_t k = in_.pick(canned.size() + 3);
            if (k < canned.size()) {
                out += canned[k];
            } else if (k == canned.size()) {
                out += ehlo_reply();
            } else {
                // A challenge of the fuzzer's choosing, as base64 or raw.
                const std::string_view text = in_.sized(96);
                out += "334 ";
                out += k == canned.size() + 1 ? protocol::sasl::base64_encode(text)
                                              : std::string(text);
                out += "\r\n";
            }
        }
        return out;
    }

    std::string ehlo_reply() {
        const unsigned mask = in_.byte() | (unsigned{in_.byte()} << 8);
        std::vector<std::string_view> lines = {"mx.example.org hello"};
        for (std::size_t i = 0; i < extensions.size(); ++i) {
            if ((mask >> i) & 1) {
                lines.push_back(extensions[i]);
            }
        }
        std::string out;
        for (std::size_t i = 0; i < lines.size(); ++i) {
            out += i + 1 == lines.size() ? "250 " : "250-";
            out += lines[i];
            out += "\r\n";
        }
        return out;
    }

    // The transport: everything pending is written before reading, as the
    // driver does; the bytes arrive in pieces split where the input says.
    void feed(std::string bytes) {
        if (!session_.wants_read()) {
            return;  // the transport reads only while a reply is awaited
        }
        flush();
        std::size_t pos = 0;
        const std::size_t pieces = 1 + in_.pick(4);
        for (std::size_t i = 0; i < pieces && pos < bytes.size() && ok(); ++i) {
            std::size_t n = i + 1 == pieces ? bytes.size() - pos : 1 + in_.pick(bytes.size() - pos);
            n = std::min(n, bytes.size() - pos);
            if (!session_.wants_read()) {
                return;  // a handshake or a close: the rest is not read as SMTP
            }
            const std::string_view piece = std::string_view(bytes).substr(pos, n);
            const bool was_starttls = session_.state() == Session::State::starttls;
            note("feed: " + std::string(piece));
            const std::size_t used = session_.feed(piece);
            if (used != piece.size() && session_.state() != Session::State::failed) {
                fail("feed() left bytes unread without failing");
            }
            if (was_starttls && session_.state() == Session::State::handshake &&
                used != piece.size()) {
                fail("a handshake with plaintext read after the 220");
            }
            drain(Call::transport);
            pos += n;
        }
    }

    void write(std::size_t n) {
        const std::string_view out = session_.pending_output();
        n = std::min(n, out.size());
        if (n == 0) {
            return;
        }
        if (session_.state() == Session::State::handshake) {
            fail("bytes to write during the TLS handshake");
        }
        view_.pipelining = session_.capabilities().pipelining() && config_.use_pipelining;
        view_.pipeline_after_data = pipeline_after_data_;
        view_.window = config_.window;
        view_.plaintext_restricted = require_tls_ && !session_.tls_active();
        note("write: " + std::string(out.substr(0, n)));
        view_.write(out.substr(0, n));
        session_.consume_output(n);
    }

    void flush() {
        while (session_.wants_write() && ok()) {
            write(session_.pending_output().size());
        }
    }

    // --- calls ---------------------------------------------------------------------

    enum class Call { op, transport };

    // A call that is no operation of its own (content, abandon, a step of a
    // step-by-step transaction): it may be refused with one OperationFailed.
    template <class F>
    void call(F f) {
        const std::size_t before = session_.pending_output().size();
        const bool usable = session_.usable();
        f();
        const int failed = drain(Call::op);
        const std::size_t after = session_.pending_output().size();
        if (failed > 1) {
            fail("one call, two OperationFailed");
        }
        if ((failed == 1 || !usable) && after > before) {
            fail("a refused call, or one after the session ended, wrote a command");
        }
    }

    // EHLO, STARTTLS, QUIT, a command, AUTH: one at a time; a second while
    // one is in progress is refused at once.
    template <class F>
    void simple(SimpleOp op, F f) {
        const SimpleOp before = simple_;
        const std::size_t out_before = session_.pending_output().size();
        const bool usable = session_.usable();
        if (before == SimpleOp::none) {
            simple_ = op;
        }
        f();
        const int failed = drain(Call::op);
        const std::size_t out_after = session_.pending_output().size();
        if (before != SimpleOp::none && failed != 1) {
            fail("an operation begun while another was in progress was not refused once");
        }
        if ((failed > 0 || !usable) && out_after > out_before) {
            fail("a refused operation, or one after the session ended, wrote a command");
        }
        if (before == SimpleOp::none && failed == 0 && out_after == out_before &&
            simple_ != SimpleOp::none) {
            fail("an operation neither refused nor written");
        }
        if (failed > 1) {
            fail("one operation, two OperationFailed");
        }
        if (before == SimpleOp::none && failed == 1) {
            simple_ = SimpleOp::none;  // refused at once: that was its completion
        }
    }

    void tls_established() {
        const bool handshake = session_.state() == Session::State::handshake;
        if (handshake && (session_.wants_write() || !view_.quiet() || !view_.outstanding.empty())) {
            fail("a TLS handshake with commands in flight");
        }
        session_.tls_established();
        const int failed = drain(Call::op);
        if (handshake) {
            if (failed != 0 || session_.state() != Session::State::connected ||
                !session_.capabilities().empty() || session_.extended() ||
                session_.authenticated() || !session_.tls_active()) {
                fail("after the handshake the plaintext state was not forgotten");
            }
        } else if (failed != 1) {
            fail("tls_established() out of place was not refused once");
        }
    }

    Envelope make_envelope(bool recipients) {
        Envelope e;
        e.from = in_.pick(16) == 0 ? std::string(in_.sized(40))
                                   : std::string(addresses[in_.pick(addresses.size())]);
        const std::size_t n = recipients ? in_.pick(5) : 0;
        for (std::size_t i = 0; i < n; ++i) {
            e.to.push_back(make_recipient());
        }
        const std::uint8_t f = in_.byte();
        e.dsn.ret = static_cast<DsnReturn>(f % 3);
        if ((f & 4) != 0) {
            e.dsn.envelope_id = "id+=1";
        }
        e.dsn.required = (f & 8) != 0;
        e.body = static_cast<BodyType>((f >> 4) % 4);
        e.require_tls = (f & 64) != 0;
        if ((f & 128) != 0) {
            e.mt_priority = static_cast<int>(in_.byte() % 21) - 10;
            e.deliver_by = DeliverBy{std::chrono::seconds(in_.byte()), in_.flag(), in_.flag()};
        }
        return e;
    }

    Recipient make_recipient() {
        Recipient r(in_.pick(16) == 0 ? std::string(in_.sized(40))
                                      : std::string(addresses[in_.pick(addresses.size())]));
        const std::uint8_t f = in_.byte();
        r.notify = static_cast<DsnNotify>(f & 0x0f);
        if ((f & 0x10) != 0) {
            r.original_recipient = (f & 0x20) != 0 ? "orig@example.org" : "\xC3\xBC@example.org";
        }
        return r;
    }

    protocol::MessageInfo make_info() {
        protocol::MessageInfo info;
        const std::uint8_t f = in_.byte();
        if ((f & 1) != 0) {
            info.size = std::uint64_t{in_.byte()} * 13;
        }
        switch ((f >> 1) % 4) {
            case 0:
                info.content_class = ContentClass::seven_bit;
                break;
            case 1:
                info.content_class = ContentClass::eight_bit;
                break;
            case 2:
                info.content_class = ContentClass::binary;
                break;
            default:
                info.content_class = std::nullopt;
                break;
        }
        info.eight_bit_headers = (f & 8) != 0;
        return info;
    }

    void begin_transaction() {
        const Envelope e = make_envelope(true);
        const protocol::MessageInfo info = make_info();
        const bool could = session_.can_begin_transaction();
        const std::size_t before = session_.pending_output().size();
        const bool usable = session_.usable();
        const std::size_t id = session_.begin_transaction(e, info);
        begun(id, false);
        const int failed = drain(Call::op);
        if (failed != 0) {
            fail("begin_transaction() gave OperationFailed");
        }
        if (txs_.count(id) != 0) {
            if (!could || !usable) {
                fail("a transaction began where can_begin_transaction() said no");
            }
        } else {
            // Refused before anything was written.
            if (session_.pending_output().size() > before) {
                fail("a refused transaction wrote a command");
            }
            if (could && done_[id] == error::operation_in_progress) {
                fail("can_begin_transaction() said yes, begin_transaction() no");
            }
        }
    }

    // A transaction id the session returned: in flight until its
    // TransactionDone (which may already be queued).
    void begun(std::size_t id, bool stepwise) {
        if (known_ids_.count(id) != 0) {
            fail("a transaction id handed out twice");
        }
        known_ids_.insert({id, true});
        TxModel m;
        m.stepwise = stepwise;
        m.step_pending = stepwise;
        m.step_verb = Verb::mail;
        txs_[id] = m;
        current_call_tx_ = id;
    }

    void send_chunk() {
        const std::string content(in_.sized());
        const bool last = in_.flag();
        const bool wanted = session_.content_wanted();
        TxModel* tx = nullptr;
        if (wanted) {
            auto it = txs_.find(content_tx_);
            if (it == txs_.end() || !it->second.ready || it->second.last_sent) {
                fail("content wanted without a ReadyForData");
                return;
            }
            tx = &it->second;
        }
        call([&] { session_.send_chunk(content, last); });
        if (tx != nullptr && (content.size() > 0 || last) && txs_.count(content_tx_) != 0) {
            tx->content += content;
            tx->last_sent = tx->last_sent || last;
        }
    }

    void command() {
        protocol::Command cmd = protocol::Command::noop();
        switch (in_.pick(8)) {
            case 0:
                cmd = protocol::Command::rset();
                break;
            case 1:
                cmd = protocol::Command::vrfy("postmaster");
                break;
            case 2:
                cmd = protocol::Command::expn("list");
                break;
            case 3:
                cmd = protocol::Command::help();
                break;
            case 4:
                cmd = protocol::Command::vrfy(std::string(in_.sized(600)));
                break;
            case 5:
                cmd = protocol::Command::noop("ping");
                break;
            default:
                break;
        }
        simple(SimpleOp::command, [&] { session_.command(std::move(cmd)); });
    }

    void authenticate() {
        static constexpr std::array<protocol::sasl::Mechanism, 7> mechanisms = {
            protocol::sasl::Mechanism::plain,       protocol::sasl::Mechanism::login,
            protocol::sasl::Mechanism::cram_md5,    protocol::sasl::Mechanism::xoauth2,
            protocol::sasl::Mechanism::oauthbearer, protocol::sasl::Mechanism::scram_sha_256,
            protocol::sasl::Mechanism::external};
        protocol::sasl::Credentials c;
        c.user = std::string(user);
        c.secret = std::string(secret);
        if (in_.flag()) {
            c.secret += std::string(in_.byte() * 3, 'x');  // a long initial response
        }
        c.host = "mx.example.org";
        c.port = 587;
        std::error_code ec;
        auto auth = protocol::sasl::make_authenticator(
            mechanisms[in_.pick(mechanisms.size())], c, ec,
            [](unsigned char* out, std::size_t n) { std::fill(out, out + n, 'n'); });
        if (ec || !auth) {
            return;
        }
        simple(SimpleOp::auth, [&] { session_.authenticate(std::move(auth)); });
    }

    void stepwise() {
        switch (in_.pick(4)) {
            case 0: {
                const Envelope e = make_envelope(false);
                const protocol::MessageInfo info = make_info();
                const std::size_t id = session_.open_transaction(e, info);
                begun(id, true);
                if (drain(Call::op) != 0) {
                    fail("open_transaction() gave OperationFailed");
                }
                break;
            }
            case 1: {
                const Recipient r = make_recipient();
                TxModel* tx = step_tx();
                const std::size_t before = session_.pending_output().size();
                call([&] { session_.add_recipient(r); });
                if (tx != nullptr && session_.pending_output().size() > before && step_tx() == tx) {
                    tx->step_pending = true;
                    tx->step_verb = Verb::rcpt;
                }
                break;
            }
            case 2:
                call([&] { session_.start_data(); });
                break;
            default:
                call([&] { session_.abort_transaction(); });
                break;
        }
    }

    TxModel* step_tx() {
        for (auto& [id, tx] : txs_) {
            if (tx.stepwise) {
                return &tx;
            }
        }
        return nullptr;
    }

    // --- events ----------------------------------------------------------------------

    // Takes every queued event and checks it against the model; returns the
    // OperationFailed events an op call owes itself.
    int drain(Call kind) {
        int failed = 0;
        while (auto e = session_.next_event()) {
            if (!ok()) {
                continue;
            }
            if (trace_ != nullptr) {
                note("event " + std::to_string(e->index()));
            }
            std::visit([&](auto& ev) { on(ev, kind, failed); }, *e);
        }
        current_call_tx_.reset();
        if (session_.completion_pending()) {
            fail("completion_pending() with no event queued");
        }
        return failed;
    }

    void complete_simple(std::initializer_list<SimpleOp> allowed, const char* what) {
        if (std::find(allowed.begin(), allowed.end(), simple_) == allowed.end()) {
            fail(std::string(what) + " with no operation of its kind in progress");
        }
        simple_ = SimpleOp::none;
    }

    void on(const protocol::CommandSent& ev, Call, int&) {
        view_.traced.push_back(ev.line);
        if (ev.verb == Verb::auth) {
            const bool redacted =
                ev.line == "*" || ev.line == "<redacted>" ||
                (ev.line.rfind("AUTH ", 0) == 0 &&
                 (ev.line.find(' ', 5) == std::string::npos || ev.line.ends_with(" <redacted>")));
            if (!redacted || ev.line.find(secret) != std::string::npos) {
                fail("an AUTH line shown unredacted: " + ev.line);
            }
            if (ev.line.rfind("AUTH ", 0) == 0) {
                const std::string mechanism = ev.line.substr(5, ev.line.find(' ', 5) - 5);
                if (!session_.capabilities().supports_auth(mechanism)) {
                    fail("AUTH " + mechanism + " not offered");
                }
            }
            return;
        }
        const protocol::Capabilities& caps = session_.capabilities();
        if (ev.line.find('\r') != std::string::npos || ev.line.find('\n') != std::string::npos) {
            fail("a CR or LF in a traced command");
        }
        if (ev.verb == Verb::bdat && !(caps.chunking() && config_.use_chunking)) {
            fail("BDAT without CHUNKING");
        }
        if (ev.verb == Verb::mail || ev.verb == Verb::rcpt) {
            if (!is_ascii(ev.line) && !caps.smtputf8()) {
                fail("a UTF-8 address without SMTPUTF8");
            }
            for (const std::string& k : param_keywords(ev.line)) {
                const bool offered =
                    k == "SIZE"                                                   ? caps.has("SIZE")
                    : k == "BODY"                                                 ? true
                    : k == "SMTPUTF8"                                             ? caps.smtputf8()
                    : k == "RET" || k == "ENVID" || k == "NOTIFY" || k == "ORCPT" ? caps.dsn()
                    : k == "REQUIRETLS"  ? caps.requiretls() && session_.tls_active()
                    : k == "MT-PRIORITY" ? caps.mt_priority()
                    : k == "BY"          ? caps.deliverby()
                                         : false;
                if (!offered) {
                    fail("the parameter " + k + " was not offered");
                }
            }
            const std::string body = upper(param_value(ev.line, "BODY"));
            if ((body == "8BITMIME" && !caps.eightbitmime()) ||
                (body == "BINARYMIME" && !(caps.binarymime() && caps.chunking())) ||
                (!body.empty() && body != "8BITMIME" && body != "BINARYMIME" && body != "7BIT")) {
                fail("BODY=" + body + " not offered");
            }
            const std::string size = param_value(ev.line, "SIZE");
            if (!size.empty() && caps.size_limit() && std::stoull(size) > *caps.size_limit()) {
                fail("SIZE above the server's limit");
            }
            if (ev.verb == Verb::mail) {
                const std::vector<std::string> keywords = param_keywords(ev.line);
                if (!is_ascii(ev.line) &&
                    std::find(keywords.begin(), keywords.end(), "SMTPUTF8") == keywords.end()) {
                    fail("a UTF-8 reverse-path without SMTPUTF8");
                }
                if (!current_call_tx_) {
                    fail("MAIL written outside begin/open_transaction()");
                } else {
                    auto it = txs_.find(*current_call_tx_);
                    if (it != txs_.end()) {
                        it->second.mail_index = mails_++;
                    }
                }
            }
        }
    }

    void on(const protocol::ReplyReceived& ev, Call kind, int&) {
        if (kind != Call::transport) {
            fail("a reply outside feed()");
        }
        // A reply read in the same piece as the one before it may answer a
        // command the session queued on that one (HELO after EHLO's 500, the
        // next RCPT without PIPELINING, RSET, an AUTH response): the server
        // is taken to have read it first.
        while (view_.outstanding.empty() && session_.wants_write() && ok()) {
            write(1);
        }
        if (view_.outstanding.empty() && session_.state() == Session::State::failed) {
            // ... unless the session failed later in that piece, dropping
            // what it had queued: then the command is nowhere to be seen.
            return;
        }
        view_.reply(ev.verb, ev.reply);
        if (ev.reply.code < 200 || ev.reply.code > 599 || ev.reply.lines.empty()) {
            fail("an impossible reply");
        }
    }

    void on(const protocol::Greeted&, Call, int&) {
        complete_simple({SimpleOp::connect}, "Greeted");
    }

    void on(const protocol::HelloDone& ev, Call, int&) {
        complete_simple({SimpleOp::hello}, "HelloDone");
        if (ev.extended != session_.extended()) {
            fail("HelloDone disagrees with extended()");
        }
        const auto caps =
            ev.extended ? protocol::Capabilities::from_ehlo(ev.reply) : protocol::Capabilities{};
        const auto& now = session_.capabilities().all();
        if (session_.state() != Session::State::failed &&
            (caps.all().size() != now.size() ||
             !std::equal(now.begin(), now.end(), caps.all().begin(),
                         [](const protocol::Extension& a, const protocol::Extension& b) {
                             return a.keyword == b.keyword && a.params == b.params;
                         }))) {
            fail("the capabilities are not those of the EHLO reply");
        }
    }

    void on(const protocol::ReadyForData& ev, Call, int&) {
        auto it = txs_.find(ev.transaction);
        if (it == txs_.end() || it->second.last_sent) {
            fail("ReadyForData for no open transaction");
            return;
        }
        it->second.ready = true;
        content_tx_ = ev.transaction;
    }

    void on(const protocol::TlsHandshakeNeeded&, Call, int&) {
        complete_simple({SimpleOp::starttls}, "TlsHandshakeNeeded");
        if (session_.wants_write()) {
            fail("a command queued behind STARTTLS");
        }
    }

    void on(const protocol::AuthDone&, Call, int&) {
        complete_simple({SimpleOp::auth}, "AuthDone");
        if (!session_.authenticated()) {
            fail("AuthDone but not authenticated()");
        }
    }

    void on(const protocol::CommandDone&, Call, int&) {
        complete_simple({SimpleOp::command, SimpleOp::quit}, "CommandDone");
    }

    void on(const protocol::OperationFailed& ev, Call kind, int& failed) {
        if (!ev.ec) {
            fail("OperationFailed without an error");
        }
        if (kind == Call::op) {
            ++failed;  // the call's own refusal
            return;
        }
        if (simple_ == SimpleOp::none && txs_.empty()) {
            // Input nobody awaited (a reply, garbage or the end of file after
            // the last awaited reply) fails an idle session, and the session
            // says so with an event no operation owns (session_test.cpp:
            // UnsolicitedReplyIsAProtocolError). Only that, only once, and
            // only as the session fails.
            if (unowned_failure_ || session_.state() != Session::State::failed ||
                ev.ec != session_.failure()) {
                fail("OperationFailed with no operation in progress");
            }
            unowned_failure_ = true;
            return;
        }
        complete_simple({SimpleOp::connect, SimpleOp::hello, SimpleOp::command, SimpleOp::quit,
                         SimpleOp::starttls, SimpleOp::auth},
                        "OperationFailed");
    }

    void on(const protocol::StepDone& ev, Call, int&) {
        auto it = txs_.find(ev.transaction);
        if (it == txs_.end() || !it->second.stepwise || !it->second.step_pending ||
            it->second.step_verb != ev.verb) {
            fail("StepDone for no step in progress");
            return;
        }
        it->second.step_pending = false;
    }

    void on(const protocol::TransactionDone& ev, Call, int&) {
        auto it = txs_.find(ev.transaction);
        if (it == txs_.end()) {
            fail("TransactionDone for no transaction in flight");
            return;
        }
        const TxModel tx = it->second;
        txs_.erase(it);
        done_[ev.transaction] = ev.ec;
        const SendResult& r = ev.result;
        if (r.error != ev.ec || (r.verdict == Verdict::delivered) != !ev.ec) {
            fail("a verdict that disagrees with the error");
        }
        const ServerView::Body* body = nullptr;
        if (tx.mail_index && *tx.mail_index < view_.bodies.size()) {
            body = &view_.bodies[*tx.mail_index];
        }
        if (r.verdict == Verdict::unknown && (!tx.last_sent || body == nullptr || !body->ended)) {
            fail("verdict unknown before the end of data was written");
        }
        if (r.verdict != Verdict::delivered) {
            return;
        }
        if (!tx.last_sent || body == nullptr || !body->ended || body->discarded) {
            fail("delivered without its end of data on the wire");
            return;
        }
        if (!r.final_reply.positive_completion() || !r.mail_reply.positive_completion() ||
            r.accepted_count() == 0) {
            fail("delivered without 2xx to MAIL, a RCPT and the end of data");
        }
        const bool binary = r.body == "BINARYMIME";
        const std::string expected = binary ? tx.content : test::normalise_line_endings(tx.content);
        if (body->content != expected) {
            fail("the content on the wire is not the content given");
        }
        if (r.chunked != body->bdat) {
            fail("chunked says otherwise than the wire");
        }
        const ContentClass declared = binary                 ? ContentClass::binary
                                      : r.body == "8BITMIME" ? ContentClass::eight_bit
                                                             : ContentClass::seven_bit;
        if (protocol::classify(tx.content) > declared) {
            fail("content of a wider class than BODY= declared was delivered");
        }
        if (r.bytes_sent != body->octets && body->bdat) {
            fail("bytes_sent is not the sum of the chunk sizes");
        }
    }

    // --- after every step ------------------------------------------------------------

    void check_state() {
        if (!ok()) {
            return;
        }
        if (session_.transactions_in_flight() != txs_.size()) {
            fail("transactions_in_flight() " + std::to_string(session_.transactions_in_flight()) +
                 ", but " + std::to_string(txs_.size()) + " without TransactionDone");
        }
        if (session_.state() == Session::State::failed &&
            (!session_.failure() || session_.wants_write() || session_.wants_read())) {
            fail("a failed session with no reason, output or a wait");
        }
        if (!session_.usable() && (!txs_.empty() || simple_ != SimpleOp::none)) {
            fail("the session ended with operations left without completion");
        }
    }

    // The connection ends: the server closes it (if a reply is awaited), or
    // the transport gives up on an operation in progress. Either way every
    // operation then has its completion.
    void finish() {
        flush();
        if (session_.wants_read()) {
            session_.feed_eof();
            drain(Call::transport);
        }
        if (!txs_.empty() || simple_ != SimpleOp::none) {
            session_.feed_error(make_error_code(std::errc::connection_reset));
            drain(Call::transport);
        }
        if (ok() && (!txs_.empty() || simple_ != SimpleOp::none)) {
            fail("the connection ended with an operation left without completion");
        }
    }

    // Set by make_config(), which runs while session_ is constructed: these
    // come before it.
    FuzzInput& in_;
    protocol::SessionConfig config_;
    bool require_tls_ = false;
    bool pipeline_after_data_ = false;
    Session session_;
    ServerView view_;
    SimpleOp simple_ = SimpleOp::connect;
    std::map<std::size_t, TxModel> txs_;
    std::map<std::size_t, bool> known_ids_;
    std::size_t content_tx_ = 0;
    bool unowned_failure_ = false;
    std::optional<std::size_t> current_call_tx_;
    std::size_t mails_ = 0;
    std::map<std::size_t, std::error_code> done_;
    std::string violation_;
    std::string* trace_ = nullptr;
};

// `trace`, when given, gets a line for each step, read and write.
inline std::string check_session(const std::uint8_t* data, std::size_t size,
                                 std::string* trace = nullptr) {
    FuzzInput in(data, size);
    return Driver(in, trace).run();
}

}  // namespace smtpkit::fuzz::session
