#include "cli/connect_client.hpp"

#include "smtpkit/error.hpp"

namespace smtpkit::cli {

std::string explanation(std::string_view what, std::error_code ec, const Reply& reply) {
    std::string text(what);
    // std::system_error(ec, arg) makes "arg: message" (libstdc++, libc++).
    const std::string suffix = ": " + ec.message();
    if (text.size() > suffix.size() && text.ends_with(suffix)) {
        text.resize(text.size() - suffix.size());
    }
    if (text == ec.message() || (!reply.empty() && text == reply.summary())) {
        return {};
    }
    return text;
}

void connect_client(Client& client, std::string_view host, std::uint16_t port,
                    const ConnectOptions& options, std::error_code& ec, std::string& detail) {
    ec.clear();
    detail.clear();
    try {
        client.connect(host, port, options);
    } catch (const std::system_error& e) {
        ec = e.code();
        detail = explanation(e.what(), ec, client.last_reply());
    }
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
