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

// The offered extensions as a bitmask, like the seed's GetExtendedOptions.
enum class ExtendedOption : std::uint64_t {
    none = 0,
    pipelining = 1ull << 0,
    size = 1ull << 1,
    eight_bit_mime = 1ull << 2,
    binary_mime = 1ull << 3,
    chunking = 1ull << 4,
    smtputf8 = 1ull << 5,
    dsn = 1ull << 6,
    starttls = 1ull << 7,
    enhanced_status_codes = 1ull << 8,
    requiretls = 1ull << 9,
    mt_priority = 1ull << 10,
    deliverby = 1ull << 11,
    vrfy = 1ull << 12,
    expn = 1ull << 13,
    etrn = 1ull << 14,
    help = 1ull << 15,
    auth = 1ull << 16,  // any AUTH mechanism
    auth_plain = 1ull << 17,
    auth_login = 1ull << 18,
    auth_cram_md5 = 1ull << 19,
    auth_scram_sha_1 = 1ull << 20,
    auth_scram_sha_256 = 1ull << 21,
    auth_xoauth2 = 1ull << 22,
    auth_oauthbearer = 1ull << 23,
    auth_external = 1ull << 24,
};
constexpr ExtendedOption operator|(ExtendedOption a, ExtendedOption b) noexcept {
    return static_cast<ExtendedOption>(static_cast<std::uint64_t>(a) |
                                       static_cast<std::uint64_t>(b));
}
constexpr bool has(ExtendedOption set, ExtendedOption flag) noexcept {
    return (static_cast<std::uint64_t>(set) & static_cast<std::uint64_t>(flag)) != 0;
}

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
    bool requiretls() const { return has("REQUIRETLS"); }
    bool mt_priority() const { return has("MT-PRIORITY"); }
    bool deliverby() const { return has("DELIVERBY"); }

    // Every offered extension this library knows, as flags.
    ExtendedOption flags() const;

  private:
    std::string server_name_;
    std::vector<Extension> extensions_;
};

}  // namespace smtpkit::protocol
