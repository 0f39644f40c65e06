// The few libcrypto primitives the SASL mechanisms need, as small functions
// over byte strings, and a string that wipes itself. Internal to the core.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

namespace smtpkit::protocol::sasl::detail {

enum class Hash { md5, sha1, sha256 };

std::size_t hash_size(Hash h) noexcept;

// Each returns false when OpenSSL fails (for instance MD5 disabled by a FIPS
// configuration); `out` then holds nothing useful.
bool digest(Hash h, std::string_view data, std::string& out);
bool hmac(Hash h, std::string_view key, std::string_view data, std::string& out);
// PBKDF2 with HMAC-h, one block of output: SCRAM's Hi() (RFC 5802 2.2).
bool pbkdf2(Hash h, std::string_view password, std::string_view salt, unsigned iterations,
            std::string& out);
bool random_bytes(unsigned char* out, std::size_t n);

// Constant-time equality for signatures.
bool equal_secret(std::string_view a, std::string_view b) noexcept;

// Overwrites the bytes (OPENSSL_cleanse), then empties the string.
void wipe(std::string& s) noexcept;

// A password, token or derived key: wiped when it dies. Not copyable, so no
// stray copies outlive the mechanism.
class Secret {
  public:
    Secret() = default;
    explicit Secret(std::string value) : value_(std::move(value)) {}
    Secret(const Secret&) = delete;
    Secret& operator=(const Secret&) = delete;
    ~Secret() { wipe(value_); }

    const std::string& str() const noexcept { return value_; }
    std::string& str() noexcept { return value_; }
    bool empty() const noexcept { return value_.empty(); }

  private:
    std::string value_;
};

}  // namespace smtpkit::protocol::sasl::detail
