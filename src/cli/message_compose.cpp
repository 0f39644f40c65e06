#include "cli/message_compose.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>

#include "smtpkit/error.hpp"
#include "smtpkit/protocol/address.hpp"

namespace smtpkit::cli {
namespace {

constexpr std::size_t fold_column = 78;        // RFC 5322 2.1.1: SHOULD
constexpr std::size_t max_line = 998;          // RFC 5322 2.1.1: MUST
constexpr std::size_t encoded_line = 76;       // RFC 2047 2: lines with encoded-words
constexpr std::size_t base64_line_bytes = 57;  // 76 base64 characters per body line
constexpr std::string_view crlf = "\r\n";

bool is_control(unsigned char c) {
    return (c < 0x20 && c != '\t') || c == 0x7f;
}

bool has_non_ascii(std::string_view s) {
    return std::any_of(s.begin(), s.end(),
                       [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
}

std::string base64(std::string_view bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<const unsigned char*>(bytes.data()),
                                  static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

// The longest prefix of `text` of at most `limit` octets that ends on a
// UTF-8 character boundary (an encoded-word must hold whole characters).
std::size_t utf8_prefix(std::string_view text, std::size_t limit) {
    if (text.size() <= limit) {
        return text.size();
    }
    std::size_t n = limit;
    while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) {
        --n;
    }
    // Not UTF-8 after all (callers check first): cut anywhere, never loop.
    return n > 0 ? n : limit;
}

// Octets of text that fit in one "=?UTF-8?B?...?=" of at most `room` columns.
std::size_t encoded_word_capacity(std::size_t room) {
    constexpr std::size_t overhead = std::string_view(
                                         "=?UTF-8?B?"
                                         "?=")
                                         .size();
    return room > overhead ? 3 * ((room - overhead) / 4) : 0;
}

// RFC 2047 encoded-words, one per line, every line within 76 columns.
std::string encoded_words(std::string_view name, std::string_view value) {
    std::string out(name);
    out += ": ";
    std::size_t room = encoded_line - out.size();
    bool first = true;
    while (!value.empty()) {
        const std::size_t n = utf8_prefix(value, encoded_word_capacity(room));
        if (!first) {
            out += crlf;
            out += ' ';
        }
        out += "=?UTF-8?B?" + base64(value.substr(0, n)) + "?=";
        value.remove_prefix(n);
        room = encoded_line - 1;
        first = false;
    }
    return out;
}

// An unstructured header folded at spaces before column 78 (RFC 5322 3.2.2);
// a word longer than a line stays whole.
std::string folded_text(std::string_view name, std::string_view value) {
    std::string out(name);
    out += ':';
    std::size_t line_start = 0;
    bool first = true;
    while (true) {
        const std::size_t space = value.find(' ');
        const std::string_view word = value.substr(0, space);
        // Fold only before a word: a folded line must not be all white space.
        if (!first && !word.empty() && out.size() - line_start + 1 + word.size() > fold_column) {
            out += crlf;
            line_start = out.size();
        }
        out += ' ';
        out += word;
        first = false;
        if (space == std::string_view::npos) {
            break;
        }
        value.remove_prefix(space + 1);
    }
    return out;
}

std::size_t longest_word(std::string_view text) {
    std::size_t longest = 0;
    std::size_t current = 0;
    for (char c : text) {
        current = (c == ' ' || c == '\t') ? 0 : current + 1;
        longest = std::max(longest, current);
    }
    return longest;
}

std::string hex(const unsigned char* bytes, std::size_t n) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    for (std::size_t i = 0; i < n; ++i) {
        out += digits[bytes[i] >> 4];
        out += digits[bytes[i] & 0x0F];
    }
    return out;
}

// Checks one option's text; sets ec and returns false when it cannot be sent.
bool check_text(std::string_view text, bool single_line, std::error_code& ec) {
    for (char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (c == 0 || (single_line && is_control(c))) {
            ec = make_error_code(error::invalid_character);
            return false;
        }
    }
    if (!protocol::is_valid_utf8(text)) {
        ec = std::make_error_code(std::errc::illegal_byte_sequence);
        return false;
    }
    return true;
}

}  // namespace

std::string subject_header(std::string_view subject) {
    // "=?" in plain text would be read as the start of an encoded-word, and a
    // word longer than a line cannot be folded: encode both.
    const bool plain = !has_non_ascii(subject) && subject.find("=?") == std::string_view::npos &&
                       longest_word(subject) + std::string_view("Subject: ").size() <= max_line;
    return plain ? folded_text("Subject", subject) : encoded_words("Subject", subject);
}

std::string address_list_header(std::string_view name, const std::vector<std::string>& addresses) {
    std::string out(name);
    out += ':';
    std::size_t line_start = 0;
    for (std::size_t i = 0; i < addresses.size(); ++i) {
        if (i > 0) {
            out += ',';
            if (out.size() - line_start + 1 + addresses[i].size() > fold_column) {
                out += crlf;
                line_start = out.size();
            }
        }
        out += ' ';
        out += addresses[i];
    }
    return out;
}

EncodedBody encode_body(std::string_view text) {
    EncodedBody body;
    std::string& out = body.content;
    out.reserve(text.size() + text.size() / 32 + 2);
    std::size_t line = 0;
    std::size_t longest = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '\r' || c == '\n') {
            // CRLF, a bare LF and a bare CR each end one line.
            if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
                ++i;
            }
            out += crlf;
            line = 0;
            continue;
        }
        out += c;
        longest = std::max(longest, ++line);
    }
    if (line > 0) {
        out += crlf;
    }
    if (longest > max_line) {
        // 7bit and 8bit bodies are limited to 998-octet lines; base64 is not.
        std::string encoded;
        for (std::size_t pos = 0; pos < out.size(); pos += base64_line_bytes) {
            encoded += base64(std::string_view(out).substr(pos, base64_line_bytes));
            encoded += crlf;
        }
        body.content = std::move(encoded);
        body.encoding = "base64";
    } else {
        body.encoding = has_non_ascii(out) ? "8bit" : "7bit";
    }
    return body;
}

std::string rfc5322_date(std::time_t t) {
    static constexpr std::array<const char*, 7> days = {"Sun", "Mon", "Tue", "Wed",
                                                        "Thu", "Fri", "Sat"};
    static constexpr std::array<const char*, 12> months = {
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    std::tm tm{};
    if (::localtime_r(&t, &tm) == nullptr) {
        std::time_t epoch = 0;
        ::gmtime_r(&epoch, &tm);
    }
    const long offset_minutes = tm.tm_gmtoff / 60;
    const long abs_offset = offset_minutes < 0 ? -offset_minutes : offset_minutes;
    std::array<char, 64> buf{};
    std::snprintf(buf.data(), buf.size(), "%s, %02d %s %04d %02d:%02d:%02d %c%02ld%02ld",
                  days[static_cast<std::size_t>(tm.tm_wday % 7)], tm.tm_mday,
                  months[static_cast<std::size_t>(tm.tm_mon % 12)], tm.tm_year + 1900, tm.tm_hour,
                  tm.tm_min, tm.tm_sec, offset_minutes < 0 ? '-' : '+', abs_offset / 60,
                  abs_offset % 60);
    return buf.data();
}

std::optional<std::string> make_message_id(std::string_view host) {
    std::array<unsigned char, 16> random{};
    if (RAND_bytes(random.data(), static_cast<int>(random.size())) != 1) {
        return std::nullopt;
    }
    return "<" + hex(random.data(), random.size()) + "@" + std::string(host) + ">";
}

std::string local_host_name() {
    std::array<char, 256> name{};
    if (::gethostname(name.data(), name.size() - 1) != 0) {
        return "localhost";
    }
    std::string host(name.data());
    return protocol::is_valid_domain(host, false) ? host : "localhost";
}

std::string compose_message(const ComposeInput& input, const ComposeContext& context,
                            std::error_code& ec, std::string& bad_field) {
    ec.clear();
    if (!check_text(input.subject, true, ec)) {
        bad_field = "--subject";
        return {};
    }
    if (!check_text(input.text, false, ec)) {
        bad_field = "--text";
        return {};
    }
    const EncodedBody body = encode_body(input.text);
    std::string out;
    const auto header = [&out](std::string_view line) {
        out += line;
        out += crlf;
    };
    header("Date: " + rfc5322_date(context.now));
    header("From: " + input.from);
    header(address_list_header("To", input.to));
    if (!input.subject.empty()) {
        header(subject_header(input.subject));
    }
    if (!context.message_id.empty()) {
        header("Message-ID: " + context.message_id);
    }
    header("MIME-Version: 1.0");
    header("Content-Type: text/plain; charset=utf-8");
    header("Content-Transfer-Encoding: " + body.encoding);
    out += crlf;
    out += body.content;
    return out;
}

}  // namespace smtpkit::cli
