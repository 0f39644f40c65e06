// DkimKey: the key types DKIM signs with load; everything else is a clear
// error code, never a crash or a passphrase prompt.
#include <gtest/gtest.h>

#include "smtpkit/dkim.hpp"
#include "smtpkit/error.hpp"
#include "unit/dkim_test_support.hpp"

namespace smtpkit::test {
namespace {

std::error_code load_error(const std::string& file) {
    std::error_code ec;
    const DkimKey key = DkimKey::from_pem_file(dkim_key_path(file), ec);
    EXPECT_EQ(key.valid(), !ec);
    return ec;
}

TEST(DkimKey, RsaAndEd25519Load) {
    EXPECT_EQ(dkim_test_key("rsa2048.pem").algorithm(), DkimAlgorithm::rsa_sha256);
    EXPECT_EQ(dkim_test_key("rsa1024-pkcs1.pem").algorithm(), DkimAlgorithm::rsa_sha256);
    EXPECT_EQ(dkim_test_key("ed25519.pem").algorithm(), DkimAlgorithm::ed25519_sha256);
}

TEST(DkimKey, KeysThatCannotSignAreRefusedWithTheirReason) {
    EXPECT_EQ(load_error("rsa2048-public.pem"), error::dkim_key_not_private);
    EXPECT_EQ(load_error("ec-p256.pem"), error::dkim_key_unsupported);
    EXPECT_EQ(load_error("rsa512.pem"), error::dkim_key_unsupported);
    EXPECT_EQ(load_error("ed25519-encrypted.pem"), error::dkim_key_unreadable);  // no prompt
    EXPECT_EQ(load_error("no-such-key.pem"), error::dkim_key_unreadable);
    EXPECT_EQ(load_error("README.md"), error::dkim_key_unreadable);
    EXPECT_EQ(load_error(""), error::dkim_key_unreadable);  // the directory
}

TEST(DkimKey, PemStrings) {
    std::error_code ec;
    DkimKey::from_pem("", ec);
    EXPECT_EQ(ec, error::dkim_key_unreadable);
    DkimKey::from_pem("-----BEGIN PRIVATE KEY-----\nnot base64\n-----END PRIVATE KEY-----\n", ec);
    EXPECT_EQ(ec, error::dkim_key_unreadable);
    DkimKey::from_pem("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n", ec);
    EXPECT_EQ(ec, error::dkim_key_not_private);
    EXPECT_EQ(ec, condition::misuse);
}

TEST(DkimKey, ThrowingFormsCarryTheCode) {
    try {
        DkimKey::from_pem_file(dkim_key_path("rsa2048-public.pem"));
        FAIL() << "no exception";
    } catch (const system_error& e) {
        EXPECT_EQ(e.code(), error::dkim_key_not_private);
        EXPECT_NE(std::string(e.what()).find("rsa2048-public.pem"), std::string::npos);
    }
    EXPECT_THROW(DkimKey::from_pem("nothing"), system_error);
}

TEST(DkimKey, DnsRecords) {
    const std::string rsa = dkim_test_key("rsa2048.pem").dns_record();
    EXPECT_EQ(rsa.rfind("v=DKIM1; k=rsa; p=MIIBIjAN", 0), 0u) << rsa;  // SubjectPublicKeyInfo
    const std::string ed = dkim_test_key("ed25519.pem").dns_record();
    EXPECT_EQ(ed.rfind("v=DKIM1; k=ed25519; p=", 0), 0u) << ed;
    EXPECT_EQ(ed.size(), std::string("v=DKIM1; k=ed25519; p=").size() + 44) << "32 raw octets";
    EXPECT_EQ(DkimKey().dns_record(), "");
}

}  // namespace
}  // namespace smtpkit::test
