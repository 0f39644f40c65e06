#include "compat/wide_string.hpp"

#include <algorithm>
#include <cstring>

namespace smtpkit::compat {
namespace {

constexpr char32_t replacement = 0xFFFD;

void append_utf8(std::string& out, char32_t cp) {
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        cp = replacement;
    }
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

void append_wide(std::wstring& out, char32_t cp) {
    if constexpr (sizeof(wchar_t) == 2) {
        if (cp >= 0x10000) {
            cp -= 0x10000;
            out += static_cast<wchar_t>(0xD800 + (cp >> 10));
            out += static_cast<wchar_t>(0xDC00 + (cp & 0x3FF));
            return;
        }
    }
    out += static_cast<wchar_t>(cp);
}

// The code point at `i` (advancing `i`), U+FFFD for a malformed sequence.
char32_t next_code_point(std::string_view s, std::size_t& i) {
    const auto lead = static_cast<unsigned char>(s[i++]);
    if (lead < 0x80) {
        return lead;
    }
    const std::size_t extra = lead >= 0xF0 && lead < 0xF5 ? 3
                              : lead >= 0xE0              ? 2
                              : lead >= 0xC2              ? 1
                                                          : 0;
    if (extra == 0 || lead >= 0xF5) {
        return replacement;
    }
    char32_t cp = lead & (0x3F >> extra);
    for (std::size_t k = 0; k < extra; ++k) {
        if (i >= s.size() || (static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
            return replacement;
        }
        cp = (cp << 6) | (static_cast<unsigned char>(s[i++]) & 0x3F);
    }
    static constexpr char32_t least[] = {0, 0x80, 0x800, 0x10000};
    const bool overlong = cp < least[extra];
    const bool surrogate = cp >= 0xD800 && cp <= 0xDFFF;
    return overlong || surrogate || cp > 0x10FFFF ? replacement : cp;
}

}  // namespace

std::string to_utf8(std::wstring_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        auto cp = static_cast<char32_t>(text[i]);
        if constexpr (sizeof(wchar_t) == 2) {
            const bool high = cp >= 0xD800 && cp <= 0xDBFF;
            if (high && i + 1 < text.size() && text[i + 1] >= 0xDC00 && text[i + 1] <= 0xDFFF) {
                cp = 0x10000 + ((cp - 0xD800) << 10) + (static_cast<char32_t>(text[++i]) - 0xDC00);
            }
        }
        append_utf8(out, cp);
    }
    return out;
}

std::string to_utf8(const wchar_t* text) {
    return text == nullptr ? std::string() : to_utf8(std::wstring_view(text));
}

std::wstring to_wide(std::string_view utf8) {
    std::wstring out;
    out.reserve(utf8.size());
    for (std::size_t i = 0; i < utf8.size();) {
        append_wide(out, next_code_point(utf8, i));
    }
    return out;
}

INT copy_out(std::string_view text, char* buffer, INT max_length) {
    if (buffer == nullptr || max_length < 1) {
        return -1;
    }
    const std::size_t n = std::min(text.size(), static_cast<std::size_t>(max_length) - 1);
    std::memcpy(buffer, text.data(), n);
    buffer[n] = '\0';
    return static_cast<INT>(n);
}

INT copy_out(std::string_view utf8, wchar_t* buffer, INT max_length) {
    if (buffer == nullptr || max_length < 1) {
        return -1;
    }
    const std::wstring wide = to_wide(utf8);
    const std::size_t n = std::min(wide.size(), static_cast<std::size_t>(max_length) - 1);
    std::copy_n(wide.data(), n, buffer);
    buffer[n] = L'\0';
    return static_cast<INT>(n);
}

bool fits(std::string_view text, const char* buffer, INT max_length) {
    return buffer != nullptr && max_length >= 1 &&
           text.size() < static_cast<std::size_t>(max_length);
}

bool fits(std::string_view utf8, const wchar_t* buffer, INT max_length) {
    return buffer != nullptr && max_length >= 1 &&
           to_wide(utf8).size() < static_cast<std::size_t>(max_length);
}

}  // namespace smtpkit::compat
