// Encoded-words: the longest prefix that fits, in the shorter of B and Q.
#include "message/encoded_word.hpp"

#include <algorithm>

#include "message/header_field.hpp"
#include "smtpkit/protocol/sasl.hpp"

namespace smtpkit::message {
namespace {

constexpr std::string_view b_prefix = "=?UTF-8?B?";
constexpr std::string_view q_prefix = "=?UTF-8?Q?";
constexpr std::size_t overhead = 12;  // "=?UTF-8?X?" and "?="
// Below this much room on a line, a word that cannot hold the rest of the
// text goes to the next line instead of leaving a sliver on this one.
constexpr std::size_t min_useful_room = 24;

bool is_alnum(unsigned char c) noexcept {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

bool q_literal(unsigned char c, WordContext context) noexcept {
    if (context == WordContext::phrase) {
        return is_alnum(c) || c == '!' || c == '*' || c == '+' || c == '-' || c == '/';
    }
    return c > ' ' && c < 0x7f && c != '=' && c != '?' && c != '_';
}

// A space is '_' in Q (RFC 2047 4.2 (2)); other octets not literal are =XX.
std::size_t q_cost(unsigned char c, WordContext context) noexcept {
    return c == ' ' || q_literal(c, context) ? 1 : 3;
}

std::size_t utf8_length(unsigned char lead) noexcept {
    if (lead < 0x80) {
        return 1;
    }
    if ((lead & 0xe0) == 0xc0) {
        return 2;
    }
    return (lead & 0xf0) == 0xe0 ? 3 : 4;
}

std::size_t b_length(std::size_t octets) noexcept {
    return (octets + 2) / 3 * 4;
}

std::string q_encode(std::string_view octets, WordContext context) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (const char ch : octets) {
        const auto c = static_cast<unsigned char>(ch);
        if (c == ' ') {
            out += '_';
        } else if (q_literal(c, context)) {
            out += ch;
        } else {
            out += '=';
            out += hex[c >> 4];
            out += hex[c & 0x0f];
        }
    }
    return out;
}

}  // namespace

std::string take_encoded_word(std::string_view& text, WordContext context, std::size_t max_length) {
    std::size_t octets = 0;
    std::size_t q_length = 0;
    while (octets < text.size()) {
        const std::size_t n =
            std::min(utf8_length(static_cast<unsigned char>(text[octets])), text.size() - octets);
        std::size_t q_more = 0;
        for (std::size_t i = 0; i < n; ++i) {
            q_more += q_cost(static_cast<unsigned char>(text[octets + i]), context);
        }
        if (overhead + std::min(b_length(octets + n), q_length + q_more) > max_length) {
            break;
        }
        octets += n;
        q_length += q_more;
    }
    if (octets == 0) {
        return {};
    }
    const std::string_view taken = text.substr(0, octets);
    text.remove_prefix(octets);
    std::string word{q_length <= b_length(octets) ? q_prefix : b_prefix};
    word += q_length <= b_length(octets) ? q_encode(taken, context)
                                         : protocol::sasl::base64_encode(taken);
    word += "?=";
    return word;
}

void put_encoded_words(FieldWriter& writer, std::string_view white, std::string_view text,
                       WordContext context) {
    while (!text.empty()) {
        const std::size_t room = writer.room(white.size(), true);
        std::string_view rest = text;
        std::string word = take_encoded_word(rest, context, std::min(max_encoded_word, room));
        if (word.empty() || (writer.can_fold() && !rest.empty() && room < min_useful_room)) {
            // Sized for the next line (put() folds), or, right after "Name:"
            // where no fold is allowed, as long as a word may be: a
            // character always fits in a word of 75 octets.
            std::size_t next_room =
                writer.can_fold() ? FieldWriter::fresh_room(white.size(), true) : 0;
            if (next_room < min_useful_room) {
                next_room = max_encoded_word;
            }
            rest = text;
            word = take_encoded_word(rest, context, std::min(max_encoded_word, next_room));
        }
        writer.put(white, word, true);
        text = rest;
        white = " ";
    }
}

}  // namespace smtpkit::message
