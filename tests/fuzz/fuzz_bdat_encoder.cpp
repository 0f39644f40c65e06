// libFuzzer target for the BDAT framer (ChunkEncoder): the input picks text
// or BINARYMIME, the chunking and the content (see
// chunk_encoder_invariants.hpp); any broken invariant traps.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

#include "chunk_encoder_invariants.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string violation = smtpkit::fuzz::check_chunk_encoder_input(data, size);
    if (!violation.empty()) {
        std::fprintf(stderr, "invariant broken: %s\n", violation.c_str());
        __builtin_trap();
    }
    return 0;
}
