// Connecting for the tool: Client::connect, plus the library's explanation
// of a failure: the code says what failed ("certificate_untrusted"),
// last_error_detail() why ("unable to get local issuer certificate").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

#include "smtpkit/client.hpp"

namespace smtpkit::cli {

// Like client.connect(host, port, options, ec); `detail` gets the library's
// explanation of a failure, if it has one.
void connect_client(Client& client, std::string_view host, std::uint16_t port,
                    const ConnectOptions& options, std::error_code& ec, std::string& detail);

// True for the errors that mean the server's certificate was refused.
bool is_certificate_error(std::error_code ec);

}  // namespace smtpkit::cli
