#include "transport/tls_context.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "smtpkit/error.hpp"

namespace smtpkit::transport {
namespace {

std::string openssl_reason() {
    const unsigned long code = ERR_peek_last_error();
    ERR_clear_error();
    if (code == 0) {
        return {};
    }
    std::string text(256, '\0');
    ERR_error_string_n(code, text.data(), text.size());
    text.resize(text.find('\0'));
    return text;
}

bool load_trust(asio::ssl::context& ctx, const TlsOptions& o) {
    if (o.ca_file.empty() && o.ca_path.empty()) {
        return SSL_CTX_set_default_verify_paths(ctx.native_handle()) == 1;
    }
    return SSL_CTX_load_verify_locations(ctx.native_handle(),
                                         o.ca_file.empty() ? nullptr : o.ca_file.c_str(),
                                         o.ca_path.empty() ? nullptr : o.ca_path.c_str()) == 1;
}

bool load_client_certificate(asio::ssl::context& ctx, const TlsOptions& o) {
    if (o.cert_file.empty()) {
        return true;
    }
    std::error_code ec;
    ctx.set_password_callback(
        [password = o.key_password](std::size_t, asio::ssl::context::password_purpose) {
            return password;
        },
        ec);
    ctx.use_certificate_chain_file(o.cert_file, ec);
    if (!ec) {
        ctx.use_private_key_file(o.key_file.empty() ? o.cert_file : o.key_file,
                                 asio::ssl::context::pem, ec);
    }
    return !ec && SSL_CTX_check_private_key(ctx.native_handle()) == 1;
}

}  // namespace

std::unique_ptr<asio::ssl::context> make_tls_context(const TlsPolicy& policy, std::error_code& ec,
                                                     std::string& detail) {
    auto ctx = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
    SSL_CTX* native = ctx->native_handle();
    if (policy.legacy) {
        // Old servers: TLS 1.0 and 1.1, RC4/MD5/SHA-1 era suites and short
        // keys. Debian's OpenSSL 3 refuses them at security level 1 and up.
        SSL_CTX_set_min_proto_version(native, TLS1_VERSION);
        SSL_CTX_set_security_level(native, 0);
        SSL_CTX_set_cipher_list(native, "ALL:@SECLEVEL=0");
        SSL_CTX_set_options(native, SSL_OP_LEGACY_SERVER_CONNECT);
    } else {
        SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
    }
    // Compression invites CRIME; renegotiation is not needed by SMTP.
    SSL_CTX_set_options(native, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
    // Verify always, so the result is known; with trusted_site the handshake
    // goes on whatever it is (see Connection::async_handshake).
    SSL_CTX_set_verify(native, policy.verify ? SSL_VERIFY_PEER : SSL_VERIFY_NONE, nullptr);

    if (!load_trust(*ctx, policy.options)) {
        detail = "cannot load the CA certificates: " + openssl_reason();
        ec = make_error_code(error::tls_setup_failed);
        return nullptr;
    }
    if (!load_client_certificate(*ctx, policy.options)) {
        detail = "cannot load the client certificate or key: " + openssl_reason();
        ec = make_error_code(error::tls_setup_failed);
        return nullptr;
    }
    return ctx;
}

}  // namespace smtpkit::transport
