// The transfer encoding decision (transfer_encoding.hpp has the rules).
#include "message/transfer_encoding.hpp"

#include <algorithm>

namespace smtpkit::message {
namespace {

constexpr std::uint64_t max_line = 998;  // RFC 5322 2.1.1, RFC 5321 4.5.3.1.6
// Quoted-printable while at most one octet in this many needs escaping.
constexpr std::uint64_t qp_octets_per_escape = 6;

bool is_control(unsigned char c) noexcept {
    return (c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7f;
}

// Lines, breaks and octets that 7bit and 8bit both require.
bool fits_line_rules(const ContentProfile& p, bool text) noexcept {
    return p.nul == 0 && p.bare_cr == 0 && (text || p.bare_lf == 0) && p.longest_line <= max_line;
}

bool suits_quoted_printable(const ContentProfile& p) noexcept {
    const std::uint64_t escaped = p.eight_bit + p.controls + p.bare_cr;
    return p.nul == 0 && escaped * qp_octets_per_escape <= p.octets;
}

}  // namespace

std::string_view to_string(TransferEncoding encoding) noexcept {
    switch (encoding) {
        case TransferEncoding::seven_bit:
            return "7bit";
        case TransferEncoding::eight_bit:
            return "8bit";
        case TransferEncoding::binary:
            return "binary";
        case TransferEncoding::quoted_printable:
            return "quoted-printable";
        case TransferEncoding::base64:
            return "base64";
    }
    return "base64";
}

void ContentProfiler::scan(std::string_view chunk) noexcept {
    for (const char ch : chunk) {
        const auto c = static_cast<unsigned char>(ch);
        if (c == '\n') {
            const std::uint64_t line = line_length_ - (after_cr_ ? 1 : 0);
            profile_.longest_line = std::max(profile_.longest_line, line);
            profile_.bare_lf += after_cr_ ? 0 : 1;
            line_length_ = 0;
        } else {
            profile_.bare_cr += after_cr_ ? 1 : 0;
            profile_.eight_bit += c >= 0x80 ? 1 : 0;
            profile_.controls += is_control(c) ? 1 : 0;
            profile_.nul += c == 0 ? 1 : 0;
            ++line_length_;
        }
        after_cr_ = c == '\r';
    }
    profile_.octets += chunk.size();
}

ContentProfile ContentProfiler::profile() const noexcept {
    ContentProfile p = profile_;
    p.bare_cr += after_cr_ ? 1 : 0;
    p.longest_line = std::max(p.longest_line, line_length_);
    return p;
}

ContentProfile profile_content(std::string_view content) noexcept {
    ContentProfiler profiler;
    profiler.scan(content);
    return profiler.profile();
}

TransferEncoding choose_transfer_encoding(const ContentProfile& profile,
                                          const TransferRules& rules) noexcept {
    if (fits_line_rules(profile, rules.text)) {
        if (profile.eight_bit == 0) {
            return TransferEncoding::seven_bit;
        }
        if (rules.eight_bit_mime) {
            return TransferEncoding::eight_bit;
        }
    }
    if (rules.binary_mime) {
        return TransferEncoding::binary;
    }
    if (rules.text && suits_quoted_printable(profile)) {
        return TransferEncoding::quoted_printable;
    }
    return TransferEncoding::base64;
}

}  // namespace smtpkit::message
