// The list level of the address grammar (address_grammar.hpp).
#include "address_grammar.hpp"

#include <utility>
#include <variant>

namespace smtpkit::message {
namespace {

bool is_separator(char c) noexcept {
    return c == ',' || c == ';';
}

}  // namespace

bool AddressParser::check_input() {
    if (text_.size() > limits_.max_size) {
        return lex_.fail(error::invalid_address_list, limits_.max_size,
                         "longer than AddressListLimits::max_size");
    }
    const std::size_t bad = find_forbidden_octet(text_);
    if (bad != std::string_view::npos) {
        const bool line_break = text_[bad] == '\r' || text_[bad] == '\n';
        return lex_.fail(error::invalid_character, bad,
                         line_break ? "CR or LF that is not part of a folded line"
                                    : "a control character (NUL, DEL, ...)");
    }
    return true;
}

bool AddressParser::count_mailbox(std::size_t start) {
    if (++mailboxes_ > limits_.max_addresses) {
        return lex_.fail(error::invalid_address_list, start,
                         "more addresses than AddressListLimits::max_addresses");
    }
    return true;
}

Phrase AddressParser::phrase() {
    Phrase words;
    for (;;) {
        const bool space = lex_.skip_cfws();
        const char c = lex_.peek();
        if (lex_.at_end()) {
            break;
        }
        PhrasePiece piece{PhrasePiece::Kind::atom, {}, space};
        if (c == '"') {
            piece.kind = PhrasePiece::Kind::quoted;
            if (!lex_.quoted_string(piece.text)) {
                break;
            }
        } else if (c == '.') {
            piece.kind = PhrasePiece::Kind::dot;
            piece.text = ".";
            lex_.advance();
        } else if (is_atext(c)) {
            piece.text = lex_.atom();
        } else {
            break;
        }
        words.push_back(std::move(piece));
    }
    return words;
}

std::optional<Address> AddressParser::address(std::string_view group_error) {
    const std::size_t start = lex_.pos();
    Phrase words = phrase();
    if (lex_.failed()) {
        return std::nullopt;
    }
    switch (lex_.peek()) {
        case '<': {
            Mailbox mailbox{display_name(words), {}};
            if (!angle_addr(mailbox.address) || !count_mailbox(start)) {
                return std::nullopt;
            }
            return mailbox;
        }
        case ':':
            if (words.empty()) {
                lex_.fail("a ':' with no group name before it");
                return std::nullopt;
            }
            if (!group_error.empty()) {
                lex_.fail(error::invalid_address_list, start, group_error);
                return std::nullopt;
            }
            return group(display_name(words));
        case '@': {
            Mailbox mailbox;
            if (!addr_spec(words, start, mailbox.address)) {
                return std::nullopt;
            }
            // "a@b <a@b>": some software writes the address as its own
            // display name, unquoted.
            lex_.skip_cfws();
            if (lex_.peek() == '<') {
                mailbox.name = mailbox.address;
                if (!angle_addr(mailbox.address)) {
                    return std::nullopt;
                }
            }
            if (!count_mailbox(start)) {
                return std::nullopt;
            }
            return mailbox;
        }
        default:
            if (words.empty()) {
                lex_.fail("expected an address");
            } else {
                lex_.fail(error::invalid_address_list, start, "an address without '@domain'");
            }
            return std::nullopt;
    }
}

// group = display-name ":" [group-list] ";"; the members are mailboxes.
std::optional<Address> AddressParser::group(std::string name) {
    lex_.advance();  // ':'
    AddressGroup result{std::move(name), {}};
    for (;;) {
        lex_.skip_cfws();
        if (lex_.at_end()) {
            break;  // the ';' left off at the end of the text: tolerated
        }
        if (lex_.peek() == ';') {
            lex_.advance();
            break;
        }
        if (lex_.peek() == ',') {
            lex_.advance();
            continue;
        }
        auto member = address("a group inside a group");
        if (!member) {
            return std::nullopt;
        }
        result.members.push_back(std::get<Mailbox>(std::move(*member)));
        lex_.skip_cfws();
        if (!lex_.at_end() && !is_separator(lex_.peek())) {
            lex_.fail("expected ',' or ';' after a group member");
            return std::nullopt;
        }
    }
    if (lex_.failed()) {
        return std::nullopt;
    }
    return result;
}

std::vector<Address> AddressParser::list() {
    std::vector<Address> out;
    if (!check_input()) {
        return out;
    }
    for (;;) {
        lex_.skip_cfws();
        if (lex_.at_end()) {
            break;
        }
        if (is_separator(lex_.peek())) {
            lex_.advance();  // an empty element ("a@b,,c@d", a trailing ',')
            continue;
        }
        auto element = address({});
        if (!element) {
            break;
        }
        const bool was_group = std::holds_alternative<AddressGroup>(*element);
        out.push_back(std::move(*element));
        lex_.skip_cfws();
        if (lex_.at_end()) {
            break;
        }
        if (is_separator(lex_.peek())) {
            lex_.advance();
        } else if (!was_group) {  // a group's own ';' separates it already
            lex_.fail("expected ',' or ';' between addresses");
            break;
        }
    }
    if (lex_.failed()) {
        out.clear();
    }
    return out;
}

std::optional<Mailbox> AddressParser::single() {
    if (!check_input()) {
        return std::nullopt;
    }
    lex_.skip_cfws();
    if (lex_.at_end()) {
        lex_.fail("no mailbox");
        return std::nullopt;
    }
    auto element = address("a group where one mailbox is expected");
    if (!element) {
        return std::nullopt;
    }
    lex_.skip_cfws();
    if (!lex_.at_end()) {
        lex_.fail(is_separator(lex_.peek()) ? "more than one mailbox"
                                            : "unexpected text after the mailbox");
        return std::nullopt;
    }
    return std::get<Mailbox>(std::move(*element));
}
}  // namespace smtpkit::message
