// Internal to smtpkit (installed only because protocol/session.hpp holds these
// types by value): not part of the API, may change in any release.
// The ESMTP parameters of a transaction (MAIL FROM and RCPT TO), decided
// from the envelope, what is known of the message and what the server
// offers: SIZE (RFC 1870), BODY (RFC 6152, RFC 3030), SMTPUTF8 (RFC 6531),
// DSN's RET/ENVID/NOTIFY/ORCPT (RFC 3461), REQUIRETLS (RFC 8689),
// MT-PRIORITY (RFC 6710) and DELIVERBY (RFC 2852). Every refusal is decided
// here, before anything of the transaction is written.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "smtpkit/envelope.hpp"
#include "smtpkit/message_source.hpp"
#include "smtpkit/protocol/capabilities.hpp"

namespace smtpkit::protocol {

// What the session knows of a message before sending it.
struct MessageInfo {
    std::optional<std::uint64_t> size;  // octets; declared as SIZE= when known
    // nullopt: unknown (a stream). Then the content is taken as 8-bit text
    // where 8BITMIME is offered (7-bit otherwise) and checked as it is sent.
    std::optional<ContentClass> content_class = ContentClass::seven_bit;
    // UTF-8 in the header section (RFC 6532): SMTPUTF8 on MAIL when offered.
    bool eight_bit_headers = false;
};

// What the server offers and the session may use.
struct ServerOffer {
    const Capabilities& capabilities;
    bool tls_active = false;  // the session runs over TLS (REQUIRETLS)
    bool chunking = true;     // CHUNKING may be used (offered and not switched off)
};

// The decision for one transaction.
struct MailPlan {
    std::vector<std::string> mail_params;               // in MAIL FROM order
    std::vector<std::vector<std::string>> rcpt_params;  // one list per recipient
    bool chunked = false;                               // BDAT rather than DATA
    std::string body;                                   // "", "8BITMIME" or "BINARYMIME"
    // The most the declared body allows; content beyond it is refused as it
    // streams (error::content_not_as_declared).
    ContentClass allowed = ContentClass::seven_bit;
    std::vector<std::string> dropped;  // optional parameters left out: "DSN", ...
};

// Decides every parameter; on error nothing may be sent.
std::error_code plan_mail(const Envelope& envelope, const MessageInfo& info,
                          const ServerOffer& offer, MailPlan& plan);

// xtext (RFC 3461 4): "+" and "=" and octets outside 33..126 become "+HH".
std::string xtext(std::string_view text);
// utf-8-addr-xtext (RFC 6533 3): printable ASCII except "\", "+" and "="
// as is, every other character "\x{HEX}". Empty on malformed UTF-8.
std::string utf8_addr_xtext(std::string_view address);
// The ORCPT value: "rfc822;" + xtext, or "utf-8;" + utf-8-addr-xtext for
// an address with non-ASCII characters. Empty when it cannot be encoded.
std::string orcpt_value(std::string_view address);
// "NEVER" or "SUCCESS,FAILURE,DELAY" (those asked); empty for unspecified
// or for NEVER combined with another condition (invalid).
std::string notify_value(DsnNotify notify);

}  // namespace smtpkit::protocol
