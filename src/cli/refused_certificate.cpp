#include "cli/refused_certificate.hpp"

#include <iostream>

#include "cli/trace_printer.hpp"
#include "smtpkit/client.hpp"

namespace smtpkit::cli {

SecurityInfo look_at_refused_certificate(const std::string& server, std::uint16_t port,
                                         ConnectOptions options, bool trace) {
    options.options |= Option::trusted_site;
    if (trace) {
        std::cerr << "* connecting again with verification off, to show the certificate\n";
    }
    Client client;
    if (trace) {
        client.set_trace(TracePrinter(std::cerr));
    }
    std::error_code ec;
    client.connect(server, port, options, ec);
    SecurityInfo info = client.security_info();
    client.quit(ec);
    return info;
}

}  // namespace smtpkit::cli
