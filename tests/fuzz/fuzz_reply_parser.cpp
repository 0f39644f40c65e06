// libFuzzer target for ReplyParser (and Capabilities on what it parses):
// random bytes, split in ways picked from the input, must never crash the
// parser or break its contract (see reply_parser_invariants.hpp).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "reply_parser_invariants.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    if (!smtpkit::fuzz::check_reply_parser(input).empty()) {
        __builtin_trap();
    }
    return 0;
}
