// Capabilities::flags(): the EHLO keywords as the seed's GetExtendedOptions
// bitmask.
#include <array>
#include <utility>

#include "smtpkit/protocol/capabilities.hpp"

namespace smtpkit::protocol {
namespace {

constexpr std::array<std::pair<const char*, ExtendedOption>, 15> keyword_flags{{
    {"PIPELINING", ExtendedOption::pipelining},
    {"SIZE", ExtendedOption::size},
    {"8BITMIME", ExtendedOption::eight_bit_mime},
    {"BINARYMIME", ExtendedOption::binary_mime},
    {"CHUNKING", ExtendedOption::chunking},
    {"SMTPUTF8", ExtendedOption::smtputf8},
    {"DSN", ExtendedOption::dsn},
    {"STARTTLS", ExtendedOption::starttls},
    {"ENHANCEDSTATUSCODES", ExtendedOption::enhanced_status_codes},
    {"REQUIRETLS", ExtendedOption::requiretls},
    {"MT-PRIORITY", ExtendedOption::mt_priority},
    {"DELIVERBY", ExtendedOption::deliverby},
    {"VRFY", ExtendedOption::vrfy},
    {"ETRN", ExtendedOption::etrn},
    {"HELP", ExtendedOption::help},
}};

constexpr std::array<std::pair<const char*, ExtendedOption>, 8> auth_flags{{
    {"PLAIN", ExtendedOption::auth_plain},
    {"LOGIN", ExtendedOption::auth_login},
    {"CRAM-MD5", ExtendedOption::auth_cram_md5},
    {"SCRAM-SHA-1", ExtendedOption::auth_scram_sha_1},
    {"SCRAM-SHA-256", ExtendedOption::auth_scram_sha_256},
    {"XOAUTH2", ExtendedOption::auth_xoauth2},
    {"OAUTHBEARER", ExtendedOption::auth_oauthbearer},
    {"EXTERNAL", ExtendedOption::auth_external},
}};

}  // namespace

ExtendedOption Capabilities::flags() const {
    ExtendedOption result = ExtendedOption::none;
    for (const auto& [keyword, flag] : keyword_flags) {
        if (has(keyword)) {
            result = result | flag;
        }
    }
    // EXPN is rarely advertised as a keyword; some servers list it under HELP.
    if (has("EXPN")) {
        result = result | ExtendedOption::expn;
    }
    if (!auth_mechanisms().empty()) {
        result = result | ExtendedOption::auth;
    }
    for (const auto& [mechanism, flag] : auth_flags) {
        if (supports_auth(mechanism)) {
            result = result | flag;
        }
    }
    return result;
}

}  // namespace smtpkit::protocol
