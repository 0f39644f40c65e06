// U-labels to A-labels with libidn2 (IDNA2008, UTS #46 non-transitional: "ß"
// stays "ß" and becomes "xn--zca", as browsers and registries do today).
#include <idn2.h>

#include <algorithm>
#include <memory>

#include "smtpkit/address.hpp"
#include "smtpkit/error.hpp"
#include "smtpkit/protocol/address.hpp"
#include "smtpkit/protocol/command.hpp"

namespace smtpkit {
namespace {

struct FreeDeleter {
    void operator()(char* p) const noexcept { idn2_free(p); }
};

bool is_ascii(std::string_view text) noexcept {
    return std::all_of(text.begin(), text.end(),
                       [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

std::string fail(std::error_code& ec, error e) {
    ec = make_error_code(e);
    return {};
}

// The input stays out of the message: it may be hostile (controls) or
// private, and what() tends to end up in logs.
[[noreturn]] void throw_error(std::error_code ec) {
    throw system_error(ec);
}

}  // namespace

std::string to_ascii_domain(std::string_view domain, std::error_code& ec) {
    ec.clear();
    if (protocol::has_forbidden_octet(domain)) {
        return fail(ec, error::invalid_character);
    }
    // Nothing to convert: an ASCII name (kept as written, case included) or
    // an address literal (always ASCII; a non-ASCII one fails below).
    if (is_ascii(domain)) {
        return std::string(domain);
    }
    if (!protocol::is_valid_utf8(domain)) {
        return fail(ec, error::invalid_idn);
    }
    const std::string input(domain);  // idn2 wants a NUL-terminated string
    char* raw = nullptr;
    const int rc = idn2_to_ascii_8z(input.c_str(), &raw, IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT);
    const std::unique_ptr<char, FreeDeleter> output(raw);
    if (rc != IDN2_OK || raw == nullptr) {
        return fail(ec, error::invalid_idn);
    }
    // UTS #46 mapping may produce ASCII no host name may hold ("℀" maps to
    // "a/c"); the envelope needs an RFC 5321 domain.
    std::string result(raw);
    if (!protocol::is_valid_domain(result, false)) {
        return fail(ec, error::invalid_idn);
    }
    return result;
}

std::string to_ascii_domain(std::string_view domain) {
    std::error_code ec;
    std::string result = to_ascii_domain(domain, ec);
    if (ec) {
        throw_error(ec);
    }
    return result;
}

std::string to_ascii_address(std::string_view address, std::error_code& ec) {
    std::string canonical = protocol::canonical_address(address, {.allow_utf8 = true}, ec);
    if (ec) {
        return {};
    }
    // Domains hold no '@'; a quoted local part may.
    const std::size_t at = canonical.rfind('@');
    std::string domain = to_ascii_domain(std::string_view(canonical).substr(at + 1), ec);
    if (ec) {
        return {};
    }
    canonical.resize(at + 1);
    canonical += domain;
    return canonical;
}

std::string to_ascii_address(std::string_view address) {
    std::error_code ec;
    std::string result = to_ascii_address(address, ec);
    if (ec) {
        throw_error(ec);
    }
    return result;
}

}  // namespace smtpkit
