// libFuzzer target for the SOCKS5 and HTTP CONNECT handshakes: any reply
// from the proxy, in any pieces (see proxy_reply_invariants.hpp); any broken
// invariant traps.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "proxy_reply_invariants.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const std::string violation = smtpkit::fuzz::check_proxy_input(input);
    if (!violation.empty()) {
        std::fprintf(stderr, "invariant broken: %s\n", violation.c_str());
        __builtin_trap();
    }
    return 0;
}
