#include "crypto.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <climits>

namespace smtpkit::protocol::sasl::detail {
namespace {

const EVP_MD* md_of(Hash h) noexcept {
    switch (h) {
        case Hash::md5:
            return EVP_md5();
        case Hash::sha1:
            return EVP_sha1();
        case Hash::sha256:
            return EVP_sha256();
    }
    return nullptr;
}

const char* md_name(Hash h) noexcept {
    switch (h) {
        case Hash::md5:
            return "MD5";
        case Hash::sha1:
            return "SHA1";
        case Hash::sha256:
            return "SHA256";
    }
    return "";
}

const unsigned char* bytes(std::string_view s) noexcept {
    return reinterpret_cast<const unsigned char*>(s.data());
}

unsigned char* bytes(std::string& s) noexcept {
    return reinterpret_cast<unsigned char*>(s.data());
}

}  // namespace

std::size_t hash_size(Hash h) noexcept {
    switch (h) {
        case Hash::md5:
            return 16;
        case Hash::sha1:
            return 20;
        case Hash::sha256:
            return 32;
    }
    return 0;
}

bool digest(Hash h, std::string_view data, std::string& out) {
    out.assign(hash_size(h), '\0');
    unsigned int length = 0;
    return EVP_Digest(data.data(), data.size(), bytes(out), &length, md_of(h), nullptr) == 1 &&
           length == out.size();
}

bool hmac(Hash h, std::string_view key, std::string_view data, std::string& out) {
    out.assign(hash_size(h), '\0');
    // A zero-length key still needs a non-null pointer: OpenSSL reads null
    // as "no key given" and refuses.
    static const unsigned char empty_key = 0;
    const void* key_ptr = key.empty() ? &empty_key : static_cast<const void*>(key.data());
    std::size_t length = 0;
    return EVP_Q_mac(nullptr, "HMAC", nullptr, md_name(h), nullptr, key_ptr, key.size(),
                     bytes(data), data.size(), bytes(out), out.size(), &length) != nullptr &&
           length == out.size();
}

bool pbkdf2(Hash h, std::string_view password, std::string_view salt, unsigned iterations,
            std::string& out) {
    if (password.size() > INT_MAX || salt.size() > INT_MAX || iterations == 0 ||
        iterations > INT_MAX) {
        return false;
    }
    out.assign(hash_size(h), '\0');
    return PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()), bytes(salt),
                             static_cast<int>(salt.size()), static_cast<int>(iterations), md_of(h),
                             static_cast<int>(out.size()), bytes(out)) == 1;
}

bool random_bytes(unsigned char* out, std::size_t n) {
    return n <= INT_MAX && RAND_bytes(out, static_cast<int>(n)) == 1;
}

bool equal_secret(std::string_view a, std::string_view b) noexcept {
    return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

void wipe(std::string& s) noexcept {
    if (!s.empty()) {
        OPENSSL_cleanse(s.data(), s.size());
    }
    s.clear();
}

}  // namespace smtpkit::protocol::sasl::detail
