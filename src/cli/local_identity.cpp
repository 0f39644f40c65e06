#include "cli/local_identity.hpp"

#include <pwd.h>
#include <unistd.h>

#include <array>

#include "smtpkit/protocol/address.hpp"

namespace smtpkit::cli {
namespace {

const passwd* own_entry() {
    return ::getpwuid(::getuid());
}

}  // namespace

std::string local_host_name() {
    std::array<char, 256> name{};
    if (::gethostname(name.data(), name.size() - 1) != 0 || name[0] == '\0') {
        return "localhost";
    }
    std::string host(name.data());
    return protocol::is_valid_domain(host, false) ? host : "localhost";
}

std::string login_name() {
    const passwd* entry = own_entry();
    return entry != nullptr && entry->pw_name != nullptr ? entry->pw_name : "nobody";
}

std::string full_name() {
    const passwd* entry = own_entry();
    if (entry == nullptr || entry->pw_gecos == nullptr) {
        return {};
    }
    const std::string gecos(entry->pw_gecos);
    return gecos.substr(0, gecos.find(','));
}

}  // namespace smtpkit::cli
