// The ESMTP extensions a server offered in its EHLO reply (RFC 5321 4.1.1.1),
// as a typed model: keyword + parameters, matched case-insensitively.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "smtpkit/reply.hpp"

namespace smtpkit::protocol {

struct Extension {
    std::string keyword;              // upper-cased, e.g. "SIZE"
    std::vector<std::string> params;  // as sent, e.g. {"35882577"}
};

class Capabilities {
public:
    Capabilities() = default;

    // Reads only a 250 reply: anything else gives an empty set. The first line
    // is the server's name and greeting; each later line one extension.
    // "AUTH=LOGIN PLAIN" (the pre-standard form) counts as AUTH.
    static Capabilities from_ehlo(const Reply& reply);

    bool empty() const { return extensions_.empty(); }
    const std::string& server_name() const { return server_name_; }
    const std::vector<Extension>& all() const { return extensions_; }

    bool has(std::string_view keyword) const;
    // Parameters of a keyword, or nullptr when not offered.
    const std::vector<std::string>* params(std::string_view keyword) const;

    // SIZE n (RFC 1870): the limit in octets; nullopt when no limit was given
    // (SIZE absent, "SIZE" alone or "SIZE 0").
    std::optional<std::uint64_t> size_limit() const;
    // AUTH mechanisms, upper-cased, in the server's order, without repeats.
    std::vector<std::string> auth_mechanisms() const;
    bool supports_auth(std::string_view mechanism) const;

    bool pipelining() const { return has("PIPELINING"); }
    bool chunking() const { return has("CHUNKING"); }
    bool eightbitmime() const { return has("8BITMIME"); }
    bool binarymime() const { return has("BINARYMIME"); }
    bool smtputf8() const { return has("SMTPUTF8"); }
    bool dsn() const { return has("DSN"); }
    bool starttls() const { return has("STARTTLS"); }
    bool enhanced_status_codes() const { return has("ENHANCEDSTATUSCODES"); }

private:
    std::string server_name_;
    std::vector<Extension> extensions_;
};

}  // namespace smtpkit::protocol
