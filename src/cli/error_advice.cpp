#include "cli/error_advice.hpp"

#include "cli/exit_codes.hpp"
#include "cli/printable.hpp"
#include "smtpkit/error.hpp"

namespace smtpkit::cli {
namespace {

const char* const skip_verification = "--trusted-site skips verification: DANGEROUS";

// "2026-01-01" from "2026-01-01T00:00:00Z"; "" when unknown.
std::string day_of(const std::string& time) {
    return time.substr(0, time.find('T'));
}

std::string certificate_of(const ConnectContext& c) {
    return "certificate for " + c.server;
}

Advice certificate_advice(error e, const ConnectContext& c) {
    const SecurityInfo& cert = c.refused;
    switch (e) {
        case error::certificate_expired:
            return {certificate_of(c) + (cert.not_after.empty()
                                             ? std::string(" has expired")
                                             : " expired on " + day_of(cert.not_after)),
                    std::string("the server must renew it (") + skip_verification + ")"};
        case error::certificate_not_yet_valid:
            return {certificate_of(c) + " is not valid before " + day_of(cert.not_before),
                    std::string("check this machine's clock (") + skip_verification + ")"};
        case error::certificate_self_signed:
            return {
                certificate_of(c) + " is self-signed" +
                    (cert.peer_subject.empty() ? "" : " (" + printable(cert.peer_subject) + ")"),
                std::string("--cafile FILE with that certificate trusts it; ") + skip_verification};
        case error::certificate_untrusted:
            return {
                certificate_of(c) + " is not from a trusted CA" +
                    (cert.peer_issuer.empty() ? ""
                                              : " (issuer " + printable(cert.peer_issuer) + ")"),
                std::string("--cafile FILE with the CA's certificate, or --capath DIR; ") +
                    skip_verification};
        case error::certificate_host_mismatch:
            return {
                certificate_of(c) + " does not name " + c.server +
                    (cert.peer_subject.empty() ? ""
                                               : " (it is " + printable(cert.peer_subject) + ")"),
                std::string("use --server with a name the certificate holds; ") +
                    skip_verification};
        default:
            return {};
    }
}

std::string where(const ConnectContext& c) {
    return c.server + " port " + std::to_string(c.port);
}

Advice smtpkit_advice(error e, const ConnectContext& c) {
    switch (e) {
        case error::starttls_not_offered:
            return {"STARTTLS required but " + c.server + " did not offer it",
                    "use --tls implicit for port 465, or --tls none on a trusted network"};
        case error::tls_version_refused:
            return {c.server + " offers only TLS versions older than 1.2",
                    "--secure-fallback allows TLS 1.0 and 1.1 (DANGEROUS: they are broken)"};
        case error::tls_handshake_failed:
            if (c.tls_mode == TlsMode::implicit &&
                c.detail.find("plaintext") != std::string::npos) {
                return {where(c) + " does not speak TLS from the first byte",
                        "use --tls starttls (ports 587 and 25), or --port 465"};
            }
            return {};
        case error::timeout:
            return {where(c) + " did not answer within " + std::to_string(c.timeout) + " s",
                    "check --server, --port and firewalls, or raise --timeout"};
        default: {
            // OpenSSL's own reason stays visible: it is what a search finds.
            Advice advice = certificate_advice(e, c);
            if (!advice.cause.empty() && !c.detail.empty()) {
                advice.cause += " (OpenSSL: " + printable(c.detail) + ")";
            }
            return advice;
        }
    }
}

}  // namespace

Advice connect_advice(std::error_code ec, const ConnectContext& c) {
    if (ec.category() == error_category()) {
        return smtpkit_advice(static_cast<error>(ec.value()), c);
    }
    if (is_unknown_host(ec)) {
        return {c.server + " does not resolve", "check the name given to --server"};
    }
    if (ec == std::errc::connection_refused ||
        (std::string_view(ec.category().name()) == "asio.system" &&
         ec.value() == static_cast<int>(std::errc::connection_refused))) {
        return {"nothing accepts connections on " + where(c),
                "check --server and --port (587 for submission with --tls starttls, 465 with "
                "--tls implicit)"};
    }
    return {};
}

}  // namespace smtpkit::cli
