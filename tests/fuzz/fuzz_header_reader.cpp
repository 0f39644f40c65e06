// libFuzzer target for the header reader on arbitrary bytes: line endings,
// limits, what follows the section, the envelope it yields (see
// header_reader_invariants.hpp); any broken invariant traps.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "header_reader_invariants.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const std::string violation = smtpkit::fuzz::check_header_reader(input);
    if (!violation.empty()) {
        std::fprintf(stderr, "invariant broken: %s\n", violation.c_str());
        __builtin_trap();
    }
    return 0;
}
