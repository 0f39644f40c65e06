// What a login (--user, --auth) came to, for the reports. It holds neither
// the secret nor the user name.
#pragma once

#include <string>

#include "smtpkit/reply.hpp"

namespace smtpkit::cli {

struct AuthOutcome {
    std::string requested;  // the --auth value: "auto", "plain", ...
    std::string mechanism;  // the SASL name sent in AUTH ("CRAM-MD5"); "" when none was sent
    bool succeeded = false;
    Reply reply;  // the server's final answer to AUTH (235, 535, ...); empty when none
};

}  // namespace smtpkit::cli
