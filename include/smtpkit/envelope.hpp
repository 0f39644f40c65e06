// What the server is told about a message (RFC 5321 envelope) and what it
// said back about each part of it.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "smtpkit/reply.hpp"

namespace smtpkit {

// DSN (RFC 3461) NOTIFY for one recipient: a set of conditions, or `never`
// alone. `unspecified` sends no NOTIFY (the server's default applies).
enum class DsnNotify : std::uint8_t {
    unspecified = 0,
    never = 1u << 0,
    success = 1u << 1,
    failure = 1u << 2,
    delay = 1u << 3,
};
constexpr DsnNotify operator|(DsnNotify a, DsnNotify b) noexcept {
    return static_cast<DsnNotify>(static_cast<std::uint8_t>(a) | static_cast<std::uint8_t>(b));
}
constexpr bool has(DsnNotify set, DsnNotify flag) noexcept {
    return (static_cast<std::uint8_t>(set) & static_cast<std::uint8_t>(flag)) != 0;
}

// DSN RET: how much of the message a bounce carries.
enum class DsnReturn { unspecified, full, headers };

struct Recipient {
    std::string address;  // "user@example.com", with or without <>
    // DSN (RFC 3461), sent only when the server offers DSN (see DsnRequest).
    DsnNotify notify = DsnNotify::unspecified;
    // ORCPT: the recipient as originally given, e.g. before an alias was
    // expanded; a bare address, sent xtext-encoded as "rfc822;addr" (or
    // "utf-8;addr" for a UTF-8 address). Empty: no ORCPT.
    std::string original_recipient;

    Recipient() = default;
    Recipient(std::string a) : address(std::move(a)) {}  // NOLINT: implicit on purpose
    Recipient(const char* a) : address(a) {}             // NOLINT
};

// DSN parameters of a message (RFC 3461): RET and ENVID on MAIL; the
// recipients' NOTIFY and ORCPT on RCPT.
struct DsnRequest {
    DsnReturn ret = DsnReturn::unspecified;
    std::string envelope_id;  // ENVID, xtext-encoded on the wire; empty: none
    // When the server does not offer DSN: true fails the send with
    // error::dsn_not_offered before anything is written; false sends the
    // message without the DSN parameters (listed in SendResult::dropped).
    bool required = false;

    bool requested(const std::vector<Recipient>& to) const;
};

// What the message body is, for BODY= (RFC 6152, RFC 3030). `automatic`
// decides from the content (MessageSource::content_class) and the server's
// offer: 7-bit sends no BODY, 8-bit BODY=8BITMIME, binary BODY=BINARYMIME
// over BDAT. Content the server cannot take (8-bit without 8BITMIME, binary
// without BINARYMIME and CHUNKING) is an error, never silently altered.
enum class BodyType { automatic, seven_bit, eight_bit_mime, binary_mime };

// DELIVERBY (RFC 2852): deliver within `within`, else return (R) or notify (N).
struct DeliverBy {
    std::chrono::seconds within{0};
    bool return_if_late = true;  // R; false: N (notify, keep trying)
    bool trace = false;          // T: ask for a delivery status trace
};

struct Envelope {
    std::string from;  // reverse-path; "" (or "<>") for a null sender (bounces)
    std::vector<Recipient> to;

    DsnRequest dsn;
    BodyType body = BodyType::automatic;
    // REQUIRETLS (RFC 8689): the message must travel over TLS all the way.
    // Fails with error::requiretls_not_possible unless TLS is up and the
    // server offers REQUIRETLS. Never dropped.
    bool require_tls = false;
    // MT-PRIORITY (RFC 6710), -9..9. Advisory: sent when offered, otherwise
    // dropped and listed in SendResult::dropped.
    std::optional<int> mt_priority;
    // DELIVERBY (RFC 2852): sent when offered, otherwise dropped and listed.
    std::optional<DeliverBy> deliver_by;
};

enum class Verdict {
    delivered,      // the server took the message (2xx after the end of data)
    not_delivered,  // refused: no recipient accepted, DATA or end of data refused
    unknown,        // the connection failed after the data was sent, before the reply
};

struct RecipientResult {
    std::string address;  // canonical form, as sent in RCPT TO
    Reply reply;
    bool accepted() const { return reply.positive_completion(); }
};

struct SendResult {
    Verdict verdict = Verdict::not_delivered;
    Reply mail_reply;                         // the reply to MAIL FROM
    std::vector<RecipientResult> recipients;  // one per RCPT, in order
    Reply data_reply;                         // the reply to DATA (354 when it went ahead)
    Reply final_reply;                        // the reply after the end of data
    std::size_t round_trips = 0;              // waits for the server, counted by the core
    std::size_t bytes_sent = 0;               // message octets on the wire (dot-stuffed)
    // {} when delivered; otherwise why not (sender_refused, message_refused,
    // message_too_large, a connection error, ...). send() also returns it in
    // its error_code; send_many() has only this.
    std::error_code error;
    bool chunked = false;              // sent with BDAT (CHUNKING) rather than DATA
    std::string body;                  // the BODY= declared: "", "8BITMIME" or "BINARYMIME"
    std::vector<std::string> dropped;  // optional parameters not sent: "DSN", "MT-PRIORITY", ...

    bool delivered() const { return verdict == Verdict::delivered; }
    std::size_t accepted_count() const;
    std::size_t rejected_count() const { return recipients.size() - accepted_count(); }
};

const char* to_string(Verdict v) noexcept;

}  // namespace smtpkit
