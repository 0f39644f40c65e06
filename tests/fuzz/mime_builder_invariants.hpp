// Invariants of the MIME builder (smtpkit::Message, MimePart): the fuzz
// input chooses the render options, display names, addresses (as Mailbox
// values and as address-list text), the subject, another header field, the
// text and HTML bodies, an embedded part and an attachment with its media
// type, file name, Content-ID and description. Setters may refuse input,
// but only with smtpkit::system_error; what they take is rendered.
//
// What must hold for the rendered message:
//   - to_string() does not throw, unless a UTF-8 local part needs SMTPUTF8
//     and the options do not offer it (needs_smtputf8() says so before);
//     it is the same every time, and source() streams the same octets,
//     of the size it announces;
//   - no line over 998 octets, no bare CR or LF, no NUL; without SMTPUTF8
//     and 8BITMIME every octet is ASCII, without SMTPUTF8 the header section
//     is; the declared content class is no narrower than the content;
//   - the header section reads back (header_reader.hpp): From, To and Cc are
//     the builder's mailboxes (domains as A-labels without SMTPUTF8), the
//     Subject and the extra field decode (RFC 2047) to exactly what was
//     set, no Bcc field is written;
//   - the MIME structure reads back: each leaf in the documented layout
//     order (text, HTML, embedded, attachments) with its media type, its
//     content decoded from its transfer encoding (text as canonical CRLF
//     text, bytes octet for octet), its file name (RFC 2231, continuations
//     and all) and Content-ID, and no boundary inside any part;
//   - the envelope: the reverse-path is the first From, the recipients each
//     To, Cc and Bcc address once.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <system_error>
#include <tuple>
#include <vector>

#include "data_encoder_invariants.hpp"
#include "fuzz_input.hpp"
#include "quoted_printable_invariants.hpp"
#include "smtpkit/error.hpp"
#include "smtpkit/header_reader.hpp"
#include "smtpkit/message.hpp"
#include "smtpkit/protocol/detail/content_scanner.hpp"
#include "smtpkit/protocol/sasl.hpp"

namespace smtpkit::fuzz::mime {

inline std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        c = c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c;
    }
    return out;
}

inline bool has_control(std::string_view s) {
    return std::any_of(s.begin(), s.end(), [](char ch) {
        const auto c = static_cast<unsigned char>(ch);
        return c < 0x20 || c == 0x7F;
    });
}

// --- RFC 2047 -------------------------------------------------------------------

// One "=?UTF-8?Q|B?text?=" word (the builder writes only UTF-8), or nullopt.
inline std::optional<std::string> decode_word(std::string_view w) {
    if (w.size() < 8 || w.substr(0, 2) != "=?" || w.substr(w.size() - 2) != "?=") {
        return std::nullopt;
    }
    const std::string_view inner = w.substr(2, w.size() - 4);
    const std::size_t q1 = inner.find('?');
    if (q1 == std::string_view::npos || q1 + 2 >= inner.size() || inner[q1 + 2] != '?') {
        return std::nullopt;
    }
    if (lower(inner.substr(0, q1)) != "utf-8") {
        return std::nullopt;
    }
    const char enc = inner[q1 + 1];
    const std::string_view text = inner.substr(q1 + 3);
    if (enc == 'B' || enc == 'b') {
        return protocol::sasl::base64_decode(text);
    }
    if (enc != 'Q' && enc != 'q') {
        return std::nullopt;
    }
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '_') {
            out += ' ';
        } else if (text[i] == '=') {
            if (i + 2 >= text.size() || hex_value(text[i + 1]) < 0 || hex_value(text[i + 2]) < 0) {
                return std::nullopt;
            }
            out += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
            i += 2;
        } else {
            out += text[i];
        }
    }
    return out;
}

// An unstructured field value (unfolded) decoded: encoded-words replaced by
// their text, the white space between two adjacent ones dropped (RFC 2047
// 6.2), everything else as it is.
inline std::string decode_unstructured(std::string_view value) {
    std::string out;
    bool last_encoded = false;
    std::size_t pos = 0;
    while (pos < value.size()) {
        const std::size_t word_start = value.find_first_not_of(" \t", pos);
        const std::string_view white = value.substr(
            pos, (word_start == std::string_view::npos ? value.size() : word_start) - pos);
        if (word_start == std::string_view::npos) {
            out += white;
            break;
        }
        const std::size_t word_end = std::min(value.find_first_of(" \t", word_start), value.size());
        const std::string_view word = value.substr(word_start, word_end - word_start);
        const std::optional<std::string> decoded = decode_word(word);
        if (!(decoded && last_encoded)) {
            out += white;
        }
        out += decoded ? *decoded : std::string(word);
        last_encoded = decoded.has_value();
        pos = word_end;
    }
    return out;
}

// --- MIME parameters (RFC 2045 5.1, RFC 2231) --------------------------------------

struct ParsedField {
    std::string value;                          // "text/plain", lower-cased
    std::map<std::string, std::string> params;  // decoded, names lower-cased
    std::string problem;
};

inline int hex_any(char c) {
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    return hex_value(c);
}

inline ParsedField parse_parameters(std::string_view v) {
    ParsedField f;
    std::size_t pos = v.find(';');
    f.value = lower(std::string_view(v.substr(0, pos)));
    while (!f.value.empty() && (f.value.back() == ' ' || f.value.back() == '\t')) {
        f.value.pop_back();
    }
    // name*N[*] -> (N, extended, text)
    struct Piece {
        bool extended;
        std::string text;
    };
    std::map<std::string, std::map<int, Piece>> pieces;
    while (pos != std::string_view::npos && pos < v.size()) {
        ++pos;  // ';'
        pos = std::min(v.find_first_not_of(" \t", pos), v.size());
        const std::size_t eq = v.find('=', pos);
        if (eq == std::string_view::npos) {
            f.problem = "a parameter without '='";
            return f;
        }
        std::string name = lower(v.substr(pos, eq - pos));
        pos = eq + 1;
        std::string text;
        if (pos < v.size() && v[pos] == '"') {
            ++pos;
            while (pos < v.size() && v[pos] != '"') {
                if (v[pos] == '\\' && pos + 1 < v.size()) {
                    ++pos;
                }
                text += v[pos++];
            }
            if (pos >= v.size()) {
                f.problem = "an unterminated quoted parameter";
                return f;
            }
            ++pos;
        } else {
            const std::size_t end = std::min(v.find_first_of("; \t", pos), v.size());
            text = std::string(v.substr(pos, end - pos));
            pos = end;
        }
        pos = v.find(';', pos);
        bool extended = !name.empty() && name.back() == '*';
        if (extended) {
            name.pop_back();
        }
        int index = -1;
        const std::size_t star = name.find('*');
        if (star != std::string::npos) {
            index = std::atoi(name.c_str() + star + 1);
            name.resize(star);
        }
        pieces[name][index] = {extended, text};
    }
    for (auto& [name, parts] : pieces) {
        std::string value;
        bool first = true;
        for (auto& [index, piece] : parts) {
            std::string text = piece.text;
            if (piece.extended) {
                if (first) {  // charset'language'
                    const std::size_t a = text.find('\'');
                    const std::size_t b = a == std::string::npos ? a : text.find('\'', a + 1);
                    if (b == std::string::npos || lower(text.substr(0, a)) != "utf-8") {
                        f.problem = "an RFC 2231 value without UTF-8''";
                        return f;
                    }
                    text = text.substr(b + 1);
                }
                std::string decoded;
                for (std::size_t i = 0; i < text.size(); ++i) {
                    if (text[i] == '%') {
                        if (i + 2 >= text.size() || hex_any(text[i + 1]) < 0 ||
                            hex_any(text[i + 2]) < 0) {
                            f.problem = "a bad %XX in an RFC 2231 value";
                            return f;
                        }
                        decoded +=
                            static_cast<char>(hex_any(text[i + 1]) * 16 + hex_any(text[i + 2]));
                        i += 2;
                    } else {
                        decoded += text[i];
                    }
                }
                text = decoded;
            }
            value += text;
            first = false;
        }
        f.params[name] = value;
    }
    return f;
}

// --- the MIME tree ------------------------------------------------------------------

struct Leaf {
    std::string media_type;
    std::string content;  // decoded from its transfer encoding
    std::string filename;
    std::string content_id;
    std::string description;
};

inline const HeaderField* field(const HeaderSection& s, std::string_view name) {
    for (const HeaderField& f : s.fields) {
        if (lower(f.name) == lower(name)) {
            return &f;
        }
    }
    return nullptr;
}

// Reads `entity` (headers, empty line, body) into its leaves.
inline std::string walk(std::string_view entity, std::vector<Leaf>& leaves, int depth = 0) {
    if (depth > 8) {
        return "MIME nesting too deep";
    }
    std::error_code ec;
    const HeaderSection s = read_header_section(entity, ec);
    if (ec || !s.complete) {
        return "an entity whose header does not read back: " + ec.message();
    }
    const std::string_view body = entity.substr(s.body_offset);
    const HeaderField* type = field(s, "Content-Type");
    if (type == nullptr) {
        return "an entity without Content-Type";
    }
    const ParsedField ct = parse_parameters(type->value);
    if (!ct.problem.empty()) {
        return "Content-Type: " + ct.problem;
    }
    if (ct.value.rfind("multipart/", 0) == 0) {
        const auto b = ct.params.find("boundary");
        if (b == ct.params.end() || b->second.empty()) {
            return "a multipart without boundary";
        }
        const std::string open = "--" + b->second + "\r\n";
        const std::string next = "\r\n--" + b->second;
        if (body.substr(0, open.size()) != open) {
            return "a multipart body that does not start with its boundary";
        }
        std::size_t pos = open.size();
        for (;;) {
            const std::size_t end = body.find(next, pos);
            if (end == std::string_view::npos) {
                return "a part without its closing boundary";
            }
            if (std::string v = walk(body.substr(pos, end - pos), leaves, depth + 1); !v.empty()) {
                return v;
            }
            pos = end + next.size();
            if (body.substr(pos, 4) == "--\r\n") {
                if (pos + 4 != body.size()) {
                    return "bytes after the closing boundary";
                }
                return {};
            }
            if (body.substr(pos, 2) != "\r\n") {
                return "a boundary line with more on it";
            }
            pos += 2;
        }
    }
    Leaf leaf;
    leaf.media_type = ct.value;
    const HeaderField* cte = field(s, "Content-Transfer-Encoding");
    const std::string encoding = cte ? lower(cte->value) : "7bit";
    if (encoding == "7bit" || encoding == "8bit") {
        leaf.content = std::string(body);
    } else if (encoding == "quoted-printable") {
        std::string problem;
        leaf.content = decode_quoted_printable(body, problem);
        if (!problem.empty()) {
            return "quoted-printable body: " + problem;
        }
    } else if (encoding == "base64") {
        std::string text;
        for (char c : body) {
            if (c != '\r' && c != '\n') {
                text += c;
            }
        }
        const std::optional<std::string> decoded = protocol::sasl::base64_decode(text);
        if (!decoded) {
            return "a base64 body that does not decode";
        }
        leaf.content = *decoded;
    } else {
        return "an unknown transfer encoding: " + encoding;
    }
    if (const HeaderField* d = field(s, "Content-Disposition")) {
        const ParsedField cd = parse_parameters(d->value);
        if (!cd.problem.empty()) {
            return "Content-Disposition: " + cd.problem;
        }
        if (auto it = cd.params.find("filename"); it != cd.params.end()) {
            leaf.filename = it->second;
        }
    }
    if (const HeaderField* id = field(s, "Content-ID")) {
        leaf.content_id = id->value;
    }
    if (const HeaderField* d = field(s, "Content-Description")) {
        leaf.description = decode_unstructured(d->value);
    }
    leaves.push_back(std::move(leaf));
    return {};
}

// --- building a message from the input ----------------------------------------------

inline constexpr std::string_view addresses[] = {
    "a@example.org",
    "\"x y\"@example.net",
    "b@b\xC3\xBC"
    "cher.example",
    "\xC3\xBC@example.org",
    "c@[192.0.2.1]",
    "d.e+tag@sub.example.com",
};

inline constexpr std::string_view media_types[] = {
    "application/pdf", "image/png", "text/plain", "application/octet-stream", "Text/CSV",
};

struct Built {
    Message message;
    RenderOptions options;
    std::optional<std::string> subject, text, html;
    std::optional<std::pair<std::string, std::string>> extra;  // another header field
    std::vector<Leaf> embedded, attachments;                   // as set
    std::string violation;
};

// Calls a setter; a refusal must be a system_error, and is no error here.
template <class F>
bool attempt(F f, std::string& violation) {
    try {
        f();
        return true;
    } catch (const system_error&) {
        return false;
    } catch (const std::exception& e) {
        violation = std::string("a setter threw something else: ") + e.what();
        return false;
    }
}

inline std::string take_text(FuzzInput& in) {
    const std::size_t n = std::size_t{in.byte()} * 16 + in.byte();
    return std::string(in.take(n));
}

inline Mailbox pick_mailbox(FuzzInput& in) {
    Mailbox m;
    m.name = std::string(in.sized(120));
    m.address = std::string(addresses[in.pick(std::size(addresses))]);
    return m;
}

inline void build(FuzzInput& in, Built& b) {
    const std::uint8_t flags = in.byte();
    b.options.smtputf8 = (flags & 1) != 0;
    b.options.eight_bit = (flags & 2) != 0;
    std::string& v = b.violation;
    Message& m = b.message;
    m.date(std::chrono::system_clock::time_point(std::chrono::seconds(1700000000)));
    m.message_id("fuzz.1@example.org");

    using ByMailbox = Message& (Message::*)(Mailbox);
    using ByList = Message& (Message::*)(std::string_view);
    const auto add_mailboxes = [&](ByMailbox one, ByList list) {
        const std::size_t n = in.pick(3);
        for (std::size_t i = 0; i < n; ++i) {
            const Mailbox mailbox = pick_mailbox(in);
            attempt([&] { (m.*one)(mailbox); }, v);
        }
        if (in.pick(4) == 0) {  // address-list text too
            const std::string text(in.sized(100));
            attempt([&] { (m.*list)(text); }, v);
        }
    };
    add_mailboxes(&Message::from, &Message::from);
    add_mailboxes(&Message::to, &Message::to);
    add_mailboxes(&Message::cc, &Message::cc);
    add_mailboxes(&Message::bcc, &Message::bcc);
    if ((flags & 4) != 0) {
        std::string subject(in.sized());
        subject += in.sized();
        if (attempt([&] { m.subject(subject); }, v)) {
            b.subject = subject;
        }
    }
    if ((flags & 8) != 0) {
        const std::string name = in.flag() ? std::string(in.sized(20)) : "X-Fuzz";
        const std::string value(in.sized());
        if (attempt([&] { m.header(name, value); }, v)) {
            b.extra = {name, value};
        }
    }
    if ((flags & 16) != 0) {
        b.text = take_text(in);
        m.text(*b.text);
    }
    if ((flags & 32) != 0) {
        b.html = take_text(in);
        m.html(*b.html);
    }
    for (int kind = 0; kind < 2; ++kind) {
        if ((flags & (64 << kind)) == 0) {
            continue;
        }
        Leaf leaf;
        leaf.content = take_text(in);
        const std::string type = in.pick(8) == 0
                                     ? std::string(in.sized(40))
                                     : std::string(media_types[in.pick(std::size(media_types))]);
        const std::string filename(in.sized());
        const std::string id = kind == 0 ? std::string(in.sized(40)) : std::string();
        const std::string description = in.flag() ? std::string(in.sized(100)) : std::string();
        std::optional<MimePart> part;
        if (!attempt([&] { part = MimePart::bytes(leaf.content, type, filename); }, v)) {
            continue;
        }
        leaf.media_type = lower(type);
        leaf.filename = filename;
        if (!id.empty() && attempt([&] { part->content_id(id); }, v)) {
            leaf.content_id = "<" + id + ">";
        }
        if (!description.empty() && attempt([&] { part->description(description); }, v)) {
            leaf.description = description;
        }
        if (kind == 0) {
            m.embed(*part);
            b.embedded.push_back(std::move(leaf));
        } else {
            m.attach(*part);
            b.attachments.push_back(std::move(leaf));
        }
    }
}

// The leaves the documented layout gives, in order.
inline std::vector<Leaf> expected_leaves(const Built& b) {
    std::vector<Leaf> out;
    const auto text_leaf = [](std::string_view subtype, const std::string& text) {
        Leaf l;
        l.media_type = "text/" + std::string(subtype);
        l.content = test::normalise_line_endings(text);
        return l;
    };
    if (b.text) {
        out.push_back(text_leaf("plain", *b.text));
    }
    if (b.html) {
        out.push_back(text_leaf("html", *b.html));
    }
    out.insert(out.end(), b.embedded.begin(), b.embedded.end());
    if (out.empty() && b.attachments.empty()) {
        out.push_back(text_leaf("plain", ""));
    }
    out.insert(out.end(), b.attachments.begin(), b.attachments.end());
    return out;
}

inline std::string check_lines(std::string_view s) {
    std::size_t line = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (c == '\0') {
            return "a NUL in the message";
        }
        if (c == '\r') {
            if (i + 1 >= s.size() || s[i + 1] != '\n') {
                return "a bare CR in the message";
            }
            continue;
        }
        if (c == '\n') {
            if (i == 0 || s[i - 1] != '\r') {
                return "a bare LF in the message";
            }
            line = 0;
            continue;
        }
        if (++line > 998) {
            return "a line over 998 octets";
        }
    }
    return {};
}

inline bool all_ascii(std::string_view s) {
    return std::all_of(s.begin(), s.end(),
                       [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

inline std::string expected_address(const Mailbox& m, bool smtputf8) {
    if (smtputf8) {
        return m.address;
    }
    std::error_code ec;
    std::string ascii = to_ascii_address(m.address, ec);
    return ec ? m.address : ascii;
}

inline std::string compare_mailboxes(const char* what, const std::vector<Mailbox>& set,
                                     const std::vector<Mailbox>& read, bool smtputf8) {
    if (set.size() != read.size()) {
        return std::string(what) + ": " + std::to_string(read.size()) + " mailboxes read back, " +
               std::to_string(set.size()) + " set";
    }
    for (std::size_t i = 0; i < set.size(); ++i) {
        if (read[i].address != expected_address(set[i], smtputf8)) {
            return std::string(what) + ": an address read back differently: " + read[i].address;
        }
        // Our reader leaves an encoded-word that decodes to a control
        // character as written (address.hpp): such names cannot come back.
        if (!has_control(set[i].name) && read[i].name != set[i].name) {
            return std::string(what) + ": a display name read back differently";
        }
    }
    return {};
}

inline std::string check_rendered(const Built& b, const std::string& out) {
    const Message& m = b.message;
    if (std::string v = check_lines(out); !v.empty()) {
        return v;
    }
    std::error_code ec;
    const HeaderSection h = read_header_section(out, ec);
    if (ec || !h.complete) {
        return "the header section does not read back: " + ec.message();
    }
    const std::string_view header = std::string_view(out).substr(0, h.body_offset);
    if (!b.options.smtputf8 && !all_ascii(header)) {
        return "8-bit octets in the header section without SMTPUTF8";
    }
    if (!b.options.smtputf8 && !b.options.eight_bit && !all_ascii(out)) {
        return "8-bit octets without SMTPUTF8 or 8BITMIME";
    }
    const MessageSource source = m.source(b.options);
    if (source.content_class() && protocol::classify(out) > *source.content_class()) {
        return "content wider than the content class declared";
    }
    if (source.eight_bit_headers() != !all_ascii(header)) {
        return "eight_bit_headers() is not what the header section holds";
    }
    for (const HeaderField& f : h.fields) {
        if (lower(f.name) == "bcc") {
            return "a Bcc field written";
        }
    }
    const HeaderRecipients r = header_recipients(h.fields, ec);
    if (ec) {
        return "the address fields do not parse back: " + ec.message();
    }
    // header_recipients() keeps only the first From mailbox: read them all.
    const std::vector<Mailbox> from_read = [&] {
        std::error_code fec;
        const HeaderField* f = field(h, "From");
        return f == nullptr ? std::vector<Mailbox>{} : parse_address_list(f->value, fec);
    }();
    for (auto [what, set, read] :
         {std::tuple{"From", &m.from(), &from_read}, std::tuple{"To", &m.to(), &r.to},
          std::tuple{"Cc", &m.cc(), &r.cc}}) {
        if (std::string v = compare_mailboxes(what, *set, *read, b.options.smtputf8); !v.empty()) {
            return v;
        }
    }
    if (b.subject) {
        const HeaderField* s = field(h, "Subject");
        if (s == nullptr || decode_unstructured(s->value) != *b.subject) {
            return "the Subject does not decode to what was set";
        }
    }
    if (b.extra && lower(b.extra->first) != "subject" && lower(b.extra->first) != "from" &&
        lower(b.extra->first) != "to" && lower(b.extra->first) != "cc" &&
        lower(b.extra->first) != "date" && lower(b.extra->first) != "message-id") {
        const HeaderField* x = field(h, b.extra->first);
        if (x == nullptr || decode_unstructured(x->value) != b.extra->second) {
            return "the extra field does not decode to what was set";
        }
    }

    std::vector<Leaf> leaves;
    if (std::string v = walk(out, leaves); !v.empty()) {
        return v;
    }
    const std::vector<Leaf> want = expected_leaves(b);
    if (leaves.size() != want.size()) {
        return "the MIME tree has " + std::to_string(leaves.size()) + " leaves, not " +
               std::to_string(want.size());
    }
    for (std::size_t i = 0; i < want.size(); ++i) {
        const Leaf& got = leaves[i];
        const Leaf& w = want[i];
        if (got.media_type != w.media_type) {
            return "leaf " + std::to_string(i) + " has the media type " + got.media_type;
        }
        if (got.content != w.content) {
            return "leaf " + std::to_string(i) + " (" + w.media_type +
                   ") does not decode to its content";
        }
        if (got.filename != w.filename) {
            return "leaf " + std::to_string(i) + ": the file name reads back differently";
        }
        if (got.content_id != w.content_id) {
            return "leaf " + std::to_string(i) + ": the Content-ID reads back differently";
        }
        if (got.description != w.description) {
            return "leaf " + std::to_string(i) + ": the description reads back differently";
        }
    }

    const Envelope e = m.envelope(b.options.smtputf8);
    if (!m.from().empty() && e.from != expected_address(m.from().front(), b.options.smtputf8)) {
        return "the reverse-path is not the first From";
    }
    std::set<std::string> seen;
    std::vector<std::string> recipients;
    for (const auto* list : {&m.to(), &m.cc(), &m.bcc()}) {
        for (const Mailbox& x : *list) {
            const std::string a = expected_address(x, b.options.smtputf8);
            if (seen.insert(lower(a)).second) {
                recipients.push_back(a);
            }
        }
    }
    if (e.to.size() != recipients.size() ||
        !std::equal(e.to.begin(), e.to.end(), recipients.begin(),
                    [](const Recipient& x, const std::string& y) { return x.address == y; })) {
        return "the envelope recipients are not To, Cc and Bcc once each";
    }
    return {};
}

// `rendered`, when given, gets the message as rendered (to read a failure).
inline std::string check_mime_builder_input(const std::uint8_t* data, std::size_t size,
                                            std::string* rendered = nullptr) {
    FuzzInput in(data, size);
    Built b;
    build(in, b);
    if (!b.violation.empty()) {
        return b.violation;
    }
    std::string out;
    try {
        out = b.message.to_string(b.options);
    } catch (const system_error& e) {
        if (b.message.needs_smtputf8() && !b.options.smtputf8 &&
            e.code() == error::utf8_not_allowed) {
            return {};  // the caller was told by needs_smtputf8()
        }
        return std::string("to_string() threw: ") + e.what();
    } catch (const std::exception& e) {
        return std::string("to_string() threw: ") + e.what();
    }
    if (rendered != nullptr) {
        *rendered = out;
    }
    if (b.message.to_string(b.options) != out) {
        return "two renderings differ";
    }
    const MessageSource source = b.message.source(b.options);
    std::error_code ec;
    MessageSource::Reader reader = source.open(ec);
    std::string streamed;
    char buffer[333];
    while (!ec) {
        const std::size_t n = reader(buffer, sizeof buffer, ec);
        if (n == 0) {
            break;
        }
        streamed.append(buffer, n);
    }
    if (ec || streamed != out || (source.size() && *source.size() != out.size())) {
        return "source() does not stream what to_string() gives, or not its size";
    }
    return check_rendered(b, out);
}

}  // namespace smtpkit::fuzz::mime
