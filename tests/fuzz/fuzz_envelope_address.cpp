// libFuzzer target for RFC 5321 addresses and command lines: canonical
// forms, MAIL/RCPT/EHLO/raw command checks and UTF-8 validation (see
// envelope_address_invariants.hpp); any broken invariant traps.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "envelope_address_invariants.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const std::string violation = smtpkit::fuzz::check_envelope_address_input(input);
    if (!violation.empty()) {
        std::fprintf(stderr, "invariant broken: %s\n", violation.c_str());
        __builtin_trap();
    }
    return 0;
}
