// Invariants of ReplyParser, checked on arbitrary bytes. Shared by the
// libFuzzer target (fuzz_reply_parser.cpp) and the unit test that replays its
// seed corpus, so `make test` exercises the same checks without clang.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "smtpkit/protocol/capabilities.hpp"
#include "smtpkit/protocol/reply_parser.hpp"
#include "smtpkit/reply.hpp"

namespace smtpkit::fuzz {

// What one way of feeding the input produced.
struct ParseOutcome {
    std::vector<Reply> replies;
    std::error_code error;
    std::string violation;  // empty while every invariant holds
};

inline bool same_reply(const Reply& a, const Reply& b) {
    return a.code == b.code && a.enhanced == b.enhanced && a.lines == b.lines;
}

// Empty when `reply` is something the parser may hand out under `limits`.
inline std::string reply_violation(const Reply& reply, const protocol::ReplyLimits& limits) {
    if (reply.code < 200 || reply.code > 599) {
        return "reply code out of range: " + std::to_string(reply.code);
    }
    if (reply.lines.empty() || reply.lines.size() > limits.max_lines) {
        return "bad line count: " + std::to_string(reply.lines.size());
    }
    if (reply.enhanced && reply.enhanced->klass != reply.code / 100) {
        return "enhanced class does not match the code";
    }
    for (const std::string& line : reply.lines) {
        if (line.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) {
            return "a line holds CR, LF or NUL";
        }
        if (line.size() + 4 >= limits.max_line_length) {
            return "a line is longer than the limit";
        }
    }
    const std::string summary = reply.summary();
    if (summary.find_first_of("\r\n") != std::string::npos) {
        return "summary() holds CR or LF";
    }
    if (reply.text().find('\r') != std::string::npos) {
        return "text() holds CR";
    }
    return {};
}

// Capabilities must cope with any 250 reply.
inline std::string capabilities_violation(const Reply& reply) {
    const auto caps = protocol::Capabilities::from_ehlo(reply);
    for (const auto& ext : caps.all()) {
        if (ext.keyword.empty() || !caps.has(ext.keyword)) {
            return "an extension cannot be looked up";
        }
        for (char c : ext.keyword) {
            if (c >= 'a' && c <= 'z') {
                return "a keyword is not upper-cased";
            }
        }
    }
    const auto size = caps.size_limit();
    if (size && *size == 0) {
        return "size_limit() gave 0";
    }
    const auto mechanisms = caps.auth_mechanisms();
    for (std::size_t i = 0; i < mechanisms.size(); ++i) {
        for (std::size_t j = i + 1; j < mechanisms.size(); ++j) {
            if (mechanisms[i] == mechanisms[j]) {
                return "auth_mechanisms() repeats " + mechanisms[i];
            }
        }
    }
    return {};
}

// Feeds `data` in chunks whose sizes `next_chunk()` picks, taking every reply
// as a caller would, and checks the parser's contract at each step.
template <typename NextChunk>
ParseOutcome parse_in_chunks(std::string_view data, const protocol::ReplyLimits& limits,
                             NextChunk next_chunk) {
    ParseOutcome out;
    protocol::ReplyParser parser(limits);
    std::size_t pos = 0;
    while (pos < data.size()) {
        const std::size_t size = std::min(next_chunk(), data.size() - pos);
        const std::string_view chunk = data.substr(pos, size);
        std::error_code ec;
        const std::size_t used = parser.feed(chunk, ec);
        if (used > chunk.size()) {
            out.violation = "feed() consumed more than it was given";
            return out;
        }
        if (ec) {
            out.error = ec;
            std::error_code again;
            if (parser.feed(chunk.substr(used), again) != 0 || again != ec) {
                out.violation = "a failed parser did not stay failed";
            }
            return out;
        }
        if (parser.has_reply()) {
            Reply reply = parser.take();
            if (auto why = reply_violation(reply, limits); !why.empty()) {
                out.violation = why;
                return out;
            }
            if (auto why = capabilities_violation(reply); !why.empty()) {
                out.violation = why;
                return out;
            }
            out.replies.push_back(std::move(reply));
        } else if (used != chunk.size()) {
            out.violation = "feed() stopped early without a reply or an error";
            return out;
        }
        pos += used;
    }
    return out;
}

inline bool same_outcome(const ParseOutcome& a, const ParseOutcome& b) {
    if (a.error != b.error || a.replies.size() != b.replies.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.replies.size(); ++i) {
        if (!same_reply(a.replies[i], b.replies[i])) {
            return false;
        }
    }
    return true;
}

// Empty when the parser keeps its contract on `data`: under the default and
// under tight limits, whole, byte by byte and in chunks picked from the first
// byte, it gives valid replies and the same replies and error every time.
inline std::string check_reply_parser(std::string_view data) {
    const protocol::ReplyLimits tight{32, 4};
    for (const protocol::ReplyLimits& limits : {protocol::ReplyLimits{}, tight}) {
        const ParseOutcome whole = parse_in_chunks(data, limits, [&] { return data.size(); });
        std::uint32_t state = 2166136261u ^ (data.empty() ? 0u : std::uint8_t(data[0]));
        state = state * 16777619u + static_cast<std::uint32_t>(data.size());
        auto random_chunk = [&state]() -> std::size_t {
            state ^= state << 13;  // xorshift32: cheap, deterministic per input
            state ^= state >> 17;
            state ^= state << 5;
            return (state & 7) == 0 ? 1 + state % 300 : 1 + state % 9;
        };
        const ParseOutcome chunked = parse_in_chunks(data, limits, random_chunk);
        const ParseOutcome bytes = parse_in_chunks(data, limits, [] { return std::size_t{1}; });
        for (const ParseOutcome* outcome : {&whole, &chunked, &bytes}) {
            if (!outcome->violation.empty()) {
                return outcome->violation;
            }
        }
        if (!same_outcome(whole, chunked) || !same_outcome(whole, bytes)) {
            return "the result depends on how the input was split";
        }
    }
    return {};
}

}  // namespace smtpkit::fuzz
