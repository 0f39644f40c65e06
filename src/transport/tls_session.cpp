#include "transport/tls_session.hpp"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <asio/ip/address.hpp>
#include <asio/ssl/error.hpp>

#include <array>
#include <cstdio>
#include <ctime>
#include <memory>

#include "smtpkit/error.hpp"

namespace smtpkit::transport {
namespace {

std::string name_of(const X509_NAME* name) {
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
    X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253);
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(size));
}

std::string time_of(const ASN1_TIME* t) {
    std::tm tm{};
    if (ASN1_TIME_to_tm(t, &tm) != 1) {
        return {};
    }
    std::array<char, 32> text{};
    std::strftime(text.data(), text.size(), "%Y-%m-%dT%H:%M:%SZ", &tm);
    return text.data();
}

std::string fingerprint_of(const X509* cert) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
    unsigned int size = 0;
    if (X509_digest(cert, EVP_sha256(), md.data(), &size) != 1) {
        return {};
    }
    std::string text;
    for (unsigned int i = 0; i < size; ++i) {
        std::array<char, 4> hex{};
        std::snprintf(hex.data(), hex.size(), i ? ":%02X" : "%02X", md[i]);
        text += hex.data();
    }
    return text;
}

error certificate_error_for(long verify_result) {
    switch (verify_result) {
        case X509_V_ERR_CERT_HAS_EXPIRED:
            return error::certificate_expired;
        case X509_V_ERR_CERT_NOT_YET_VALID:
            return error::certificate_not_yet_valid;
        case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
            return error::certificate_self_signed;
        case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:  // a root we do not trust
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
        case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
        case X509_V_ERR_CERT_UNTRUSTED:
            return error::certificate_untrusted;
        case X509_V_ERR_HOSTNAME_MISMATCH:
        case X509_V_ERR_IP_ADDRESS_MISMATCH:
            return error::certificate_host_mismatch;
        default:
            return error::certificate_invalid;
    }
}

}  // namespace

bool is_ip_literal(const std::string& host) {
    std::error_code ec;
    asio::ip::make_address(host, ec);
    return !ec;
}

bool prepare_peer(SSL* ssl, const std::string& host) {
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
    if (is_ip_literal(host)) {
        return X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str()) == 1;
    }
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    return SSL_set_tlsext_host_name(ssl, host.c_str()) == 1 &&
           SSL_set1_host(ssl, host.c_str()) == 1;
}

std::error_code verification_error(SSL* ssl) {
    const long result = SSL_get_verify_result(ssl);
    if (result == X509_V_OK && SSL_get0_peer_certificate(ssl) != nullptr) {
        return {};
    }
    if (result == X509_V_OK) {
        return make_error_code(error::certificate_invalid);  // no certificate at all
    }
    return make_error_code(certificate_error_for(result));
}

std::error_code classify_handshake_error(std::error_code ec, SSL* ssl, std::string& detail) {
    if (ec.category() == error_category()) {
        return ec;  // our own timeout or cancel
    }
    const long result = SSL_get_verify_result(ssl);
    if (result != X509_V_OK) {
        detail = X509_verify_cert_error_string(result);
        return make_error_code(certificate_error_for(result));
    }
    detail = ec.message();
    if (ec.category() == asio::error::get_ssl_category()) {
        const int reason = ERR_GET_REASON(static_cast<unsigned long>(ec.value()));
        if (reason == SSL_R_UNSUPPORTED_PROTOCOL || reason == SSL_R_NO_PROTOCOLS_AVAILABLE ||
            reason == SSL_R_TLSV1_ALERT_PROTOCOL_VERSION) {
            return make_error_code(error::tls_version_refused);
        }
        if (reason == SSL_R_WRONG_VERSION_NUMBER) {
            detail = "the server did not answer in TLS (a plaintext port?)";
        }
        return make_error_code(error::tls_handshake_failed);
    }
    if (ec == asio::error::eof || ec == asio::ssl::error::stream_truncated) {
        detail = "the server closed the connection during the TLS handshake";
        return make_error_code(error::tls_handshake_failed);
    }
    return ec;
}

SecurityInfo describe_session(SSL* ssl, const std::string& host, bool implicit) {
    SecurityInfo info;
    info.active = true;
    info.implicit = implicit;
    info.protocol = SSL_get_version(ssl);
    if (const SSL_CIPHER* cipher = SSL_get_current_cipher(ssl)) {
        info.cipher = SSL_CIPHER_get_name(cipher);
        info.cipher_bits = SSL_CIPHER_get_bits(cipher, nullptr);
    }
    if (const X509* cert = SSL_get0_peer_certificate(ssl)) {
        info.peer_subject = name_of(X509_get_subject_name(cert));
        info.peer_issuer = name_of(X509_get_issuer_name(cert));
        info.not_before = time_of(X509_get0_notBefore(cert));
        info.not_after = time_of(X509_get0_notAfter(cert));
        info.sha256_fingerprint = fingerprint_of(cert);
    }
    info.verified_host = host;
    const long result = SSL_get_verify_result(ssl);
    info.verified = result == X509_V_OK && SSL_get0_peer_certificate(ssl) != nullptr;
    info.verify_result = X509_verify_cert_error_string(result);
    return info;
}

}  // namespace smtpkit::transport
