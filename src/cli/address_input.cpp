#include "cli/address_input.hpp"

#include "smtpkit/address.hpp"
#include "smtpkit/error.hpp"
#include "smtpkit/protocol/address.hpp"

namespace smtpkit::cli {

std::string mailbox_address(const std::string& text, bool allow_null, std::error_code& ec) {
    if (allow_null && (text == "<>" || text.empty())) {
        ec.clear();
        return {};
    }
    Mailbox box = parse_mailbox(text, ec);
    if (ec) {
        // A bare address the RFC 5322 parser does not take may still be a
        // mailbox the envelope can carry (an IPv6 literal, say).
        std::error_code strict;
        std::string address = protocol::canonical_address(
            text, protocol::AddressRules{.allow_utf8 = true, .allow_null = allow_null}, strict);
        if (!strict) {
            ec.clear();
            return address;
        }
        return {};
    }
    return box.address;
}

std::vector<std::string> list_addresses(const std::string& text, std::error_code& ec) {
    std::vector<std::string> out;
    for (Mailbox& box : parse_address_list(text, ec)) {
        out.push_back(std::move(box.address));
    }
    if (!ec && out.empty()) {
        ec = make_error_code(error::invalid_address_list);  // nothing but blanks
    }
    return ec ? std::vector<std::string>{} : out;
}

std::string mailbox_name(const std::string& text) {
    std::error_code ec;
    Mailbox box = parse_mailbox(text, ec);
    return ec ? std::string() : box.name;
}

}  // namespace smtpkit::cli
