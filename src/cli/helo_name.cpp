#include "cli/helo_name.hpp"

#include <string>

#include "smtpkit/protocol/address.hpp"

namespace smtpkit::cli {

CLI::Validator helo_name_validator() {
    return CLI::Validator(
        [](const std::string& name) {
            return protocol::is_valid_domain(name, false)
                       ? std::string()
                       : "not a valid host name or address literal for EHLO/HELO: " + name;
        },
        "", "HELO name");
}

}  // namespace smtpkit::cli
