// RFC 5322 3.2.2-3.2.4 and 3.4.1 at the octet level. CR and LF reach this
// code only inside folds (find_forbidden_octet() ran first), so they count
// as white space and a fold is simply dropped.
#include "address_lexer.hpp"

namespace smtpkit::message {
namespace {

bool is_wsp(char c) noexcept {
    return c == ' ' || c == '\t';
}

bool is_space(char c) noexcept {
    return is_wsp(c) || c == '\r' || c == '\n';
}

// dtext (RFC 5322 3.4.1) plus UTF8-non-ascii: printable, not '[', ']', '\'.
bool is_dtext(char c) noexcept {
    const auto u = static_cast<unsigned char>(c);
    return u >= 0x80 || (u >= 33 && u <= 126 && c != '[' && c != ']' && c != '\\');
}

}  // namespace

std::size_t find_forbidden_octet(std::string_view text) noexcept {
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0x20 && c != 0x7F) {
            continue;
        }
        if (c == '\t') {
            continue;
        }
        // CRLF WSP or LF WSP: a fold. Anything else ends a header line.
        std::size_t lf = i;
        if (c == '\r') {
            lf = i + 1;
        }
        if (lf < text.size() && text[lf] == '\n' && lf + 1 < text.size() && is_wsp(text[lf + 1])) {
            i = lf;
            continue;
        }
        return i;
    }
    return std::string_view::npos;
}

bool is_atext(char c) noexcept {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
        return true;
    }
    constexpr std::string_view specials = "!#$%&'*+-/=?^_`{|}~";
    return specials.find(c) != std::string_view::npos;
}

bool AddressLexer::fail(error code, std::size_t offset, std::string_view reason) noexcept {
    if (!failed_) {
        failed_ = true;
        failure_ = Failure{code, offset, reason};
    }
    return false;
}

bool AddressLexer::skip_cfws() {
    const std::size_t start = pos_;
    while (!at_end()) {
        const char c = text_[pos_];
        if (is_space(c)) {
            ++pos_;
        } else if (c == '(') {
            if (!skip_comment()) {
                break;
            }
        } else {
            break;
        }
    }
    return pos_ != start;
}

// Iterative, with a depth counter: nesting costs no stack, and the limit
// turns "((((..." into an error instead of work.
bool AddressLexer::skip_comment() {
    const std::size_t start = pos_;
    std::size_t depth = 0;
    while (pos_ < text_.size()) {
        const char c = text_[pos_++];
        if (c == '(') {
            if (++depth > max_depth_) {
                return fail(error::invalid_address_list, pos_ - 1, "comments nested too deeply");
            }
        } else if (c == ')') {
            if (--depth == 0) {
                return true;
            }
        } else if (c == '\\') {
            if (pos_ >= text_.size()) {
                break;
            }
            ++pos_;  // quoted-pair: the next octet is literal, even '(' or ')'
        }
    }
    return fail(error::invalid_address_list, start, "unterminated comment");
}

std::string_view AddressLexer::atom() noexcept {
    const std::size_t start = pos_;
    while (!at_end() && is_atext(text_[pos_])) {
        ++pos_;
    }
    return text_.substr(start, pos_ - start);
}

bool AddressLexer::quoted_string(std::string& content) {
    const std::size_t start = pos_++;  // the opening '"'
    while (pos_ < text_.size()) {
        const char c = text_[pos_++];
        if (c == '"') {
            return true;
        }
        if (c == '\r' || c == '\n') {
            continue;  // a fold: unfolding drops the line break, keeps the WSP
        }
        if (c == '\\') {
            if (pos_ >= text_.size()) {
                break;
            }
            if (text_[pos_] == '\r' || text_[pos_] == '\n') {
                return fail(error::invalid_address_list, pos_ - 1, "'\\' before a line break");
            }
            content += text_[pos_++];
            continue;
        }
        content += c;
    }
    return fail(error::invalid_address_list, start, "unterminated quoted string");
}

bool AddressLexer::domain_literal(std::string& literal) {
    const std::size_t start = pos_++;  // the opening '['
    literal += '[';
    while (pos_ < text_.size()) {
        const char c = text_[pos_++];
        if (c == ']') {
            literal += ']';
            return true;
        }
        if (is_space(c)) {
            continue;
        }
        if (!is_dtext(c)) {
            return fail(error::invalid_address_list, pos_ - 1,
                        "'[', '\\' or a control inside a domain literal");
        }
        literal += c;
    }
    return fail(error::invalid_address_list, start, "unterminated domain literal");
}

}  // namespace smtpkit::message
