// The three charsets nearly every encoded-word uses are converted directly
// (exact, and no iconv descriptor per word); the rest of the world's
// charsets (windows-1252, ISO-8859-15, KOI8-R, ISO-2022-JP, GB2312, ...) go
// through the C library's iconv(3).
#include "charset_to_utf8.hpp"

#include <iconv.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <memory>

#include "smtpkit/protocol/address.hpp"

namespace smtpkit::message {
namespace {

bool iequals(std::string_view a, std::string_view b) noexcept {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
        const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; };
        return lower(x) == lower(y);
    });
}

bool is_one_of(std::string_view name, std::initializer_list<std::string_view> aliases) noexcept {
    return std::any_of(aliases.begin(), aliases.end(),
                       [name](std::string_view alias) { return iequals(name, alias); });
}

std::string latin1_to_utf8(std::string_view bytes) {
    std::string out;
    out.reserve(bytes.size() * 2);
    for (char ch : bytes) {
        const auto c = static_cast<unsigned char>(ch);
        if (c < 0x80) {
            out += ch;
        } else {
            out += static_cast<char>(0xC0 | (c >> 6));
            out += static_cast<char>(0x80 | (c & 0x3F));
        }
    }
    return out;
}

// A charset name as MIME registers them: letters, digits and "-_.:+". This
// also keeps iconv's "//TRANSLIT" and "//IGNORE" suffixes out.
bool is_plausible_charset(std::string_view name) noexcept {
    constexpr std::size_t max_charset_name = 40;
    if (name.empty() || name.size() > max_charset_name) {
        return false;
    }
    return std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               std::string_view("-_.:+").find(c) != std::string_view::npos;
    });
}

struct IconvCloser {
    void operator()(void* cd) const noexcept { iconv_close(static_cast<iconv_t>(cd)); }
};

std::optional<std::string> iconv_to_utf8(std::string_view charset, std::string_view bytes) {
    if (!is_plausible_charset(charset)) {
        return std::nullopt;
    }
    const std::string name(charset);
    iconv_t cd = iconv_open("UTF-8", name.c_str());
    if (cd == reinterpret_cast<iconv_t>(static_cast<std::intptr_t>(-1))) {
        return std::nullopt;
    }
    const std::unique_ptr<void, IconvCloser> closer(cd);
    std::string in(bytes);  // iconv's input pointer is not const
    char* in_ptr = in.data();
    std::size_t in_left = in.size();
    std::string out;
    char buf[512];
    for (bool flushing = false;; flushing = in_left == 0) {
        char* out_ptr = buf;
        std::size_t out_left = sizeof buf;
        // A null input flushes a stateful charset's shift sequence at the end.
        const std::size_t rc = flushing ? iconv(cd, nullptr, nullptr, &out_ptr, &out_left)
                                        : iconv(cd, &in_ptr, &in_left, &out_ptr, &out_left);
        out.append(buf, static_cast<std::size_t>(out_ptr - buf));
        if (rc == static_cast<std::size_t>(-1) && errno != E2BIG) {
            return std::nullopt;  // EILSEQ, EINVAL: not valid in this charset
        }
        if (flushing && rc != static_cast<std::size_t>(-1)) {
            break;
        }
    }
    if (!protocol::is_valid_utf8(out)) {
        return std::nullopt;
    }
    return out;
}

}  // namespace

std::optional<std::string> charset_to_utf8(std::string_view charset, std::string_view bytes) {
    if (is_one_of(charset, {"utf-8", "utf8"})) {
        return protocol::is_valid_utf8(bytes) ? std::optional<std::string>(bytes) : std::nullopt;
    }
    if (is_one_of(charset, {"us-ascii", "ascii", "ansi_x3.4-1968"})) {
        const bool ascii = std::all_of(bytes.begin(), bytes.end(),
                                       [](char c) { return static_cast<unsigned char>(c) < 0x80; });
        return ascii ? std::optional<std::string>(bytes) : std::nullopt;
    }
    if (is_one_of(charset, {"iso-8859-1", "iso_8859-1", "iso8859-1", "latin1", "l1"})) {
        return latin1_to_utf8(bytes);
    }
    return iconv_to_utf8(charset, bytes);
}

}  // namespace smtpkit::message
