// Quoted-printable: each input octet is decided once enough of what follows
// is known, then written as itself or as =XX, with a soft line break first
// when the line would pass 76 characters.
#include "message/quoted_printable.hpp"

#include <algorithm>

namespace smtpkit::message {
namespace {

constexpr std::string_view crlf = "\r\n";
constexpr std::string_view from_line = "From ";
// A soft line break's '=' takes the 76th column, so text stops at 75.
constexpr std::size_t max_text = QuotedPrintableEncoder::max_line - 1;

bool is_white(char c) noexcept {
    return c == ' ' || c == '\t';
}

// RFC 2045 6.7 rule 2: printable US-ASCII except '=' may stand for itself.
bool is_literal(char c) noexcept {
    return c >= '!' && c <= '~' && c != '=';
}

}  // namespace

void QuotedPrintableEncoder::encode(std::string_view chunk, std::string& out) {
    // Octets held back from the last chunk are decided first, one new octet
    // of look-ahead at a time, so the bulk of the chunk is read in place.
    while (!held_.empty() && !chunk.empty()) {
        held_ += chunk.front();
        chunk.remove_prefix(1);
        held_.erase(0, encode_available(held_, false, out));
    }
    if (held_.empty()) {
        const std::size_t used = encode_available(chunk, false, out);
        held_.assign(chunk.substr(used));
    }
}

void QuotedPrintableEncoder::finish(std::string& out) {
    encode_available(held_, true, out);
    held_.clear();
    line_length_ = 0;
}

std::uint64_t QuotedPrintableEncoder::encoded_size(std::string_view body, Mode mode) {
    constexpr std::size_t piece = std::size_t{16} * 1024;
    QuotedPrintableEncoder encoder(mode);
    std::string scratch;
    std::uint64_t size = 0;
    for (std::size_t pos = 0; pos < body.size(); pos += piece) {
        encoder.encode(body.substr(pos, piece), scratch);
        size += scratch.size();
        scratch.clear();
    }
    encoder.finish(scratch);
    return size + scratch.size();
}

std::size_t QuotedPrintableEncoder::encode_available(std::string_view input, bool final,
                                                     std::string& out) {
    std::size_t pos = 0;
    while (pos < input.size()) {
        const std::size_t used = encode_next(input.substr(pos), final, out);
        if (used == 0) {
            break;
        }
        pos += used;
    }
    return pos;
}

// Decides input[0] (with input[1] for CRLF): returns the octets used, or 0
// when what follows must be seen first (never when `final`).
std::size_t QuotedPrintableEncoder::encode_next(std::string_view input, bool final,
                                                std::string& out) {
    const char c = input.front();
    const bool more_known = input.size() > 1;
    if (mode_ == Mode::text && c == '\n') {
        hard_break(out);
        return 1;
    }
    if (mode_ == Mode::text && c == '\r') {
        if (!more_known && !final) {
            return 0;
        }
        if (more_known && input[1] == '\n') {
            hard_break(out);
            return 2;
        }
        put(c, true, out);  // a bare CR
        return 1;
    }
    if (is_white(c)) {
        if (!more_known && !final) {
            return 0;
        }
        // Trailing: the end of the input or, in text, of the line. A space
        // before a bare CR is encoded too: harmless, and saves a look-ahead.
        const bool trailing =
            !more_known || (mode_ == Mode::text && (input[1] == '\r' || input[1] == '\n'));
        put(c, trailing, out);
        return 1;
    }
    if (c == 'F' && at_line_start()) {
        const std::size_t known = std::min(input.size(), from_line.size());
        const bool from_so_far = input.substr(0, known) == from_line.substr(0, known);
        if (from_so_far && known < from_line.size() && !final) {
            return 0;
        }
        put(c, from_so_far && known == from_line.size(), out);
        return 1;
    }
    put(c, !is_literal(c) || (c == '.' && at_line_start()), out);
    return 1;
}

// True when a literal octet put now would begin an output line.
bool QuotedPrintableEncoder::at_line_start() const noexcept {
    return line_length_ == 0 || line_length_ + 1 > max_text;
}

void QuotedPrintableEncoder::put(char c, bool escape, std::string& out) {
    static constexpr char hex[] = "0123456789ABCDEF";
    const std::size_t width = escape ? 3 : 1;
    if (line_length_ + width > max_text) {
        out += '=';
        out += crlf;
        line_length_ = 0;
    }
    if (escape) {
        const auto octet = static_cast<unsigned char>(c);
        out += '=';
        out += hex[octet >> 4];
        out += hex[octet & 0x0f];
    } else {
        out += c;
    }
    line_length_ += width;
}

void QuotedPrintableEncoder::hard_break(std::string& out) {
    out += crlf;
    line_length_ = 0;
}

}  // namespace smtpkit::message
