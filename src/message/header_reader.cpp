// The public header-section readers over scan_header_section().
#include "smtpkit/header_reader.hpp"

#include <utility>

#include "header_scan.hpp"
#include "parse_failure.hpp"

namespace smtpkit {
namespace {

bool is_bcc(std::string_view name) noexcept {
    return message::field_name_is(name, "Bcc") || message::field_name_is(name, "Resent-Bcc");
}

bool scan(std::string_view message, const HeaderLimits& limits, message::ScannedSection& out,
          std::error_code& ec, ParseError* where) {
    message::Failure failure;
    if (!message::scan_header_section(message, limits, out, failure)) {
        message::report(failure, ec, where);
        return false;
    }
    message::report_success(ec, where);
    return true;
}

}  // namespace

HeaderSection read_header_section(std::string_view message, std::error_code& ec, ParseError* where,
                                  const HeaderLimits& limits) {
    message::ScannedSection scanned;
    if (!scan(message, limits, scanned, ec, where)) {
        return {};
    }
    HeaderSection section;
    section.fields.reserve(scanned.fields.size());
    for (message::ScannedField& f : scanned.fields) {
        section.fields.push_back(std::move(f.field));
    }
    section.body_offset = scanned.body_offset;
    section.complete = scanned.complete;
    return section;
}

HeaderSection read_header_section(std::string_view message, const HeaderLimits& limits) {
    std::error_code ec;
    ParseError where;
    HeaderSection section = read_header_section(message, ec, &where, limits);
    if (ec) {
        message::throw_parse_error(ec, where);
    }
    return section;
}

// The fields' octets are contiguous from offset 0 to fields_end; the empty
// line follows. Copying every span but the Bcc ones keeps the rest exact.
std::string header_section_without_bcc(std::string_view message, std::error_code& ec,
                                       ParseError* where, const HeaderLimits& limits) {
    message::ScannedSection scanned;
    if (!scan(message, limits, scanned, ec, where)) {
        return {};
    }
    std::string out;
    out.reserve(scanned.body_offset);
    for (const message::ScannedField& f : scanned.fields) {
        if (!is_bcc(f.field.name)) {
            out += message.substr(f.begin, f.end - f.begin);
        }
    }
    out += message.substr(scanned.fields_end, scanned.body_offset - scanned.fields_end);
    return out;
}

std::string header_section_without_bcc(std::string_view message, const HeaderLimits& limits) {
    std::error_code ec;
    ParseError where;
    std::string out = header_section_without_bcc(message, ec, &where, limits);
    if (ec) {
        message::throw_parse_error(ec, where);
    }
    return out;
}

}  // namespace smtpkit
