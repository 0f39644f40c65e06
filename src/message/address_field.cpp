// Address fields: each display name in the first form that carries it
// exactly, each address checked and written as given.
#include "message/address_field.hpp"

#include <algorithm>

#include "message/encoded_word.hpp"
#include "smtpkit/error.hpp"
#include "smtpkit/protocol/address.hpp"

namespace smtpkit::message {
namespace {

// Plain tokens (atoms, quoted names, addresses) longer than this are not
// written plain: with " " or "Name: " before them they would not fit a
// 78-octet line (998 with UTF-8, where the limit is the hard one).
constexpr std::size_t max_plain_ascii = fold_width - 1;
constexpr std::size_t max_plain_utf8 = 900;

// RFC 5322 3.2.3 atext; UTF-8 too under RFC 6532.
bool is_atext(char ch, bool utf8) noexcept {
    const auto c = static_cast<unsigned char>(ch);
    if (c >= 0x80) {
        return utf8;
    }
    if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) {
        return true;
    }
    return std::string_view("!#$%&'*+-/=?^_`{|}~").find(ch) != std::string_view::npos;
}

// RFC 5322 3.2.4 qtext plus space (and UTF-8 under RFC 6532): what a
// quoted-string carries, '"' and '\' escaped.
bool is_quotable(char ch, bool utf8) noexcept {
    const auto c = static_cast<unsigned char>(ch);
    return (c >= 0x20 && c < 0x7f) || (utf8 && c >= 0x80);
}

std::size_t plain_limit(bool utf8) noexcept {
    return utf8 ? max_plain_utf8 : max_plain_ascii;
}

// Words of atext separated by single spaces, each short enough to fold.
bool is_atom_phrase(std::string_view name, bool utf8) {
    std::size_t word = 0;
    for (std::size_t i = 0; i < name.size(); ++i) {
        if (name[i] == ' ') {
            if (word == 0 || i + 1 == name.size()) {
                return false;  // leading, trailing or double space
            }
            word = 0;
        } else if (!is_atext(name[i], utf8) || ++word > plain_limit(utf8)) {
            return false;
        }
    }
    return true;
}

std::string quoted(std::string_view name) {
    std::string out = "\"";
    for (const char c : name) {
        if (c == '"' || c == '\\') {
            out += '\\';
        }
        out += c;
    }
    out += '"';
    return out;
}

void put_name(FieldWriter& writer, std::string_view name, bool utf8) {
    // "=?" anywhere would be read as an encoded-word, even inside quotes.
    const bool looks_encoded = name.find("=?") != std::string_view::npos;
    if (!looks_encoded && is_atom_phrase(name, utf8)) {
        std::size_t pos = 0;
        while (pos <= name.size()) {
            const std::size_t end = std::min(name.find(' ', pos), name.size());
            writer.put(" ", name.substr(pos, end - pos));
            pos = end + 1;
        }
        return;
    }
    const bool quotable =
        std::all_of(name.begin(), name.end(), [&](char c) { return is_quotable(c, utf8); });
    if (!looks_encoded && quotable) {
        const std::string text = quoted(name);
        if (text.size() <= plain_limit(utf8)) {
            writer.put(" ", text);
            return;
        }
    }
    put_encoded_words(writer, " ", name, WordContext::phrase);
}

std::error_code check_mailbox(const MailboxRef& mailbox, bool utf8) {
    if (std::error_code ec = check_header_text(mailbox.name)) {
        return ec;
    }
    std::error_code ec;
    protocol::canonical_address(mailbox.address, {.allow_utf8 = utf8, .allow_null = false}, ec);
    if (!ec && (mailbox.address.front() == '<' || mailbox.address.size() > max_plain_utf8)) {
        ec = error::invalid_address;  // written as given: no angle brackets of its own
    }
    return ec;
}

}  // namespace

std::string encode_address_field(std::string_view field, std::span<const MailboxRef> mailboxes,
                                 const HeaderOptions& options, std::error_code& ec) {
    ec = check_field_name(field);
    if (!ec && mailboxes.empty()) {
        ec = error::invalid_header;
    }
    for (std::size_t i = 0; !ec && i < mailboxes.size(); ++i) {
        ec = check_mailbox(mailboxes[i], options.utf8);
    }
    if (ec) {
        return {};
    }
    FieldWriter writer(field);
    for (std::size_t i = 0; i < mailboxes.size(); ++i) {
        const MailboxRef& mailbox = mailboxes[i];
        const std::string_view separator = i + 1 < mailboxes.size() ? "," : "";
        if (mailbox.name.empty()) {
            writer.put(" ", std::string(mailbox.address) + std::string(separator));
            continue;
        }
        put_name(writer, mailbox.name, options.utf8);
        writer.put(" ", "<" + std::string(mailbox.address) + ">" + std::string(separator));
    }
    return writer.finish();
}

}  // namespace smtpkit::message
