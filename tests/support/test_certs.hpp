// Certificates made at test time (OpenSSL 3), written as PEM files into a
// private temporary directory that is removed with the object:
//
//   root CA ── intermediate CA ── good, expired, not_yet_valid, wrong_host
//          └── client
//   other CA (trusted by nobody) ── unknown_ca
//   self_signed (its own issuer)
//
// Every server leaf names localhost, 127.0.0.1 and ::1 (except wrong_host)
// and is sent with the intermediate (except missing_intermediate, which is
// `good` sent alone). Keys are EC P-256: fast to make, and usable from
// TLS 1.0 to TLS 1.3.
//
//   const TestCertificates& pki = test_certificates();
//   options.tls.ca_file = pki.ca_file;
//   TlsServerConfig{.chain_file = pki.good.chain, .key_file = pki.good.key}
#pragma once

#include <string>

#include "support/script_server.hpp"

namespace smtpkit::test {

// One certificate, as PEM files.
struct CertFiles {
    std::string cert;   // the certificate alone
    std::string chain;  // the certificate and the CA certificates a server sends with it
    std::string key;    // its private key (unencrypted unless said otherwise)
};

// What a certificate file says, read back with OpenSSL, for comparing with
// what the client reports.
struct CertFacts {
    std::string subject;             // RFC 2253: "CN=localhost,O=smtpkit tests"
    std::string issuer;              // RFC 2253
    std::string not_before;          // "2026-01-01T00:00:00Z"
    std::string not_after;           // "2026-01-01T00:00:00Z"
    std::string sha256_fingerprint;  // "AB:CD:..." (upper-case hex, colons)
};

class TestCertificates {
  public:
    // Makes every certificate; throws std::runtime_error when OpenSSL fails.
    TestCertificates();
    ~TestCertificates();
    TestCertificates(const TestCertificates&) = delete;
    TestCertificates& operator=(const TestCertificates&) = delete;

    const std::string& dir() const { return dir_; }

    std::string ca_file;        // the root CA: what a client trusts
    std::string ca_dir;         // the root CA again, as a hashed directory (ca_path)
    std::string other_ca_file;  // the CA of unknown_ca, trusted by nobody
    std::string intermediate_file;

    CertFiles good;                  // by the intermediate, valid now, names localhost
    CertFiles expired;               // valid from 30 days ago to yesterday
    CertFiles not_yet_valid;         // valid from tomorrow
    CertFiles wrong_host;            // DNS:wrong.example, IP:192.0.2.1 only
    CertFiles self_signed;           // names localhost, signed by its own key
    CertFiles unknown_ca;            // by other CA; chain = the leaf alone
    CertFiles unknown_ca_with_root;  // the same leaf; chain = leaf + other CA's root
    CertFiles missing_intermediate;  // `good`, sent without its intermediate
    CertFiles client;                // by the root CA, for clientAuth
    CertFiles client_encrypted;      // `client` with its key encrypted (AES-256)
    std::string client_key_password = "correct horse battery staple";
    std::string client_common_name = "smtpkit test client";

    static CertFacts facts(const std::string& cert_file);

  private:
    std::string dir_;
};

// A server configuration that presents `files` (its chain and key).
TlsServerConfig server_tls(const CertFiles& files);

// The certificates of this test program: made on first use (in about a
// hundred milliseconds), removed when the program exits.
const TestCertificates& test_certificates();

}  // namespace smtpkit::test
