// libFuzzer target for the CLI's TOML configuration file (accounts): any
// content, with any file mode (see config_file_invariants.hpp); any broken
// invariant traps. Built only where toml++ and CLI11 are installed (see
// CMakeLists.txt): it compiles the few CLI sources the reader needs.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "config_file_invariants.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const std::string violation = smtpkit::fuzz::check_config_file_input(input);
    if (!violation.empty()) {
        std::fprintf(stderr, "invariant broken: %s\n", violation.c_str());
        __builtin_trap();
    }
    return 0;
}
