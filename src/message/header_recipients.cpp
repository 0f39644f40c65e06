// Senders and recipients from header fields, and the envelope they imply
// (header_reader.hpp says which fields count when).
#include <algorithm>
#include <set>
#include <string_view>
#include <utility>

#include "header_scan.hpp"
#include "parse_failure.hpp"
#include "smtpkit/header_reader.hpp"

namespace smtpkit {
namespace {

using message::field_name_is;

bool is_resent(std::string_view name) noexcept {
    return name.size() > 7 && field_name_is(name.substr(0, 7), "Resent-");
}

// The fields that count: all of them, or the first run of Resent-* fields
// (the latest resending) when there is one.
std::pair<std::size_t, std::size_t> relevant_fields(const std::vector<HeaderField>& fields,
                                                    bool& resent) {
    const auto first = std::find_if(fields.begin(), fields.end(),
                                    [](const HeaderField& f) { return is_resent(f.name); });
    resent = first != fields.end();
    if (!resent) {
        return {0, fields.size()};
    }
    const auto last =
        std::find_if(first, fields.end(), [](const HeaderField& f) { return !is_resent(f.name); });
    return {static_cast<std::size_t>(first - fields.begin()),
            static_cast<std::size_t>(last - fields.begin())};
}

class Collector {
  public:
    Collector(std::error_code& ec, ParseError* where, const AddressListLimits& limits)
        : ec_(ec), where_(where), limits_(limits) {}

    // Appends the field's mailboxes to `out`; false (ec set) when it does
    // not parse.
    bool append(const HeaderField& field, std::vector<Mailbox>& out) {
        std::vector<Mailbox> list = parse_address_list(field.value, ec_, where_, limits_);
        if (ec_) {
            if (where_ != nullptr) {
                where_->reason = field.name + ": " + where_->reason;
            }
            return false;
        }
        std::move(list.begin(), list.end(), std::back_inserter(out));
        return true;
    }

    // The first mailbox of the first such field.
    bool first(const HeaderField& field, std::optional<Mailbox>& out) {
        if (out) {
            return true;
        }
        std::vector<Mailbox> list;
        if (!append(field, list)) {
            return false;
        }
        if (!list.empty()) {
            out = std::move(list.front());
        }
        return true;
    }

  private:
    std::error_code& ec_;
    ParseError* where_;
    const AddressListLimits& limits_;
};

// Where the domain starts: after the first '@' outside the local part's
// quotes (a quoted local part, and an address literal, may hold '@' too).
std::size_t domain_start(std::string_view address) {
    std::size_t i = 0;
    if (!address.empty() && address.front() == '"') {
        for (i = 1; i < address.size() && address[i] != '"'; ++i) {
            if (address[i] == '\\') {
                ++i;
            }
        }
    }
    return std::min(address.find('@', i), address.size());
}

// The domain without regard to ASCII case, the local part exactly (RFC 5321
// 2.4: only the receiving host may treat it as case-insensitive).
std::string dedup_key(const std::string& address) {
    std::string key = address;
    const auto at = static_cast<std::ptrdiff_t>(domain_start(key));
    std::transform(key.begin() + at, key.end(), key.begin() + at,
                   [](char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; });
    return key;
}

}  // namespace

HeaderRecipients header_recipients(const std::vector<HeaderField>& fields, std::error_code& ec,
                                   ParseError* where, const AddressListLimits& limits) {
    ec.clear();
    HeaderRecipients r;
    const auto [begin, end] = relevant_fields(fields, r.resent);
    const std::string_view prefix = r.resent ? "Resent-" : "";
    const auto is = [prefix](const HeaderField& f, std::string_view name) {
        return f.name.size() == prefix.size() + name.size() &&
               field_name_is(std::string_view(f.name).substr(0, prefix.size()), prefix) &&
               field_name_is(std::string_view(f.name).substr(prefix.size()), name);
    };
    Collector collect(ec, where, limits);
    for (std::size_t i = begin; i < end; ++i) {
        const HeaderField& f = fields[i];
        const bool ok = is(f, "From")     ? collect.first(f, r.from)
                        : is(f, "Sender") ? collect.first(f, r.sender)
                        : is(f, "To")     ? collect.append(f, r.to)
                        : is(f, "Cc")     ? collect.append(f, r.cc)
                        : is(f, "Bcc")    ? collect.append(f, r.bcc)
                                          : true;
        if (!ok) {
            return {};
        }
    }
    if (where != nullptr) {
        *where = ParseError{};
    }
    return r;
}

HeaderRecipients header_recipients(const std::vector<HeaderField>& fields,
                                   const AddressListLimits& limits) {
    std::error_code ec;
    ParseError where;
    HeaderRecipients r = header_recipients(fields, ec, &where, limits);
    if (ec) {
        message::throw_parse_error(ec, where);
    }
    return r;
}

std::optional<std::string> envelope_sender(const HeaderRecipients& recipients) {
    if (recipients.sender) {
        return recipients.sender->address;
    }
    if (recipients.from) {
        return recipients.from->address;
    }
    return std::nullopt;
}

std::vector<std::string> envelope_recipients(const HeaderRecipients& recipients) {
    std::vector<std::string> out;
    std::set<std::string> seen;
    for (const auto* list : {&recipients.to, &recipients.cc, &recipients.bcc}) {
        for (const Mailbox& m : *list) {
            if (seen.insert(dedup_key(m.address)).second) {
                out.push_back(m.address);
            }
        }
    }
    return out;
}

}  // namespace smtpkit
