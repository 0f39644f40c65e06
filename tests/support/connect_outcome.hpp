// A connect() whose failure a test can print in full: the code and the
// library's detail (OpenSSL's reason for TLS failures).
#pragma once

#include <cstdint>
#include <string>
#include <system_error>

#include "smtpkit/client.hpp"

namespace smtpkit::test {

struct ConnectOutcome {
    std::error_code ec;
    std::string detail;
};

inline ConnectOutcome try_connect(Client& client, const std::string& host, std::uint16_t port,
                                  const ConnectOptions& options) {
    ConnectOutcome outcome;
    client.connect(host, port, options, outcome.ec);
    outcome.detail = client.last_error_detail();
    return outcome;
}

}  // namespace smtpkit::test
