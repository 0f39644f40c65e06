// libFuzzer target for the message layer's readers: random bytes read as an
// address list, a single mailbox, a domain for IDNA and a header section
// must never crash them or break their contract (see
// address_list_invariants.hpp).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "address_list_invariants.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const std::string violation = smtpkit::fuzz::check_message_readers(input);
    if (!violation.empty()) {
        std::fprintf(stderr, "invariant broken: %s\n", violation.c_str());
        __builtin_trap();
    }
    return 0;
}
