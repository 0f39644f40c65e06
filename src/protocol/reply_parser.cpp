#include "smtpkit/protocol/reply_parser.hpp"

#include <algorithm>
#include <utility>

#include "enhanced_status.hpp"
#include "smtpkit/error.hpp"

namespace smtpkit::protocol {
namespace {

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

}  // namespace

std::size_t ReplyParser::feed(std::string_view bytes, std::error_code& ec) {
    ec.clear();
    if (error_) {
        ec = error_;
        return 0;
    }
    if (complete_) {
        return 0;  // the caller has not taken the last reply yet
    }
    std::size_t pos = 0;
    while (pos < bytes.size()) {
        const std::string_view rest = bytes.substr(pos);
        const std::size_t lf = rest.find('\n');
        const std::string_view segment = rest.substr(0, std::min(lf, rest.size()));
        // With its line end a line of `room` more octets would pass the limit:
        // fail as soon as that many arrive, so a server cannot make us buffer
        // without bound by never sending LF.
        const std::size_t room =
            limits_.max_line_length > line_.size() ? limits_.max_line_length - line_.size() : 0;
        const std::size_t nul = segment.find('\0');
        if (nul != std::string_view::npos && nul < room) {
            error_ = error::reply_contains_nul;
            ec = error_;
            return pos + nul + 1;
        }
        if (segment.size() >= room) {
            error_ = error::reply_line_too_long;
            ec = error_;
            return pos + room;
        }
        line_.append(segment);
        if (lf == std::string_view::npos) {
            return bytes.size();
        }
        pos += lf + 1;
        if (const std::error_code line_ec = finish_line()) {
            error_ = line_ec;
            ec = error_;
            return pos;
        }
        if (complete_) {
            break;  // what follows belongs to the next reply: leave it to the caller
        }
    }
    return pos;
}

std::error_code ReplyParser::finish_line() {
    if (!line_.empty() && line_.back() == '\r') {
        line_.pop_back();
    }
    const std::string_view line = line_;
    const std::size_t code_length = std::min<std::size_t>(line.size(), 3);
    if (!std::all_of(line.begin(), line.begin() + static_cast<std::ptrdiff_t>(code_length),
                     is_digit)) {
        return error::reply_not_digits;
    }
    if (line.size() < 3) {
        return error::reply_too_short;
    }
    const int code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
    if (code < 200 || code > 599) {
        return error::reply_code_out_of_range;
    }
    // "NNN" alone is a last line with no text: broken servers send it.
    const bool last = line.size() == 3 || line[3] == ' ';
    if (!last && line[3] != '-') {
        return error::reply_bad_separator;
    }
    if (!reply_.lines.empty() && code != reply_.code) {
        return error::reply_code_mismatch;
    }
    if (reply_.lines.size() >= limits_.max_lines) {
        return error::reply_too_many_lines;
    }
    std::string text(line.size() > 3 ? line.substr(4) : std::string_view{});
    // A CR that is not part of the line end must not reach the text: lines
    // end up in logs and error messages, where it could forge output.
    std::replace(text.begin(), text.end(), '\r', ' ');
    if (reply_.lines.empty()) {
        reply_.code = code;
        if (const auto match = detail::match_enhanced_status(text, code)) {
            reply_.enhanced = match->status;
        }
    }
    reply_.lines.push_back(std::move(text));
    line_.clear();
    complete_ = last;
    return {};
}

Reply ReplyParser::take() {
    if (!complete_) {
        return {};
    }
    Reply reply = std::move(reply_);
    reply_ = Reply{};
    complete_ = false;
    return reply;
}

void ReplyParser::reset() {
    line_.clear();
    reply_ = Reply{};
    complete_ = false;
    error_.clear();
}

Reply parse_reply(std::string_view bytes, std::error_code& ec) {
    ReplyParser parser;
    const std::size_t used = parser.feed(bytes, ec);
    if (ec) {
        return {};
    }
    if (!parser.has_reply()) {
        ec = error::connection_closed;  // the bytes ended in the middle of a reply
        return {};
    }
    if (used != bytes.size()) {
        ec = error::unexpected_reply;  // more than one reply, or bytes after it
        return {};
    }
    return parser.take();
}

}  // namespace smtpkit::protocol
