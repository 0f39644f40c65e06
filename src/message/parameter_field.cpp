// Parameter fields: each parameter's value in the first form that carries it
// (parameter_field.hpp), as one or more tokens for the FieldWriter.
#include "message/parameter_field.hpp"

#include <algorithm>
#include <vector>

#include "message/encoded_word.hpp"
#include "smtpkit/error.hpp"

namespace smtpkit::message {
namespace {

constexpr std::string_view charset_prefix = "UTF-8''";
// RFC 6838 4.2: type and subtype names are at most 127 characters each.
constexpr std::size_t max_value = 127 + 1 + 127;
// An encoded-word of this size holds any one character (B: 12 + 8).
constexpr std::size_t min_word_room = 24;

bool is_tspecial(char c) noexcept {
    return std::string_view("()<>@,;:\\\"/[]?=").find(c) != std::string_view::npos;
}

// RFC 2045 5.1 token octet.
bool is_token_char(char c) noexcept {
    return c > ' ' && c < 0x7f && !is_tspecial(c);
}

// RFC 2231 7 attribute-char: a token octet but '*', '\'' and '%'.
bool is_attribute_char(char c) noexcept {
    return is_token_char(c) && c != '*' && c != '\'' && c != '%';
}

// A value written without quotes. Only attribute-chars: a bare "'", '%' or
// '*' is legal in a token but makes some readers (Python's email among them)
// look for RFC 2231 syntax, and quotes cost nothing.
bool is_bare_value(std::string_view s) noexcept {
    return !s.empty() && std::all_of(s.begin(), s.end(), is_attribute_char);
}

// Printable US-ASCII, and UTF-8 under RFC 6532: what a quoted-string carries.
bool is_quotable(std::string_view s, bool utf8) noexcept {
    return std::all_of(s.begin(), s.end(), [&](char ch) {
        const auto c = static_cast<unsigned char>(ch);
        return (c >= 0x20 && c < 0x7f) || (utf8 && c >= 0x80);
    });
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

// One character of a value in the given form: escaped for a quoted-string,
// or percent-encoded for an extended value.
std::string quote_char(std::string_view ch) {
    return ch == "\"" || ch == "\\" ? "\\" + std::string(ch) : std::string(ch);
}
std::string percent_char(std::string_view ch) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (const char c : ch) {
        if (is_attribute_char(c)) {
            out += c;
        } else {
            const auto octet = static_cast<unsigned char>(c);
            out += '%';
            out += hex[octet >> 4];
            out += hex[octet & 0x0f];
        }
    }
    return out;
}

// The value cut into pieces of whole characters, each piece's form (built by
// `form` per character) at most `budget(index)` octets, at least one
// character each.
template <typename Form, typename Budget>
std::vector<std::string> cut(std::string_view value, Form form, Budget budget) {
    std::vector<std::string> pieces(1);
    for (std::size_t pos = 0; pos < value.size();) {
        const std::size_t n =
            std::min(utf8_length(static_cast<unsigned char>(value[pos])), value.size() - pos);
        const std::string encoded = form(value.substr(pos, n));
        if (!pieces.back().empty() &&
            pieces.back().size() + encoded.size() > budget(pieces.size() - 1)) {
            pieces.emplace_back();
        }
        pieces.back() += encoded;
        pos += n;
    }
    return pieces;
}

// Octets a parameter token may take so that " " + token fits a line.
std::size_t token_budget(std::size_t fixed) noexcept {
    return fixed + 1 < fold_width ? fold_width - 1 - fixed : 0;
}

// Every continuation but the last of all ends in ';' (RFC 2231 3).
std::string_view continuation_end(std::size_t i, std::size_t count,
                                  std::string_view separator) noexcept {
    return i + 1 < count ? ";" : separator;
}

// name="value" or name=token, or quoted continuations when too long.
std::vector<std::string> plain_tokens(const Parameter& p, std::string_view separator) {
    const std::string name(p.name);
    std::string whole = name + "=";
    if (is_bare_value(p.value)) {
        whole += p.value;
    } else {
        whole += '"';
        for (std::size_t pos = 0; pos < p.value.size(); ++pos) {
            whole += quote_char(p.value.substr(pos, 1));
        }
        whole += '"';
    }
    whole += separator;
    if (whole.size() <= token_budget(0)) {
        return {whole};
    }
    auto budget = [&](std::size_t i) {  // name*N="" and ';'
        return token_budget(name.size() + std::to_string(i).size() + 5);
    };
    std::vector<std::string> tokens = cut(p.value, quote_char, budget);
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        tokens[i] = name + "*" + std::to_string(i) + "=\"" + tokens[i] + "\"" +
                    std::string(continuation_end(i, tokens.size(), separator));
    }
    return tokens;
}

// name*=UTF-8''%XX..., or extended continuations when too long.
std::vector<std::string> extended_tokens(const Parameter& p, std::string_view separator) {
    const std::string name(p.name);
    std::string whole = name + "*=" + std::string(charset_prefix);
    for (std::size_t pos = 0; pos < p.value.size(); ++pos) {
        whole += percent_char(p.value.substr(pos, 1));
    }
    whole += separator;
    if (whole.size() <= token_budget(0)) {
        return {whole};
    }
    auto budget = [&](std::size_t i) {  // name*N*= and ';', the charset on the first
        const std::size_t charset = i == 0 ? charset_prefix.size() : 0;
        return token_budget(name.size() + std::to_string(i).size() + 4 + charset);
    };
    std::vector<std::string> tokens = cut(p.value, percent_char, budget);
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        const std::string_view charset = i == 0 ? charset_prefix : "";
        tokens[i] = name + "*" + std::to_string(i) + "*=" + std::string(charset) + tokens[i] +
                    std::string(continuation_end(i, tokens.size(), separator));
    }
    return tokens;
}

// name="=?UTF-8?B?...?= =?UTF-8?B?...?=": the words are tokens of their own,
// so the quoted string may fold between them.
std::vector<std::string> rfc2047_tokens(const Parameter& p, std::string_view separator) {
    // name=" and ", and the 2 octets by which lines with encoded-words are
    // shorter (RFC 2047 2)
    const std::size_t fixed = p.name.size() + 3 + separator.size() + (fold_width - encoded_width);
    const std::size_t room =
        std::max(min_word_room, std::min(max_encoded_word, token_budget(fixed)));
    std::vector<std::string> tokens;
    std::string_view rest = p.value;
    while (!rest.empty()) {
        tokens.push_back(take_encoded_word(rest, WordContext::phrase, room));
    }
    tokens.front() = std::string(p.name) + "=\"" + tokens.front();
    tokens.back() += "\"" + std::string(separator);
    return tokens;
}

std::vector<std::string> parameter_tokens(const Parameter& p, bool last, bool utf8) {
    const std::string_view separator = last ? "" : ";";
    // "=?" in a quoted string is taken for an encoded-word by some readers.
    if (is_quotable(p.value, utf8) && p.value.find("=?") == std::string_view::npos) {
        return plain_tokens(p, separator);
    }
    return p.rfc2047 ? rfc2047_tokens(p, separator) : extended_tokens(p, separator);
}

std::error_code check(std::string_view field, std::string_view value,
                      std::span<const Parameter> parameters) {
    if (std::error_code ec = check_field_name(field)) {
        return ec;
    }
    const bool value_ok = !value.empty() && value.size() <= max_value &&
                          std::all_of(value.begin(), value.end(),
                                      [](char c) { return is_token_char(c) || c == '/'; });
    if (!value_ok) {
        return error::invalid_header;
    }
    for (const Parameter& p : parameters) {
        const bool name_ok = !p.name.empty() && p.name.size() <= max_field_name &&
                             std::all_of(p.name.begin(), p.name.end(), is_attribute_char);
        if (!name_ok) {
            return error::invalid_header;
        }
        if (std::error_code ec = check_header_text(p.value)) {
            return ec;
        }
    }
    return {};
}

}  // namespace

std::string encode_parameter_field(std::string_view field, std::string_view value,
                                   std::span<const Parameter> parameters,
                                   const HeaderOptions& options, std::error_code& ec) {
    ec = check(field, value, parameters);
    if (ec) {
        return {};
    }
    FieldWriter writer(field);
    writer.put(" ", std::string(value) + (parameters.empty() ? "" : ";"));
    for (std::size_t i = 0; i < parameters.size(); ++i) {
        const bool last = i + 1 == parameters.size();
        for (const std::string& token : parameter_tokens(parameters[i], last, options.utf8)) {
            writer.put(" ", token, token.find("=?") != std::string::npos);
        }
    }
    return writer.finish();
}

}  // namespace smtpkit::message
