#include "cli/connect_client.hpp"

#include "smtpkit/error.hpp"

namespace smtpkit::cli {

void connect_client(Client& client, std::string_view host, std::uint16_t port,
                    const ConnectOptions& options, std::error_code& ec, std::string& detail) {
    client.connect(host, port, options, ec);
    detail = ec ? client.last_error_detail() : std::string();
}

bool is_certificate_error(std::error_code ec) {
    if (ec.category() != error_category()) {
        return false;
    }
    switch (static_cast<error>(ec.value())) {
        case error::certificate_expired:
        case error::certificate_not_yet_valid:
        case error::certificate_self_signed:
        case error::certificate_untrusted:
        case error::certificate_host_mismatch:
        case error::certificate_invalid:
            return true;
        default:
            return false;
    }
}

}  // namespace smtpkit::cli
