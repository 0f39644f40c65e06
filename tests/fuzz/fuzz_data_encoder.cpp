// libFuzzer target for the DATA encoder: the input picks the chunking and the
// content (see check_data_encoder_input); any broken invariant traps.
#include <cstddef>
#include <cstdint>

#include "data_encoder_invariants.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (!smtpkit::test::check_data_encoder_input(data, size).empty()) {
        __builtin_trap();
    }
    return 0;
}
