#include "saslprep.hpp"

#include <openssl/crypto.h>
#include <stringprep.h>

#include <cstdlib>
#include <cstring>
#include <memory>

#include "crypto.hpp"

namespace smtpkit::protocol::sasl::detail {
namespace {

// stringprep mallocs its output, which may be a password: wipe, then free.
struct WipeAndFree {
    void operator()(char* p) const noexcept {
        OPENSSL_cleanse(p, std::strlen(p));
        std::free(p);
    }
};

}  // namespace

std::optional<std::string> saslprep(std::string_view text, StringKind kind) {
    // libidn reads a C string: an embedded NUL would cut the input short
    // instead of being refused as the prohibited character it is (RFC 4013 2.3).
    if (text.find('\0') != std::string_view::npos) {
        return std::nullopt;
    }
    const Secret input{std::string(text)};
    char* raw = nullptr;
    const int flags = kind == StringKind::stored ? STRINGPREP_NO_UNASSIGNED : 0;
    const int rc = stringprep_profile(input.str().c_str(), &raw, "SASLprep",
                                      static_cast<Stringprep_profile_flags>(flags));
    const std::unique_ptr<char, WipeAndFree> output(raw);
    if (rc != STRINGPREP_OK || !output) {
        return std::nullopt;
    }
    return std::string(output.get());
}

}  // namespace smtpkit::protocol::sasl::detail
