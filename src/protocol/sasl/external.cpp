// EXTERNAL (RFC 4422 appendix A): the TLS client certificate authenticates;
// the one message is the authorization identity, usually empty ("=" on the
// wire: act as whoever the certificate names).
#include "mechanisms.hpp"
#include "smtpkit/error.hpp"

namespace smtpkit::protocol::sasl::detail {

std::unique_ptr<Authenticator> make_external(const Credentials& c, std::error_code& ec) {
    if (contains_nul(c.authzid)) {
        ec = error::sasl_invalid_input;
        return nullptr;
    }
    return std::make_unique<InitialMessage>(Mechanism::external, c.authzid);
}

}  // namespace smtpkit::protocol::sasl::detail
