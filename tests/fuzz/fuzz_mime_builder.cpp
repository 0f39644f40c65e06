// libFuzzer target for the MIME builder: a message built from the fuzzer's
// names, addresses, header text, bodies and attachments must render within
// the line limits and read back as what was set (see
// mime_builder_invariants.hpp); any broken invariant traps. With
// SMTPKIT_FUZZ_TRACE set in the environment, a run prints the message.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "mime_builder_invariants.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const bool tracing = std::getenv("SMTPKIT_FUZZ_TRACE") != nullptr;
    std::string rendered;
    const std::string violation =
        smtpkit::fuzz::mime::check_mime_builder_input(data, size, tracing ? &rendered : nullptr);
    if (tracing) {
        std::fwrite(rendered.data(), 1, rendered.size(), stderr);
    }
    if (!violation.empty()) {
        std::fprintf(stderr, "invariant broken: %s\n", violation.c_str());
        __builtin_trap();
    }
    return 0;
}
