// libFuzzer target for Capabilities::from_ehlo(): any reply's lines must
// give a set that keeps its contract (see capabilities_invariants.hpp).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "capabilities_invariants.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const std::string violation = smtpkit::fuzz::check_capabilities_input(input);
    if (!violation.empty()) {
        std::fprintf(stderr, "invariant broken: %s\n", violation.c_str());
        __builtin_trap();
    }
    return 0;
}
