// Test certificates with the OpenSSL 3 API: EC P-256 keys, X.509 v3 with
// the extensions a real CA would set, PEM files in a mkdtemp() directory.
#include "support/test_certs.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <utility>
#include <vector>

namespace smtpkit::test {
namespace {

constexpr long day = 24L * 60 * 60;

template <class T, void (*Free)(T*)>
struct Deleter {
    void operator()(T* p) const { Free(p); }
};
using KeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using CertPtr = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;

[[noreturn]] void fail(const std::string& what) {
    std::array<char, 256> reason{};
    ERR_error_string_n(ERR_get_error(), reason.data(), reason.size());
    ERR_clear_error();
    throw std::runtime_error("test certificates: " + what + ": " + reason.data());
}

void check(bool ok, const char* what) {
    if (!ok) {
        fail(what);
    }
}

KeyPtr make_key() {
    KeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
    check(key != nullptr, "EC key generation");
    return key;
}

// What one certificate is to be.
struct Spec {
    std::string common_name;
    long valid_from = -day;  // seconds from now
    long valid_to = 365 * day;
    bool ca = false;
    std::string alt_names;  // subjectAltName value, empty for none
    std::string extended_usage = "serverAuth";
};

void add_extension(X509* cert, X509V3_CTX* ctx, int nid, const std::string& value) {
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, ctx, nid, value.c_str());
    check(ext != nullptr, "extension");
    const int ok = X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
    check(ok == 1, "add extension");
}

void set_serial(X509* cert) {
    std::unique_ptr<BIGNUM, Deleter<BIGNUM, BN_free>> bn(BN_new());
    check(bn && BN_rand(bn.get(), 120, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) == 1, "serial");
    check(BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert)) != nullptr, "serial");
}

void set_subject(X509* cert, const std::string& common_name) {
    X509_NAME* name = X509_get_subject_name(cert);
    const auto* o = reinterpret_cast<const unsigned char*>("smtpkit tests");
    const auto* cn = reinterpret_cast<const unsigned char*>(common_name.c_str());
    check(X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8, o, -1, -1, 0) == 1 &&
              X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, cn, -1, -1, 0) == 1,
          "subject");
}

// Issues a certificate for `key`, signed by `issuer` / `issuer_key`, or by
// itself when `issuer` is null.
CertPtr issue(const Spec& spec, EVP_PKEY* key, X509* issuer, EVP_PKEY* issuer_key) {
    CertPtr cert(X509_new());
    check(cert != nullptr, "X509_new");
    X509* c = cert.get();
    check(X509_set_version(c, X509_VERSION_3) == 1, "version");
    set_serial(c);
    check(X509_gmtime_adj(X509_getm_notBefore(c), spec.valid_from) != nullptr &&
              X509_gmtime_adj(X509_getm_notAfter(c), spec.valid_to) != nullptr,
          "validity");
    set_subject(c, spec.common_name);
    X509* signer = issuer ? issuer : c;
    check(X509_set_issuer_name(c, X509_get_subject_name(signer)) == 1, "issuer");
    check(X509_set_pubkey(c, key) == 1, "public key");

    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, signer, c, nullptr, nullptr, 0);
    if (spec.ca) {
        add_extension(c, &ctx, NID_basic_constraints, "critical,CA:TRUE");
        add_extension(c, &ctx, NID_key_usage, "critical,keyCertSign,cRLSign");
    } else {
        add_extension(c, &ctx, NID_basic_constraints, "critical,CA:FALSE");
        add_extension(c, &ctx, NID_key_usage, "critical,digitalSignature");
        add_extension(c, &ctx, NID_ext_key_usage, spec.extended_usage);
    }
    add_extension(c, &ctx, NID_subject_key_identifier, "hash");
    if (issuer) {
        add_extension(c, &ctx, NID_authority_key_identifier, "keyid:always");
    }
    if (!spec.alt_names.empty()) {
        add_extension(c, &ctx, NID_subject_alt_name, spec.alt_names);
    }
    check(X509_sign(c, issuer_key ? issuer_key : key, EVP_sha256()) > 0, "sign");
    return cert;
}

BioPtr open_for_writing(const std::string& path) {
    BioPtr bio(BIO_new_file(path.c_str(), "w"));
    check(bio != nullptr, ("open " + path).c_str());
    return bio;
}

void write_certs(const std::string& path, const std::vector<X509*>& certs) {
    BioPtr bio = open_for_writing(path);
    for (X509* cert : certs) {
        check(PEM_write_bio_X509(bio.get(), cert) == 1, "write certificate");
    }
}

void write_key(const std::string& path, EVP_PKEY* key, const std::string& password = {}) {
    BioPtr bio = open_for_writing(path);
    const EVP_CIPHER* cipher = password.empty() ? nullptr : EVP_aes_256_cbc();
    auto* pass = reinterpret_cast<const unsigned char*>(password.data());
    check(PEM_write_bio_PrivateKey(bio.get(), key, cipher, pass, static_cast<int>(password.size()),
                                   nullptr, nullptr) == 1,
          "write key");
}

std::string rfc2253(const X509_NAME* name) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253);
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(size));
}

std::string iso8601(const ASN1_TIME* t) {
    std::tm tm{};
    check(ASN1_TIME_to_tm(t, &tm) == 1, "time");
    std::array<char, 32> text{};
    std::snprintf(text.data(), text.size(), "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    return text.data();
}

std::string hex_colons(const unsigned char* data, unsigned int size) {
    static constexpr char digits[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned int i = 0; i < size; ++i) {
        if (i > 0) {
            out += ':';
        }
        out += digits[data[i] >> 4];
        out += digits[data[i] & 0xf];
    }
    return out;
}

std::string make_temp_dir() {
    const auto base = std::filesystem::temp_directory_path() / "smtpkit-certs-XXXXXX";
    std::string path = base.string();
    if (::mkdtemp(path.data()) == nullptr) {
        throw std::runtime_error("test certificates: cannot make " + path);
    }
    return path;
}

const std::string localhost_names = "DNS:localhost,IP:127.0.0.1,IP:::1";

Spec ca_spec(std::string common_name) {
    Spec spec;
    spec.common_name = std::move(common_name);
    spec.valid_to = 3650 * day;
    spec.ca = true;
    return spec;
}

}  // namespace

TestCertificates::TestCertificates() : dir_(make_temp_dir()) {
    try {
        const auto file = [this](const char* name) { return dir_ + "/" + name; };
        const auto files = [&](const std::string& stem, bool chain) {
            return CertFiles{
                file((stem + ".crt").c_str()),
                chain ? file((stem + "-chain.crt").c_str()) : file((stem + ".crt").c_str()),
                file((stem + ".key").c_str())};
        };

        KeyPtr root_key = make_key();
        CertPtr root = issue(ca_spec("smtpkit test root CA"), root_key.get(), nullptr, nullptr);
        KeyPtr inter_key = make_key();
        CertPtr inter = issue(ca_spec("smtpkit test intermediate CA"), inter_key.get(), root.get(),
                              root_key.get());
        ca_file = file("root-ca.crt");
        intermediate_file = file("intermediate-ca.crt");
        write_certs(ca_file, {root.get()});
        ca_dir = file("ca-dir");
        std::filesystem::create_directory(ca_dir);
        std::array<char, 16> hash{};
        std::snprintf(hash.data(), hash.size(), "%08lx.0", X509_subject_name_hash(root.get()));
        write_certs(ca_dir + "/" + hash.data(), {root.get()});
        write_certs(intermediate_file, {inter.get()});

        // Server leaves under the intermediate, each sent with it.
        const auto leaf = [&](CertFiles& out, const std::string& stem, Spec spec) {
            KeyPtr key = make_key();
            CertPtr cert = issue(spec, key.get(), inter.get(), inter_key.get());
            out = files(stem, true);
            write_certs(out.cert, {cert.get()});
            write_certs(out.chain, {cert.get(), inter.get()});
            write_key(out.key, key.get());
        };
        leaf(good, "good", {"localhost", -day, 365 * day, false, localhost_names});
        leaf(expired, "expired", {"localhost", -30 * day, -day, false, localhost_names});
        leaf(not_yet_valid, "not-yet-valid", {"localhost", day, 30 * day, false, localhost_names});
        leaf(wrong_host, "wrong-host",
             {"wrong.example", -day, 365 * day, false, "DNS:wrong.example,IP:192.0.2.1"});
        missing_intermediate = {good.cert, good.cert, good.key};

        KeyPtr self_key = make_key();
        CertPtr self = issue({"localhost", -day, 365 * day, false, localhost_names}, self_key.get(),
                             nullptr, nullptr);
        self_signed = files("self-signed", false);
        write_certs(self_signed.cert, {self.get()});
        write_key(self_signed.key, self_key.get());

        KeyPtr other_key = make_key();
        CertPtr other = issue(ca_spec("smtpkit unknown CA"), other_key.get(), nullptr, nullptr);
        other_ca_file = file("other-ca.crt");
        write_certs(other_ca_file, {other.get()});
        KeyPtr stranger_key = make_key();
        CertPtr stranger = issue({"localhost", -day, 365 * day, false, localhost_names},
                                 stranger_key.get(), other.get(), other_key.get());
        unknown_ca = files("unknown-ca", false);
        write_certs(unknown_ca.cert, {stranger.get()});
        write_key(unknown_ca.key, stranger_key.get());
        unknown_ca_with_root = {unknown_ca.cert, file("unknown-ca-chain.crt"), unknown_ca.key};
        write_certs(unknown_ca_with_root.chain, {stranger.get(), other.get()});

        KeyPtr client_key = make_key();
        Spec client_spec{client_common_name, -day, 365 * day, false, "", "clientAuth"};
        CertPtr client_cert = issue(client_spec, client_key.get(), root.get(), root_key.get());
        client = files("client", false);
        write_certs(client.cert, {client_cert.get()});
        write_key(client.key, client_key.get());
        client_encrypted = {client.cert, client.cert, file("client-encrypted.key")};
        write_key(client_encrypted.key, client_key.get(), client_key_password);
    } catch (...) {
        std::error_code ignored;
        std::filesystem::remove_all(dir_, ignored);
        throw;
    }
}

TestCertificates::~TestCertificates() {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
}

CertFacts TestCertificates::facts(const std::string& cert_file) {
    BioPtr bio(BIO_new_file(cert_file.c_str(), "r"));
    check(bio != nullptr, ("open " + cert_file).c_str());
    CertPtr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    check(cert != nullptr, ("read " + cert_file).c_str());
    std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
    unsigned int size = 0;
    check(X509_digest(cert.get(), EVP_sha256(), md.data(), &size) == 1, "digest");
    return CertFacts{rfc2253(X509_get_subject_name(cert.get())),
                     rfc2253(X509_get_issuer_name(cert.get())),
                     iso8601(X509_get0_notBefore(cert.get())),
                     iso8601(X509_get0_notAfter(cert.get())), hex_colons(md.data(), size)};
}

TlsServerConfig server_tls(const CertFiles& files) {
    TlsServerConfig config;
    config.chain_file = files.chain;
    config.key_file = files.key;
    return config;
}

const TestCertificates& test_certificates() {
    static const TestCertificates certificates;
    return certificates;
}

}  // namespace smtpkit::test
