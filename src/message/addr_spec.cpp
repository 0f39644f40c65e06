// The mailbox level of the address grammar (address_grammar.hpp): the
// addr-spec, its domain, angle brackets and obsolete routes. The result is
// handed to protocol::canonical_address(), the one RFC 5321 checker.
#include "address_grammar.hpp"
#include "smtpkit/protocol/address.hpp"

namespace smtpkit::message {
namespace {

// The addr-spec in the quoted form protocol::canonical_address() reads; it
// drops the quotes again where the content is a dot-string.
std::string quoted_addr_spec(const std::string& local, const std::string& domain) {
    std::string out = "\"";
    for (char c : local) {
        if (c == '"' || c == '\\') {
            out += '\\';
        }
        out += c;
    }
    out += "\"@";
    out += domain;
    return out;
}

}  // namespace

// At '@' after the words of a local part.
bool AddressParser::addr_spec(const Phrase& local, std::size_t start, std::string& address) {
    std::string content;
    if (local.empty()) {
        return lex_.fail("an address with nothing before '@'");
    }
    if (!local_part_content(local, content)) {
        return lex_.fail(error::invalid_address_list, start,
                         "not a local part (a display name needs the address in <...>)");
    }
    lex_.advance();  // '@'
    std::string dom;
    if (!domain(dom)) {
        return false;
    }
    std::error_code ec;
    address = protocol::canonical_address(quoted_addr_spec(content, dom), {.allow_utf8 = true}, ec);
    if (!ec) {
        return true;
    }
    if (ec == error::invalid_character) {
        return lex_.fail(error::invalid_character, start, "a control character in the address");
    }
    if (!protocol::is_valid_domain(dom, true)) {
        return lex_.fail(error::invalid_address, start,
                         "the domain is no host name or address literal (RFC 5321)");
    }
    return lex_.fail(error::invalid_address, start,
                     "not an RFC 5321 mailbox (local part over 64 octets, address over 254, "
                     "or not UTF-8)");
}

// domain = dot-atom / domain-literal, with CFWS around the dots (obs-domain).
bool AddressParser::domain(std::string& out) {
    lex_.skip_cfws();
    if (lex_.peek() == '[') {
        return lex_.domain_literal(out);
    }
    for (;;) {
        const std::string_view label = lex_.atom();
        if (label.empty()) {
            return lex_.fail(out.empty() ? "no domain after '@'" : "an empty label in the domain");
        }
        out += label;
        lex_.skip_cfws();
        if (lex_.peek() != '.') {
            return !lex_.failed();
        }
        lex_.advance();
        out += '.';
        lex_.skip_cfws();
    }
}

// angle-addr = "<" [obs-route] addr-spec ">"
bool AddressParser::angle_addr(std::string& address) {
    const std::size_t open = lex_.pos();
    lex_.advance();  // '<'
    lex_.skip_cfws();
    if (lex_.peek() == '@' && !route()) {
        return false;
    }
    const std::size_t start = lex_.pos();
    const Phrase local = phrase();
    if (lex_.failed()) {
        return false;
    }
    if (lex_.peek() != '@') {
        if (local.empty() && lex_.peek() == '>') {
            return lex_.fail(error::invalid_address_list, open, "an empty address \"<>\"");
        }
        return lex_.fail(local.empty() ? "expected an address after '<'"
                                       : "an address without '@domain'");
    }
    if (!addr_spec(local, start, address)) {
        return false;
    }
    lex_.skip_cfws();
    if (lex_.peek() != '>') {
        return lex_.at_end() ? lex_.fail(error::invalid_address_list, open, "'<' without '>'")
                             : lex_.fail("expected '>' after the address");
    }
    lex_.advance();
    return true;
}

// obs-route = "@" domain *("," [CFWS] ["@" domain]) ":", read and ignored
// (RFC 5321 C: source routes are not used any more).
bool AddressParser::route() {
    for (;;) {
        if (lex_.peek() == '@') {
            lex_.advance();
            std::string ignored;
            if (!domain(ignored)) {
                return false;
            }
        }
        lex_.skip_cfws();
        if (lex_.peek() == ',') {
            lex_.advance();
            lex_.skip_cfws();
        } else if (lex_.peek() == ':') {
            lex_.advance();
            lex_.skip_cfws();
            return true;
        } else {
            return lex_.fail("a route (\"<@host:...\") without its ':'");
        }
    }
}
}  // namespace smtpkit::message
