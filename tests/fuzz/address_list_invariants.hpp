// Invariants of the message layer's readers (address lists, mailboxes, IDNA,
// header sections), checked on arbitrary bytes. Shared by the libFuzzer
// target (fuzz_address_list.cpp) and the unit test that replays its seed
// corpus, so `make test` exercises the same checks without clang.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>
#include <system_error>
#include <variant>
#include <vector>

#include "smtpkit/address.hpp"
#include "smtpkit/error.hpp"
#include "smtpkit/header_reader.hpp"
#include "smtpkit/protocol/address.hpp"

namespace smtpkit::fuzz {

inline bool has_cr_lf_nul(std::string_view s) {
    return s.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
}

inline bool is_ascii(std::string_view s) {
    return std::all_of(s.begin(), s.end(),
                       [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

// A display name as a quoted string: what a header encoder could write.
inline std::string as_quoted_string(std::string_view name) {
    std::string out = "\"";
    for (char c : name) {
        if (c == '"' || c == '\\') {
            out += '\\';
        }
        out += c;
    }
    return out + "\"";
}

// Empty when `m` is something the parser may hand out.
inline std::string mailbox_violation(const Mailbox& m) {
    if (has_cr_lf_nul(m.name) || has_cr_lf_nul(m.address)) {
        return "CR, LF or NUL in a parsed mailbox";
    }
    if (!protocol::is_valid_utf8(m.name)) {
        return "a display name that is not UTF-8";
    }
    std::error_code ec;
    if (protocol::canonical_address(m.address, {.allow_utf8 = true}, ec) != m.address || ec) {
        return "an address that is not canonical: " + m.address;
    }
    const Mailbox again = parse_mailbox(m.address, ec);
    if (ec || again != Mailbox{"", m.address}) {
        return "an address that does not re-parse to itself: " + m.address;
    }
    const Mailbox named = parse_mailbox(as_quoted_string(m.name) + " <" + m.address + ">", ec);
    if (ec || named != m) {
        return "a mailbox that does not survive quoting its name: " + m.address;
    }
    const std::string ascii = to_ascii_address(m.address, ec);
    if (!ec) {
        const std::string_view domain = std::string_view(ascii).substr(ascii.rfind('@') + 1);
        std::error_code ec2;
        if (!is_ascii(domain) || to_ascii_address(ascii, ec2) != ascii || ec2) {
            return "IDNA that is not ASCII or not idempotent: " + m.address;
        }
    } else if (ec != error::invalid_idn) {
        return "to_ascii_address failed on a parsed address: " + ec.message();
    }
    return {};
}

inline std::string check_addresses(std::string_view input) {
    std::error_code ec;
    ParseError where;
    const std::vector<Address> addresses = parse_addresses(input, ec, &where);
    if (ec) {
        if (!addresses.empty() || where.reason.empty() || where.offset > input.size()) {
            return "a failed parse with output, no reason or a bad offset";
        }
        return {};
    }
    const std::vector<Mailbox> flat = parse_address_list(input, ec);
    std::vector<Mailbox> expected;
    for (const Address& a : addresses) {
        if (const auto* m = std::get_if<Mailbox>(&a)) {
            expected.push_back(*m);
        } else {
            const AddressGroup& g = std::get<AddressGroup>(a);
            if (has_cr_lf_nul(g.name) || !protocol::is_valid_utf8(g.name)) {
                return "a bad group name";
            }
            expected.insert(expected.end(), g.members.begin(), g.members.end());
        }
    }
    if (ec || flat != expected) {
        return "parse_address_list is not parse_addresses flattened";
    }
    for (const Mailbox& m : flat) {
        if (std::string v = mailbox_violation(m); !v.empty()) {
            return v;
        }
    }
    const Mailbox single = parse_mailbox(input, ec);
    if (!ec && (flat.size() != 1 || flat.front() != single)) {
        return "parse_mailbox and parse_address_list disagree";
    }
    return {};
}

inline std::string check_domain(std::string_view input) {
    std::error_code ec;
    const std::string ascii = to_ascii_domain(input, ec);
    if (ec) {
        return ascii.empty() ? std::string{} : "output on an IDNA error";
    }
    if (!is_ascii(ascii) || has_cr_lf_nul(ascii)) {
        return "to_ascii_domain gave non-ASCII or a control";
    }
    if (!is_ascii(input) && !protocol::is_valid_domain(ascii, false)) {
        return "to_ascii_domain gave no RFC 5321 domain";
    }
    return {};
}

inline bool is_bcc_name(std::string_view name) {
    const auto lower = [](std::string_view s) {
        std::string out(s);
        for (char& c : out) {
            c = c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c;
        }
        return out;
    };
    return lower(name) == "bcc" || lower(name) == "resent-bcc";
}

inline std::string check_header(std::string_view input) {
    std::error_code ec;
    const HeaderSection s = read_header_section(input, ec);
    std::error_code ec_bcc;
    const std::string without = header_section_without_bcc(input, ec_bcc);
    if (ec != ec_bcc) {
        return "read_header_section and header_section_without_bcc disagree";
    }
    if (ec) {
        return s.fields.empty() && without.empty() ? std::string{} : "output on a header error";
    }
    if (s.body_offset > input.size() || without.size() > s.body_offset) {
        return "a body offset past the input";
    }
    std::vector<HeaderField> kept;
    for (const HeaderField& f : s.fields) {
        if (!is_valid_field_name(f.name) || !is_valid_field_value(f.value)) {
            return "a field name or value that could not be written back";
        }
        if (!is_bcc_name(f.name)) {
            kept.push_back(f);
        }
    }
    if (kept.size() == s.fields.size() && without != input.substr(0, s.body_offset)) {
        return "a section without Bcc fields that was changed";
    }
    const HeaderSection again = read_header_section(without, ec);
    if (ec || again.fields != kept || (s.complete && again.body_offset != without.size())) {
        return "the section without Bcc does not read as the other fields";
    }
    const HeaderRecipients r = header_recipients(s.fields, ec);
    if (!ec) {
        for (const std::string& a : envelope_recipients(r)) {
            if (has_cr_lf_nul(a) || a.empty()) {
                return "a bad envelope recipient";
            }
        }
    }
    return {};
}

// Empty while every invariant holds; otherwise which one broke.
inline std::string check_message_readers(std::string_view input) {
    for (auto check : {check_addresses, check_domain, check_header}) {
        if (std::string v = check(input); !v.empty()) {
            return v;
        }
    }
    return {};
}

}  // namespace smtpkit::fuzz
