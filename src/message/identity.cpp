#include "message/identity.hpp"

#include <openssl/rand.h>

#include <array>
#include <cstdio>
#include <ctime>
#include <stdexcept>

namespace smtpkit::message {

std::string random_id_token() {
    std::array<unsigned char, 16> random{};
    if (RAND_bytes(random.data(), static_cast<int>(random.size())) != 1) {
        // Without the system's generator a unique id cannot be promised.
        throw std::runtime_error("no random bytes for a Message-ID (OpenSSL RAND_bytes failed)");
    }
    static constexpr std::string_view alphabet = "abcdefghijklmnopqrstuvwxyz234567";
    std::string token;
    unsigned bits = 0;
    unsigned value = 0;
    for (unsigned char byte : random) {
        value = (value << 8) | byte;
        bits += 8;
        while (bits >= 5) {
            bits -= 5;
            token += alphabet[(value >> bits) & 31u];
        }
    }
    if (bits > 0) {
        token += alphabet[(value << (5 - bits)) & 31u];
    }
    return token;
}

std::string message_id_for(std::string_view token, std::string_view address) {
    const auto at = address.rfind('@');
    const std::string_view domain = at == std::string_view::npos || at + 1 == address.size()
                                        ? "smtpkit.invalid"
                                        : address.substr(at + 1);
    return std::string(token) + "@" + std::string(domain);
}

std::string rfc5322_date(std::chrono::system_clock::time_point when) {
    static constexpr std::array<const char*, 7> days = {"Sun", "Mon", "Tue", "Wed",
                                                        "Thu", "Fri", "Sat"};
    static constexpr std::array<const char*, 12> months = {
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const std::time_t t = std::chrono::system_clock::to_time_t(when);
    std::tm tm{};
    if (::localtime_r(&t, &tm) == nullptr) {
        std::time_t epoch = 0;
        ::gmtime_r(&epoch, &tm);
    }
    const long offset_minutes = tm.tm_gmtoff / 60;
    const long abs_offset = offset_minutes < 0 ? -offset_minutes : offset_minutes;
    std::array<char, 64> buf{};
    std::snprintf(buf.data(), buf.size(), "%s, %02d %s %04d %02d:%02d:%02d %c%02ld%02ld",
                  days[static_cast<std::size_t>(tm.tm_wday % 7)], tm.tm_mday,
                  months[static_cast<std::size_t>(tm.tm_mon % 12)], tm.tm_year + 1900, tm.tm_hour,
                  tm.tm_min, tm.tm_sec, offset_minutes < 0 ? '-' : '+', abs_offset / 60,
                  abs_offset % 60);
    return buf.data();
}

}  // namespace smtpkit::message
