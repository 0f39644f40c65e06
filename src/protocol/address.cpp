// RFC 5321 4.1.2 / 4.1.3 mailbox syntax with the RFC 6531 UTF-8 extensions.
// The checks work on octets; UTF-8 is validated once for the whole input, so
// the grammar below may treat every octet >= 0x80 as part of a valid
// character (multi-octet sequences never contain ASCII delimiters).
#include "smtpkit/protocol/address.hpp"

#include "smtpkit/error.hpp"
#include "smtpkit/protocol/command.hpp"

namespace smtpkit::protocol {
namespace {

constexpr std::size_t max_local_part = 64;  // RFC 5321 4.5.3.1.1
constexpr std::size_t max_domain = 255;     // RFC 5321 4.5.3.1.2
constexpr std::size_t max_label = 63;       // RFC 1035 2.3.4
constexpr std::size_t max_path = 256;       // RFC 5321 4.5.3.1.3, with "<" and ">"

bool is_alpha(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_digit(unsigned char c) {
    return c >= '0' && c <= '9';
}
bool is_hex(unsigned char c) {
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
bool is_8bit(unsigned char c) {
    return c >= 0x80;
}

// RFC 5322 atext, plus UTF8-non-ascii (RFC 6531 3.3).
bool is_atext(unsigned char c) {
    if (is_alpha(c) || is_digit(c) || is_8bit(c)) {
        return true;
    }
    constexpr std::string_view specials = "!#$%&'*+-/=?^_`{|}~";
    return specials.find(static_cast<char>(c)) != std::string_view::npos;
}

// qtextSMTP: %d32-33 / %d35-91 / %d93-126, plus UTF8-non-ascii.
bool is_qtext(unsigned char c) {
    return (c >= 32 && c <= 126 && c != '"' && c != '\\') || is_8bit(c);
}

bool has_8bit(std::string_view s) {
    for (char c : s) {
        if (is_8bit(static_cast<unsigned char>(c))) {
            return true;
        }
    }
    return false;
}

// Dot-string = Atom *("." Atom)
bool is_dot_string(std::string_view s) {
    if (s.empty() || s.front() == '.' || s.back() == '.') {
        return false;
    }
    char prev = 0;
    for (char c : s) {
        if (c == '.' ? prev == '.' : !is_atext(static_cast<unsigned char>(c))) {
            return false;
        }
        prev = c;
    }
    return true;
}

// sub-domain = Let-dig [Ldh-str]; a U-label's octets count as letters.
bool is_label(std::string_view s) {
    if (s.empty() || s.size() > max_label || s.front() == '-' || s.back() == '-') {
        return false;
    }
    for (char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        if (!is_alpha(c) && !is_digit(c) && c != '-' && !is_8bit(c)) {
            return false;
        }
    }
    return true;
}

bool is_domain_name(std::string_view s) {
    if (s.empty() || s.size() > max_domain) {
        return false;
    }
    for (;;) {
        const auto dot = s.find('.');
        if (!is_label(s.substr(0, dot))) {
            return false;
        }
        if (dot == std::string_view::npos) {
            return true;
        }
        s.remove_prefix(dot + 1);
    }
}

// Snum "." Snum "." Snum "." Snum, each 1-3 digits and at most 255.
bool is_ipv4(std::string_view s) {
    for (int part = 0; part < 4; ++part) {
        if (part > 0) {
            if (s.empty() || s.front() != '.') {
                return false;
            }
            s.remove_prefix(1);
        }
        std::size_t n = 0;
        int value = 0;
        while (n < s.size() && n < 3 && is_digit(static_cast<unsigned char>(s[n]))) {
            value = value * 10 + (s[n] - '0');
            ++n;
        }
        if (n == 0 || value > 255) {
            return false;
        }
        s.remove_prefix(n);
    }
    return s.empty();
}

bool is_hex_group(std::string_view s) {
    if (s.empty() || s.size() > 4) {
        return false;
    }
    for (char c : s) {
        if (!is_hex(static_cast<unsigned char>(c))) {
            return false;
        }
    }
    return true;
}

// Counts the ':'-separated hex groups of one side of an IPv6 address; the
// last piece may be an IPv4 address when `v4_allowed`.
bool ipv6_groups(std::string_view s, bool v4_allowed, int& groups, bool& v4) {
    groups = 0;
    v4 = false;
    if (s.empty()) {
        return true;
    }
    for (;;) {
        const auto colon = s.find(':');
        const auto piece = s.substr(0, colon);
        if (colon == std::string_view::npos && v4_allowed &&
            piece.find('.') != std::string_view::npos) {
            v4 = true;
            return is_ipv4(piece);
        }
        if (!is_hex_group(piece)) {
            return false;
        }
        ++groups;
        if (colon == std::string_view::npos) {
            return true;
        }
        s.remove_prefix(colon + 1);
    }
}

// RFC 5321 IPv6-full / IPv6-comp / IPv6v4-full / IPv6v4-comp. Stricter than
// RFC 4291: "::" must stand for at least two groups.
bool is_ipv6(std::string_view s) {
    int left = 0;
    int right = 0;
    bool v4 = false;
    const auto gap = s.find("::");
    if (gap == std::string_view::npos) {
        return ipv6_groups(s, true, left, v4) && left == (v4 ? 6 : 8);
    }
    if (s.find("::", gap + 1) != std::string_view::npos) {
        return false;
    }
    bool left_v4 = false;
    return ipv6_groups(s.substr(0, gap), false, left, left_v4) &&
           ipv6_groups(s.substr(gap + 2), true, right, v4) && left + right <= (v4 ? 4 : 6);
}

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        const auto x = static_cast<unsigned char>(a[i]);
        const auto y = static_cast<unsigned char>(b[i]);
        if ((is_alpha(x) ? (x | 0x20) : x) != (is_alpha(y) ? (y | 0x20) : y)) {
            return false;
        }
    }
    return true;
}

// "[" ( IPv4 / "IPv6:" IPv6 / Standardized-tag ":" 1*dcontent ) "]"
bool is_address_literal(std::string_view s) {
    if (s.size() < 3 || s.front() != '[' || s.back() != ']') {
        return false;
    }
    s = s.substr(1, s.size() - 2);
    const auto colon = s.find(':');
    if (colon == std::string_view::npos) {
        return is_ipv4(s);
    }
    const auto tag = s.substr(0, colon);
    const auto rest = s.substr(colon + 1);
    if (iequals(tag, "IPv6")) {
        return is_ipv6(rest);
    }
    // General-address-literal: the tag is an Ldh-str ending in a Let-dig.
    // We also want it to start with a letter, as every registered tag does,
    // so a bare IPv6 address ("[2001:db8::1]") is not taken for one.
    if (tag.empty() || !is_alpha(static_cast<unsigned char>(tag.front())) || tag.back() == '-' ||
        rest.empty()) {
        return false;
    }
    for (char ch : tag) {
        const auto c = static_cast<unsigned char>(ch);
        if (!is_alpha(c) && !is_digit(c) && c != '-') {
            return false;
        }
    }
    for (char ch : rest) {
        const auto c = static_cast<unsigned char>(ch);
        if (c < 33 || c > 126 || c == '[' || c == '\\' || c == ']') {
            return false;
        }
    }
    return true;
}

bool is_domain_part(std::string_view s) {
    return !s.empty() && s.front() == '[' ? is_address_literal(s) : is_domain_name(s);
}

// Parses a Quoted-string at the start of `s` into its unescaped content.
// Returns the octets consumed, or 0 when it is not a valid Quoted-string.
std::size_t parse_quoted(std::string_view s, std::string& content) {
    for (std::size_t i = 1; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c == '"') {
            return i + 1;
        }
        if (c == '\\') {
            // quoted-pairSMTP: "\" followed by %d32-126 (ASCII only)
            if (i + 1 >= s.size()) {
                return 0;
            }
            const auto next = static_cast<unsigned char>(s[++i]);
            if (next < 32 || next > 126) {
                return 0;
            }
            content += static_cast<char>(next);
        } else if (is_qtext(c)) {
            content += static_cast<char>(c);
        } else {
            return 0;
        }
    }
    return 0;  // no closing quote
}

// The local part as it goes on the wire: unquoted when the content is a
// Dot-string, otherwise quoted with only '"' and '\' escaped.
std::string canonical_local(const std::string& content) {
    if (is_dot_string(content)) {
        return content;
    }
    std::string out = "\"";
    for (char c : content) {
        if (c == '"' || c == '\\') {
            out += '\\';
        }
        out += c;
    }
    out += '"';
    return out;
}

std::string fail(std::error_code& ec, error e) {
    ec = e;
    return {};
}

}  // namespace

std::string canonical_address(std::string_view input, const AddressRules& rules,
                              std::error_code& ec) {
    ec.clear();
    // Controls first, before any parsing: an injection attempt always gets
    // the same clear error whatever else is wrong with the text.
    if (has_forbidden_octet(input)) {
        return fail(ec, error::invalid_character);
    }
    if (has_8bit(input)) {
        if (!rules.allow_utf8) {
            return fail(ec, error::utf8_not_allowed);
        }
        if (!is_valid_utf8(input)) {
            return fail(ec, error::invalid_address);
        }
    }
    if (!input.empty() && input.front() == '<') {
        if (input.size() < 2 || input.back() != '>') {
            return fail(ec, error::invalid_address);
        }
        input = input.substr(1, input.size() - 2);
    } else if (!input.empty() && input.back() == '>') {
        return fail(ec, error::invalid_address);
    }
    if (input.empty()) {
        return rules.allow_null ? std::string{} : fail(ec, error::invalid_address);
    }
    // A source route ("@a,@b:user@c") starts with '@'; we never send one.
    if (input.front() == '@') {
        return fail(ec, error::invalid_address);
    }

    std::string local;
    std::size_t at = 0;
    if (input.front() == '"') {
        at = parse_quoted(input, local);
        if (at == 0) {
            return fail(ec, error::invalid_address);
        }
    } else {
        at = input.find('@');
        if (at == std::string_view::npos) {
            return fail(ec, error::invalid_address);
        }
        local = std::string(input.substr(0, at));
        if (!is_dot_string(local)) {
            return fail(ec, error::invalid_address);
        }
    }
    if (at >= input.size() || input[at] != '@') {
        return fail(ec, error::invalid_address);
    }
    const auto domain = input.substr(at + 1);
    if (!is_domain_part(domain)) {
        return fail(ec, error::invalid_address);
    }

    std::string out = canonical_local(local);
    if (out.size() > max_local_part) {
        return fail(ec, error::invalid_address);
    }
    out += '@';
    out += domain;
    if (out.size() + 2 > max_path) {
        return fail(ec, error::invalid_address);
    }
    return out;
}

bool is_utf8_address(std::string_view address) noexcept {
    return has_8bit(address);
}

bool is_valid_utf8(std::string_view s) noexcept {
    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        std::size_t len = 0;
        unsigned char lo = 0x80;
        unsigned char hi = 0xBF;  // the range of the second octet
        if (c < 0x80) {
            ++i;
            continue;
        } else if (c >= 0xC2 && c <= 0xDF) {
            len = 2;
        } else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            lo = c == 0xE0 ? 0xA0 : 0x80;
            hi = c == 0xED ? 0x9F : 0xBF;
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            lo = c == 0xF0 ? 0x90 : 0x80;
            hi = c == 0xF4 ? 0x8F : 0xBF;
        } else {
            return false;
        }
        if (s.size() - i < len) {
            return false;
        }
        for (std::size_t k = 1; k < len; ++k) {
            const auto t = static_cast<unsigned char>(s[i + k]);
            if (t < (k == 1 ? lo : 0x80) || t > (k == 1 ? hi : 0xBF)) {
                return false;
            }
        }
        i += len;
    }
    return true;
}

bool is_valid_domain(std::string_view domain, bool allow_utf8) noexcept {
    if (has_forbidden_octet(domain)) {
        return false;
    }
    if (has_8bit(domain) && (!allow_utf8 || !is_valid_utf8(domain))) {
        return false;
    }
    return is_domain_part(domain);
}

}  // namespace smtpkit::protocol
