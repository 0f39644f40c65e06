// The OpenSSL key behind a DkimKey, and the one operation the signer needs
// from it.
#pragma once

#include <openssl/evp.h>

#include <string>
#include <string_view>

#include "smtpkit/dkim.hpp"

namespace smtpkit {

struct DkimKey::Impl {
    explicit Impl(EVP_PKEY* k, DkimAlgorithm a) : pkey(k), algorithm(a) {}
    Impl(const Impl&) = delete;
    Impl& operator=(const Impl&) = delete;
    ~Impl() { EVP_PKEY_free(pkey); }

    EVP_PKEY* pkey;
    DkimAlgorithm algorithm;
};

namespace message {

// The b= signature over the canonicalised header data: RSASSA-PKCS1-v1_5
// with SHA-256 (RFC 6376 3.3.1), or Ed25519 over the SHA-256 of the data
// (RFC 8463 3). False when OpenSSL fails.
bool dkim_sign(const DkimKey::Impl& key, std::string_view data, std::string& signature);

}  // namespace message
}  // namespace smtpkit
