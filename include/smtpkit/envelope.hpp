// What the server is told about a message (RFC 5321 envelope) and what it
// said back about each part of it.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "smtpkit/reply.hpp"

namespace smtpkit {

struct Recipient {
    std::string address;  // "user@example.com", with or without <>

    Recipient() = default;
    Recipient(std::string a) : address(std::move(a)) {}  // NOLINT: implicit on purpose
    Recipient(const char* a) : address(a) {}             // NOLINT
};

struct Envelope {
    std::string from;  // reverse-path; "" (or "<>") for a null sender (bounces)
    std::vector<Recipient> to;
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

    bool delivered() const { return verdict == Verdict::delivered; }
    std::size_t accepted_count() const;
    std::size_t rejected_count() const { return recipients.size() - accepted_count(); }
};

const char* to_string(Verdict v) noexcept;

}  // namespace smtpkit
