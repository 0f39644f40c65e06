// Header field checks, line layout and the folding of structured values.
#include "message/header_field.hpp"

#include <algorithm>
#include <vector>

#include "smtpkit/error.hpp"
#include "smtpkit/protocol/address.hpp"

namespace smtpkit::message {
namespace {

constexpr std::string_view crlf = "\r\n";

bool is_white(char c) noexcept {
    return c == ' ' || c == '\t';
}

// Splits a structured value into white space and the pieces between it,
// keeping quoted strings (with their escapes) whole.
struct Piece {
    std::string_view white;
    std::string_view text;
};
std::vector<Piece> split_structured(std::string_view value) {
    std::vector<Piece> pieces;
    std::size_t pos = 0;
    while (pos < value.size()) {
        const std::size_t white_start = pos;
        while (pos < value.size() && is_white(value[pos])) {
            ++pos;
        }
        const std::size_t text_start = pos;
        bool quoted = false;
        while (pos < value.size() && (quoted || !is_white(value[pos]))) {
            if (value[pos] == '\\' && quoted && pos + 1 < value.size()) {
                ++pos;
            } else if (value[pos] == '"') {
                quoted = !quoted;
            }
            ++pos;
        }
        if (pos > text_start) {  // trailing white space is dropped
            pieces.push_back({value.substr(white_start, text_start - white_start),
                              value.substr(text_start, pos - text_start)});
        }
    }
    return pieces;
}

bool is_structured_octet(char ch, bool utf8) noexcept {
    const auto c = static_cast<unsigned char>(ch);
    return (c >= 0x20 && c < 0x7f) || c == '\t' || (utf8 && c >= 0x80);
}

}  // namespace

std::error_code check_field_name(std::string_view name) noexcept {
    const bool ftext = std::all_of(name.begin(), name.end(),
                                   [](char c) { return c >= '!' && c <= '~' && c != ':'; });
    if (name.empty() || name.size() > max_field_name || !ftext) {
        return error::invalid_header;
    }
    return {};
}

std::error_code check_header_text(std::string_view text) noexcept {
    if (text.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos ||
        !protocol::is_valid_utf8(text)) {
        return error::invalid_header;
    }
    return {};
}

FieldWriter::FieldWriter(std::string_view name) {
    out_.reserve(fold_width + 2);
    out_.append(name);
    out_ += ':';
    line_length_ = out_.size();
}

std::size_t FieldWriter::width(bool encoded_word) const noexcept {
    return encoded_word || line_has_encoded_word_ ? encoded_width : fold_width;
}

std::size_t FieldWriter::room(std::size_t white, bool encoded_word) const noexcept {
    const std::size_t used = line_length_ + white;
    const std::size_t limit = width(encoded_word);
    return used < limit ? limit - used : 0;
}

std::size_t FieldWriter::fresh_room(std::size_t white, bool encoded_word) noexcept {
    const std::size_t limit = encoded_word ? encoded_width : fold_width;
    return white < limit ? limit - white : 0;
}

void FieldWriter::put(std::string_view white, std::string_view token, bool encoded_word) {
    if (can_fold() && !white.empty() && white.size() + token.size() > room(0, encoded_word)) {
        out_ += crlf;
        line_length_ = 0;
        line_has_encoded_word_ = false;
    }
    out_.append(white);
    out_.append(token);
    line_length_ += white.size() + token.size();
    line_has_encoded_word_ = line_has_encoded_word_ || encoded_word;
    has_token_ = true;
}

std::string FieldWriter::finish() {
    out_ += crlf;
    return std::move(out_);
}

std::string fold_structured(std::string_view name, std::string_view value,
                            const HeaderOptions& options, std::error_code& ec) {
    ec = check_field_name(name);
    if (!ec) {
        ec = check_header_text(value);
    }
    const bool octets_ok = std::all_of(
        value.begin(), value.end(), [&](char c) { return is_structured_octet(c, options.utf8); });
    if (!ec && !octets_ok) {
        ec = error::invalid_header;
    }
    if (ec) {
        return {};
    }
    FieldWriter writer(name);
    for (const Piece& piece : split_structured(value)) {
        const std::string_view white = writer.can_fold() ? piece.white : " ";
        // On a continuation line the piece follows its white space; on the
        // first, "Name: ".
        if (white.size() + piece.text.size() + (writer.can_fold() ? 0 : name.size() + 1) >
            max_line_length) {
            ec = error::invalid_header;
            return {};
        }
        writer.put(white, piece.text);
    }
    return writer.finish();
}

}  // namespace smtpkit::message
