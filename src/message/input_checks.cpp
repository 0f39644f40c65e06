#include "message/input_checks.hpp"

#include <algorithm>

#include "message/header_field.hpp"
#include "smtpkit/error.hpp"

namespace smtpkit::message {
namespace {

[[noreturn]] void refuse(error e, std::string_view field, std::string_view why) {
    throw system_error(make_error_code(e), std::string(field) + ": " + std::string(why));
}

// Domains must survive the trip to an A-label, so a bad IDN fails now.
void require_domain(std::string_view field, const Mailbox& m) {
    std::error_code ec;
    to_ascii_address(m.address, ec);
    if (ec) {
        refuse(error::invalid_idn, field, m.address);
    }
}

}  // namespace

void require_header_text(std::string_view field, std::string_view value) {
    if (check_header_text(value)) {
        refuse(error::invalid_header, field, "CR, LF or NUL in the value, or it is not UTF-8");
    }
}

void require_field_name(std::string_view name) {
    if (check_field_name(name)) {
        refuse(error::invalid_header, name,
               "not a header field name (RFC 5322 3.6.8: printable US-ASCII but ':', at most "
               "76 octets)");
    }
}

void require_id(std::string_view field, std::string_view id) {
    const bool printable = std::all_of(
        id.begin(), id.end(), [](char c) { return c > ' ' && c <= '~' && c != '<' && c != '>'; });
    if (id.empty() || !printable) {
        refuse(error::invalid_header, field,
               "not an id (printable US-ASCII without spaces or <>, between the <> the field "
               "puts around it)");
    }
}

std::vector<Mailbox> require_addresses(std::string_view field, std::string_view list) {
    std::error_code ec;
    ParseError where;
    std::vector<Mailbox> mailboxes = parse_address_list(list, ec, &where);
    if (ec) {
        throw system_error(ec, std::string(field) + ": " + where.reason + " at offset " +
                                   std::to_string(where.offset));
    }
    for (const Mailbox& m : mailboxes) {
        require_domain(field, m);
    }
    return mailboxes;
}

Mailbox require_mailbox(std::string_view field, std::string_view text) {
    std::error_code ec;
    ParseError where;
    Mailbox mailbox = parse_mailbox(text, ec, &where);
    if (ec) {
        throw system_error(ec, std::string(field) + ": " + where.reason + " at offset " +
                                   std::to_string(where.offset));
    }
    require_domain(field, mailbox);
    return mailbox;
}

void require_mailbox(std::string_view field, const Mailbox& mailbox) {
    require_header_text(field, mailbox.name);
    // The address goes through the parser, so a Mailbox built by hand is
    // held to the same rules as one parsed from text.
    std::error_code ec;
    const Mailbox parsed = parse_mailbox("<" + mailbox.address + ">", ec);
    if (ec || parsed.address.empty()) {
        refuse(error::invalid_address_list, field, "not an address: " + mailbox.address);
    }
    require_domain(field, mailbox);
}

}  // namespace smtpkit::message
