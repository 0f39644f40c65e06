// libFuzzer target for the SASL mechanisms besides SCRAM (PLAIN, LOGIN,
// CRAM-MD5, XOAUTH2, OAUTHBEARER, EXTERNAL) against server challenges of the
// fuzzer's choosing (see sasl_mechanisms_invariants.hpp); any broken
// invariant traps.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

#include "sasl_mechanisms_invariants.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string violation = smtpkit::fuzz::check_sasl_mechanism_input(data, size);
    if (!violation.empty()) {
        std::fprintf(stderr, "invariant broken: %s\n", violation.c_str());
        __builtin_trap();
    }
    return 0;
}
