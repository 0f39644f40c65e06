#include <string>
#include <string_view>

#include "enhanced_status.hpp"
#include "smtpkit/reply.hpp"

namespace smtpkit {
namespace protocol::detail {
namespace {

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// Reads 1..3 digits at `pos` into `value`; advances `pos` past them.
bool read_number(std::string_view text, std::size_t& pos, int& value) {
    const std::size_t start = pos;
    value = 0;
    while (pos < text.size() && pos - start < 3 && is_digit(text[pos])) {
        value = value * 10 + (text[pos] - '0');
        ++pos;
    }
    return pos > start;
}

}  // namespace

std::optional<EnhancedStatusMatch> match_enhanced_status(std::string_view text, int reply_code) {
    const int klass = reply_code / 100;
    if (klass != 2 && klass != 4 && klass != 5) {
        return std::nullopt;
    }
    if (text.size() < 2 || text[0] != static_cast<char>('0' + klass) || text[1] != '.') {
        return std::nullopt;
    }
    EnhancedStatusMatch match;
    match.status.klass = klass;
    std::size_t pos = 2;
    if (!read_number(text, pos, match.status.subject)) {
        return std::nullopt;
    }
    if (pos >= text.size() || text[pos] != '.') {
        return std::nullopt;
    }
    ++pos;
    if (!read_number(text, pos, match.status.detail)) {
        return std::nullopt;
    }
    // A fourth digit, a dot or a colon straight after means this was not a code.
    if (pos < text.size() && text[pos] != ' ') {
        return std::nullopt;
    }
    match.length = pos;
    return match;
}

}  // namespace protocol::detail

namespace {

// A line's text without the enhanced code (and the one space after it) when
// the code is the reply's own; otherwise the text unchanged.
std::string_view strip_enhanced(const Reply& reply, std::string_view line) {
    if (!reply.enhanced) {
        return line;
    }
    const auto match = protocol::detail::match_enhanced_status(line, reply.code);
    if (!match || match->status != *reply.enhanced) {
        return line;
    }
    line.remove_prefix(match->length);
    if (!line.empty()) {
        line.remove_prefix(1);  // the space; further spaces belong to the text
    }
    return line;
}

std::string join_lines(const Reply& reply, char separator) {
    std::string out;
    for (std::size_t i = 0; i < reply.lines.size(); ++i) {
        if (i > 0) {
            out += separator;
        }
        out += strip_enhanced(reply, reply.lines[i]);
    }
    return out;
}

}  // namespace

std::string EnhancedStatus::to_string() const {
    return std::to_string(klass) + '.' + std::to_string(subject) + '.' + std::to_string(detail);
}

std::string Reply::text() const {
    return join_lines(*this, '\n');
}

std::string Reply::summary() const {
    std::string out = std::to_string(code);
    if (enhanced) {
        out += ' ';
        out += enhanced->to_string();
    }
    const std::string joined = join_lines(*this, ' ');
    if (!joined.empty()) {
        out += ' ';
        out += joined;
    }
    return out;
}

}  // namespace smtpkit
