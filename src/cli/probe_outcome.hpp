// What one `smtpkit probe` run found: the single value its human report,
// JSON document and exit status are all derived from.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <system_error>

#include "cli/tls_flags.hpp"
#include "smtpkit/client.hpp"
#include "smtpkit/reply.hpp"
#include "smtpkit/tls.hpp"

namespace smtpkit::cli {

using HelloRecord = SessionOpening::Hello;

struct ProbeOutcome {
    std::string server;
    std::uint16_t port = 0;  // the port really used (0 resolved to 25 or 465)
    TlsMode tls_mode = TlsMode::none;
    bool trusted_site = false;

    Reply greeting;
    std::optional<HelloRecord> before_tls;  // the plaintext EHLO/HELO (all of it with --tls none)
    Reply starttls_reply;
    SecurityInfo tls;  // active when the TLS session was established
    std::optional<HelloRecord> after_tls;
    // The last EHLO's extensions as the seed's GetExtendedOptions flags.
    ExtendedOption extended_options = ExtendedOption::none;
    // When the certificate was refused: the session looked at again with
    // verification off, to show what the server presents (active: false when
    // that did not work either, or was not tried).
    SecurityInfo rejected;

    std::error_code ec;
    std::string subject;  // what the failure concerns: "connecting to host port 25"
    std::string detail;   // the library's explanation (OpenSSL's reason)
    Reply reply;          // the server's last reply when ec is set
};

}  // namespace smtpkit::cli
