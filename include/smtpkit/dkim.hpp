// DKIM signing (RFC 6376; Ed25519 from RFC 8463): a DKIM-Signature header
// field put in front of a message as it goes out.
//
//   auto key = smtpkit::DkimKey::from_pem_file("dkim.pem");        // RSA or Ed25519
//   smtpkit::DkimSigner signer(key, "example.com", "mail2025");  // d= and s=
//   client.send(message.envelope(), signer.sign(message));
//
// Why these names: DkimSigner is what MimeKit calls its signer (its Domain
// and Selector are the constructor's arguments here; AgentOrUserIdentifier
// and Header/BodyCanonicalizationAlgorithm are identity() and
// canonicalization()), and lettre's DkimSigningKey / DkimConfig split the
// key from the settings as DkimKey / DkimSigner do. sign() returns a
// MessageSource rather than altering a Message because a signature covers
// octets, not a message's structure: the same call signs a composed Message
// (rendered with the RenderOptions given, which the signature then fixes:
// the defaults suit every server; client.render_options(message) gives
// 8bit bodies and SMTPUTF8 where the connected server offers them), a
// message file and a string alike, and the client sends the result as any
// other source.
//
// Streaming: sign() reads the message once, hashing the body as it passes
// (bounded memory, only the header section is kept), and signs the header
// section. The source it returns yields the DKIM-Signature field and then
// reads the original again, as every send does: so the message must be
// restartable (a string, a file, an opener, a Message without stream parts)
// and must not change between the two reads. A one-shot stream fails with
// error::dkim_source_not_restartable; a file changed since is sent with a
// signature that no longer verifies (or fails with source_grew/truncated).
//
// Defaults, chosen for what verifiers and mailing lists expect today:
// relaxed/relaxed canonicalisation, rsa-sha256 or ed25519-sha256 following
// the key's type, t= set to the signing time, no l= (a body length limit
// lets anyone append content), and the fields of default_headers() that the
// message has, each as often as it occurs, with From signed once more than
// it occurs ("oversigned"), so a second From cannot be added unnoticed.
//
// Errors (std::error_code forms set ec; the others throw smtpkit::
// system_error): dkim_key_unreadable, dkim_key_not_private and
// dkim_key_unsupported from the DkimKey factories; dkim_invalid_settings
// (a bad domain, selector or identity), dkim_no_from,
// dkim_source_not_restartable, malformed_message (a header section that
// cannot be read) and the source's own read errors from sign().
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "smtpkit/message.hpp"
#include "smtpkit/message_source.hpp"

namespace smtpkit {

// a= (RFC 6376 3.3, RFC 8463 3): follows from the key.
enum class DkimAlgorithm { rsa_sha256, ed25519_sha256 };
// c= (RFC 6376 3.4), for the header and the body separately.
enum class DkimCanonicalization { simple, relaxed };

// A private signing key: RSA (1024 bits or more, RFC 8301) or Ed25519, from
// PEM (PKCS#8 "PRIVATE KEY" or PKCS#1 "RSA PRIVATE KEY"; not encrypted).
// Copies share the one key.
class DkimKey {
  public:
    DkimKey() = default;  // no key: valid() is false, and signing with it fails
    static DkimKey from_pem_file(const std::filesystem::path& path, std::error_code& ec);
    static DkimKey from_pem_file(const std::filesystem::path& path);
    static DkimKey from_pem(std::string_view pem, std::error_code& ec);
    static DkimKey from_pem(std::string_view pem);

    // False only for a key whose factory failed.
    bool valid() const noexcept { return static_cast<bool>(impl_); }
    DkimAlgorithm algorithm() const noexcept;
    // The TXT record to publish at <selector>._domainkey.<domain>:
    // "v=DKIM1; k=rsa; p=<base64 SubjectPublicKeyInfo>" or, for Ed25519,
    // "v=DKIM1; k=ed25519; p=<base64 of the raw 32-octet public key>".
    std::string dns_record() const;

    struct Impl;  // dkim_key.cpp: the OpenSSL key

  private:
    explicit DkimKey(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
    std::shared_ptr<const Impl> impl_;
    friend class DkimSigner;
};

class DkimSigner {
  public:
    // d= is `domain`, s= is `selector` (ASCII: an IDN domain as its A-label).
    DkimSigner(DkimKey key, std::string_view domain, std::string_view selector);

    // c=; default relaxed/relaxed.
    DkimSigner& canonicalization(DkimCanonicalization header, DkimCanonicalization body);
    // The fields to sign when present (all of their occurrences); From is
    // always signed, listed here or not. Default: default_headers().
    DkimSigner& headers(std::vector<std::string> names);
    // Fields signed once more than they occur, so that none can be added
    // without breaking the signature. Default: From.
    DkimSigner& oversigned_headers(std::vector<std::string> names);
    // i= (the Agent or User Identifier): "@sub.example.com" or
    // "user@example.com", in the d= domain or below it. Default: none.
    DkimSigner& identity(std::string_view auid);
    // t=: on by default, the time of sign(); a fixed time (tests,
    // reproducible output) or none (std::nullopt).
    DkimSigner& timestamp(std::optional<std::chrono::system_clock::time_point> when);
    DkimSigner& timestamp_now();
    // x=: the signature expires this long after t= (needs a timestamp).
    DkimSigner& expire_after(std::optional<std::chrono::seconds> validity);

    // The message with a DKIM-Signature field in front (see the top of this
    // file). Size and content class are the message's plus the field's.
    MessageSource sign(const MessageSource& message, std::error_code& ec) const;
    MessageSource sign(const MessageSource& message) const;
    // A Message rendered once with `options` (fixed from then on: pass what
    // the server offers, or the defaults, which suit every server).
    MessageSource sign(const Message& message, const RenderOptions& options,
                       std::error_code& ec) const;
    MessageSource sign(const Message& message, const RenderOptions& options = {}) const;

    // Only the DKIM-Signature field ("DKIM-Signature: ...\r\n"), for a
    // caller who puts it in front of the message itself.
    std::string signature_field(const MessageSource& message, std::error_code& ec) const;

    // From, To, Cc, Subject, Date, Message-ID, Reply-To, MIME-Version,
    // Content-Type, Content-Transfer-Encoding, In-Reply-To, References.
    static const std::vector<std::string>& default_headers();

    // What the setters set (read by the implementation).
    struct Settings {
        DkimKey key;
        std::string domain;
        std::string selector;
        std::optional<std::string> identity;
        DkimCanonicalization header_c = DkimCanonicalization::relaxed;
        DkimCanonicalization body_c = DkimCanonicalization::relaxed;
        std::vector<std::string> headers;
        std::vector<std::string> oversigned;
        bool timestamp_now = true;
        std::optional<std::chrono::system_clock::time_point> timestamp;
        std::optional<std::chrono::seconds> validity;
    };

  private:
    Settings settings_;
};

}  // namespace smtpkit
