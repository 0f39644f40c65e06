// libFuzzer target for the session engine: the input plays the caller and
// the server at once (see session_invariants.hpp for what it may do and what
// must hold); any broken invariant traps. With SMTPKIT_FUZZ_TRACE set in the
// environment, a run prints its steps (to read a crashing input).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "session_invariants.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const bool tracing = std::getenv("SMTPKIT_FUZZ_TRACE") != nullptr;
    std::string trace;
    const std::string violation =
        smtpkit::fuzz::session::check_session(data, size, tracing ? &trace : nullptr);
    if (tracing) {
        std::fputs(trace.c_str(), stderr);
    }
    if (!violation.empty()) {
        std::fprintf(stderr, "invariant broken: %s\n", violation.c_str());
        __builtin_trap();
    }
    return 0;
}
