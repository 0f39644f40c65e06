// DkimKey: a PEM private key through OpenSSL's decoders, checked for a type
// DKIM can use, and the signing operation over it (no crypto of our own).
#include <openssl/crypto.h>
#include <openssl/decoder.h>
#include <openssl/err.h>
#include <openssl/x509.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <optional>

#include "message/dkim_key_impl.hpp"
#include "smtpkit/error.hpp"
#include "smtpkit/protocol/sasl.hpp"

namespace smtpkit {
namespace {

constexpr std::size_t max_key_file = 1024 * 1024;  // a PEM key is a few kilobytes
constexpr int min_rsa_bits = 1024;                 // RFC 8301 3.2

// Never prompts on a terminal for an encrypted key's passphrase: such a key
// fails to load (dkim_key_unreadable) instead.
int no_passphrase(char*, std::size_t, std::size_t*, const OSSL_PARAM*, void*) {
    return 0;
}

// A private key from PEM (PKCS#8 or the type's own form), through OpenSSL's
// decoders (no BIO: the message layer has no I/O); nullptr when there is none.
EVP_PKEY* decode_private_key(std::string_view pem) {
    EVP_PKEY* pkey = nullptr;
    std::unique_ptr<OSSL_DECODER_CTX, decltype(&OSSL_DECODER_CTX_free)> ctx(
        OSSL_DECODER_CTX_new_for_pkey(&pkey, "PEM", nullptr, nullptr, EVP_PKEY_KEYPAIR, nullptr,
                                      nullptr),
        &OSSL_DECODER_CTX_free);
    if (!ctx || OSSL_DECODER_CTX_set_passphrase_cb(ctx.get(), &no_passphrase, nullptr) != 1) {
        return nullptr;
    }
    const auto* data = reinterpret_cast<const unsigned char*>(pem.data());
    std::size_t size = std::min(pem.size(), max_key_file);
    if (OSSL_DECODER_from_data(ctx.get(), &data, &size) != 1) {
        EVP_PKEY_free(pkey);
        return nullptr;
    }
    return pkey;
}

// OpenSSL says no private key; a public key or a certificate is a common
// mix-up worth its own error.
bool looks_public(std::string_view pem) {
    return pem.find("PUBLIC KEY-----") != std::string_view::npos ||
           pem.find("CERTIFICATE-----") != std::string_view::npos;
}

std::optional<DkimAlgorithm> algorithm_of(EVP_PKEY* pkey) {
    if (EVP_PKEY_is_a(pkey, "ED25519") == 1) {
        return DkimAlgorithm::ed25519_sha256;
    }
    if (EVP_PKEY_is_a(pkey, "RSA") == 1 && EVP_PKEY_get_bits(pkey) >= min_rsa_bits) {
        return DkimAlgorithm::rsa_sha256;
    }
    return std::nullopt;
}

// Reads a key file of at most max_key_file octets. read() rather than
// stream iterators: libstdc++ throws from those for a directory.
bool read_small_file(const std::filesystem::path& path, std::string& out) {
    std::ifstream in(path, std::ios::binary);
    if (!in.is_open()) {
        return false;
    }
    out.resize(max_key_file + 1);
    in.read(out.data(), static_cast<std::streamsize>(out.size()));
    out.resize(static_cast<std::size_t>(in.gcount()));
    return !in.bad() && out.size() <= max_key_file;
}

}  // namespace

DkimKey DkimKey::from_pem(std::string_view pem, std::error_code& ec) {
    ec.clear();
    EVP_PKEY* pkey = decode_private_key(pem);
    ERR_clear_error();  // the reason is ours to give; leave no stale OpenSSL errors
    if (pkey == nullptr) {
        ec = make_error_code(looks_public(pem) ? error::dkim_key_not_private
                                               : error::dkim_key_unreadable);
        return DkimKey(nullptr);
    }
    const std::optional<DkimAlgorithm> algorithm = algorithm_of(pkey);
    if (!algorithm) {
        EVP_PKEY_free(pkey);
        ec = make_error_code(error::dkim_key_unsupported);
        return DkimKey(nullptr);
    }
    return DkimKey(std::make_shared<const Impl>(pkey, *algorithm));
}

DkimKey DkimKey::from_pem(std::string_view pem) {
    std::error_code ec;
    DkimKey key = from_pem(pem, ec);
    if (ec) {
        throw system_error(ec);
    }
    return key;
}

DkimKey DkimKey::from_pem_file(const std::filesystem::path& path, std::error_code& ec) {
    std::string pem;
    if (!read_small_file(path, pem)) {
        OPENSSL_cleanse(pem.data(), pem.size());
        ec = make_error_code(error::dkim_key_unreadable);
        return DkimKey(nullptr);
    }
    DkimKey key = from_pem(pem, ec);
    OPENSSL_cleanse(pem.data(), pem.size());  // no copy of the secret left behind
    return key;
}

DkimKey DkimKey::from_pem_file(const std::filesystem::path& path) {
    std::error_code ec;
    DkimKey key = from_pem_file(path, ec);
    if (ec) {
        throw system_error(ec, "DKIM key " + path.string());
    }
    return key;
}

DkimAlgorithm DkimKey::algorithm() const noexcept {
    return impl_ ? impl_->algorithm : DkimAlgorithm::rsa_sha256;
}

std::string DkimKey::dns_record() const {
    if (!impl_) {
        return {};
    }
    std::string der;
    if (impl_->algorithm == DkimAlgorithm::ed25519_sha256) {
        // RFC 8463 4: the bare 32-octet key, not a SubjectPublicKeyInfo.
        std::size_t size = 0;
        EVP_PKEY_get_raw_public_key(impl_->pkey, nullptr, &size);
        der.resize(size);
        EVP_PKEY_get_raw_public_key(impl_->pkey, reinterpret_cast<unsigned char*>(der.data()),
                                    &size);
        der.resize(size);
        return "v=DKIM1; k=ed25519; p=" + protocol::sasl::base64_encode(der);
    }
    unsigned char* buffer = nullptr;
    const int size = i2d_PUBKEY(impl_->pkey, &buffer);
    if (size > 0) {
        der.assign(reinterpret_cast<const char*>(buffer), static_cast<std::size_t>(size));
    }
    OPENSSL_free(buffer);
    return "v=DKIM1; k=rsa; p=" + protocol::sasl::base64_encode(der);
}

namespace message {

bool dkim_sign(const DkimKey::Impl& key, std::string_view data, std::string& signature) {
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    const bool ed25519 = key.algorithm == DkimAlgorithm::ed25519_sha256;
    unsigned char hash[EVP_MAX_MD_SIZE];
    unsigned hash_size = 0;
    if (ed25519) {
        // RFC 8463 3: PureEdDSA over the SHA-256 of the header data.
        if (EVP_Digest(data.data(), data.size(), hash, &hash_size, EVP_sha256(), nullptr) != 1) {
            return false;
        }
        data = std::string_view(reinterpret_cast<const char*>(hash), hash_size);
    }
    // EVP_PKEY_get_size: the largest signature the key makes; one call
    // signs (Ed25519 is one-shot only).
    std::size_t size = static_cast<std::size_t>(EVP_PKEY_get_size(key.pkey));
    signature.resize(size);
    const bool ok =
        ctx &&
        EVP_DigestSignInit(ctx.get(), nullptr, ed25519 ? nullptr : EVP_sha256(), nullptr,
                           key.pkey) == 1 &&
        EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &size,
                       reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1;
    ERR_clear_error();
    if (ok) {
        signature.resize(size);
    }
    return ok;
}

}  // namespace message
}  // namespace smtpkit
