// TLS settings a caller may give, and what a session learned about its TLS
// connection (SocketTools' GetSecurityInformation).
#pragma once

#include <string>

namespace smtpkit {

struct TlsOptions {
    // Trust anchors. Both empty: the system's trust store.
    std::string ca_file;  // PEM file of CA certificates
    std::string ca_path;  // directory of hashed CA certificates (c_rehash)
    // A client certificate for the TLS session (PEM), its key and the key's
    // password when the key is encrypted.
    std::string cert_file;
    std::string key_file;
    std::string key_password;
};

struct SecurityInfo {
    bool active = false;    // TLS is up on this connection
    bool implicit = false;  // TLS from the first byte (port 465), not STARTTLS
    std::string protocol;   // "TLSv1.3"
    std::string cipher;     // "TLS_AES_256_GCM_SHA384"
    int cipher_bits = 0;
    std::string peer_subject;  // RFC 2253 form
    std::string peer_issuer;
    std::string not_before;  // "2026-01-01T00:00:00Z"
    std::string not_after;
    std::string sha256_fingerprint;  // "AB:CD:..."
    std::string verified_host;       // the name or address checked against the certificate
    bool verified = false;           // chain and host name verified
    std::string verify_result;       // OpenSSL's words: "ok", "certificate has expired", ...
};

}  // namespace smtpkit
