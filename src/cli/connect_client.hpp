// Connecting for the tool: Client::connect, plus the library's explanation
// of a failure. The error_code form of connect() says what failed
// ("certificate_untrusted"); only the throwing form says why in its what()
// ("unable to get local issuer certificate", "cannot load the CA
// certificates: ... No such file"), and users need the why.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

#include "smtpkit/client.hpp"

namespace smtpkit::cli {

// Like client.connect(host, port, options, ec); `detail` gets the library's
// explanation when it adds something to ec.message() and the server's reply.
void connect_client(Client& client, std::string_view host, std::uint16_t port,
                    const ConnectOptions& options, std::error_code& ec, std::string& detail);

// The part of an exception's what() that explains `ec` beyond its message
// and the server's reply (which the tool prints anyway); "" when nothing.
std::string explanation(std::string_view what, std::error_code ec, const Reply& reply);

// True for the errors that mean the server's certificate was refused.
bool is_certificate_error(std::error_code ec);

}  // namespace smtpkit::cli
