// The public address-list entry points (address.hpp) over AddressParser.
#include <utility>
#include <variant>

#include "address_grammar.hpp"
#include "parse_failure.hpp"
#include "smtpkit/address.hpp"

namespace smtpkit {
namespace {

std::vector<Mailbox> flatten(std::vector<Address>&& addresses) {
    std::vector<Mailbox> out;
    out.reserve(addresses.size());
    for (Address& a : addresses) {
        if (auto* mailbox = std::get_if<Mailbox>(&a)) {
            out.push_back(std::move(*mailbox));
        } else {
            for (Mailbox& member : std::get<AddressGroup>(a).members) {
                out.push_back(std::move(member));
            }
        }
    }
    return out;
}

}  // namespace

std::vector<Address> parse_addresses(std::string_view text, std::error_code& ec, ParseError* where,
                                     const AddressListLimits& limits) {
    message::AddressParser parser(text, limits);
    auto result = parser.list();
    if (parser.failed()) {
        message::report(parser.failure(), ec, where);
    } else {
        message::report_success(ec, where);
    }
    return result;
}

std::vector<Address> parse_addresses(std::string_view text, const AddressListLimits& limits) {
    std::error_code ec;
    ParseError where;
    auto result = parse_addresses(text, ec, &where, limits);
    if (ec) {
        message::throw_parse_error(ec, where);
    }
    return result;
}

std::vector<Mailbox> parse_address_list(std::string_view text, std::error_code& ec,
                                        ParseError* where, const AddressListLimits& limits) {
    return flatten(parse_addresses(text, ec, where, limits));
}

std::vector<Mailbox> parse_address_list(std::string_view text, const AddressListLimits& limits) {
    return flatten(parse_addresses(text, limits));
}

Mailbox parse_mailbox(std::string_view text, std::error_code& ec, ParseError* where) {
    message::AddressParser parser(text, AddressListLimits{});
    auto result = parser.single();
    if (!result) {
        message::report(parser.failure(), ec, where);
        return {};
    }
    message::report_success(ec, where);
    return std::move(*result);
}

Mailbox parse_mailbox(std::string_view text) {
    std::error_code ec;
    ParseError where;
    Mailbox result = parse_mailbox(text, ec, &where);
    if (ec) {
        message::throw_parse_error(ec, where);
    }
    return result;
}

}  // namespace smtpkit
