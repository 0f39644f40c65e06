#include "compat/extended_options.hpp"

#include <array>
#include <utility>

#include "smtpkit/compat/constants.hpp"

namespace smtpkit::compat {

DWORD extended_options_of(protocol::ExtendedOption offered) {
    using E = protocol::ExtendedOption;
    static constexpr std::array<std::pair<E, DWORD>, 25> table = {{
        {E::expn, SMTP_EXTOPT_EXPN},
        {E::vrfy, SMTP_EXTOPT_VRFY},
        {E::dsn, SMTP_EXTOPT_DSN},
        {E::size, SMTP_EXTOPT_SIZE},
        {E::etrn, SMTP_EXTOPT_ETRN},
        {E::eight_bit_mime, SMTP_EXTOPT_8BITMIME},
        {E::auth_login, SMTP_EXTOPT_AUTHLOGIN},
        {E::auth_plain, SMTP_EXTOPT_AUTHPLAIN},
        {E::auth_xoauth2, SMTP_EXTOPT_AUTHXOAUTH2},
        {E::auth_oauthbearer, SMTP_EXTOPT_AUTHBEARER},
        {E::auth_cram_md5, SMTP_EXTOPT_AUTHCRAMMD5},
        {E::auth_scram_sha_1, SMTP_EXTOPT_AUTHSCRAMSHA1},
        {E::auth_scram_sha_256, SMTP_EXTOPT_AUTHSCRAMSHA256},
        {E::auth_external, SMTP_EXTOPT_AUTHEXTERNAL},
        {E::pipelining, SMTP_EXTOPT_PIPELINING},
        {E::chunking, SMTP_EXTOPT_CHUNKING},
        {E::binary_mime, SMTP_EXTOPT_BINARYMIME},
        {E::smtputf8, SMTP_EXTOPT_SMTPUTF8},
        {E::starttls, SMTP_EXTOPT_STARTTLS},
        {E::enhanced_status_codes, SMTP_EXTOPT_ENHANCEDSTATUS},
        {E::requiretls, SMTP_EXTOPT_REQUIRETLS},
        {E::mt_priority, SMTP_EXTOPT_MTPRIORITY},
        {E::deliverby, SMTP_EXTOPT_DELIVERBY},
        {E::help, SMTP_EXTOPT_HELP},
        {E::auth, SMTP_EXTOPT_AUTH},
    }};
    DWORD flags = 0;
    for (const auto& [ours, seed] : table) {
        if (protocol::has(offered, ours)) {
            flags |= seed;
        }
    }
    return flags;
}

}  // namespace smtpkit::compat
