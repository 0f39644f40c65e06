// What makes a message itself: its Message-ID and its Date.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace smtpkit::message {

// 26 characters of base32 from 128 random bits (OpenSSL's RAND_bytes): the
// unique part of a Message-ID, drawn once per Message.
std::string random_id_token();

// "<token@domain>" without the <>: the domain is the sender's (the part
// after the last '@' of `address`), or "smtpkit.invalid" without one.
std::string message_id_for(std::string_view token, std::string_view address);

// RFC 5322 3.3 date-time in local time with its UTC offset, e.g.
// "Tue, 04 Mar 2025 14:05:09 +0100". Independent of the locale.
std::string rfc5322_date(std::chrono::system_clock::time_point when);

}  // namespace smtpkit::message
