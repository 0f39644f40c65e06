// libFuzzer target for the SCRAM client: the input is a server-first message,
// a '\n', and a server-final message (the rest of the input). Both SCRAM
// mechanisms answer it with a fixed client nonce; whatever the server says,
// they must not crash, and must keep their contract:
//   - a client-final message only for a server-first that extends our nonce,
//     and it echoes the server's nonce and carries a proof;
//   - the empty answer and complete() == success only for a verified server;
//   - after any error, every further challenge is refused.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "../../src/protocol/sasl/scram.hpp"
#include "smtpkit/error.hpp"

namespace {

using namespace smtpkit::protocol::sasl;

constexpr std::string_view client_nonce = "fuzzcnonce";

Credentials creds(std::string user, std::string secret, std::string authzid) {
    Credentials c;
    c.user = std::move(user);
    c.secret = std::move(secret);
    c.authzid = std::move(authzid);
    return c;
}

bool starts_with(std::string_view s, std::string_view prefix) {
    return s.substr(0, prefix.size()) == prefix;
}

bool not_verified(const Authenticator& auth) {
    return auth.complete() == smtpkit::error::sasl_server_not_verified;
}

bool refuses_more(Authenticator& auth) {
    std::error_code ec;
    const std::string answer = auth.respond("v=AAAA", ec);
    return answer.empty() && ec == smtpkit::error::sasl_bad_challenge && not_verified(auth);
}

// True when the authenticator kept its contract on this input.
bool exchange(Mechanism mechanism, std::string_view server_first, std::string_view server_final) {
    std::error_code ec;
    // A low ceiling keeps each run fast; the parsing is the same.
    auto auth = detail::make_scram(mechanism, creds("user", "pencil", ""),
                                   std::string(client_nonce), ec, detail::ScramLimits{4096});
    if (ec || !auth || !auth->initial_response(ec) || ec) {
        return false;
    }
    const std::string client_final = auth->respond(server_first, ec);
    if (ec) {
        return client_final.empty() && not_verified(*auth) && refuses_more(*auth);
    }
    if (!starts_with(server_first, "r=" + std::string(client_nonce))) {
        return false;
    }
    const std::string_view server_nonce = server_first.substr(2, server_first.find(',') - 2);
    if (!starts_with(client_final, "c=biws,r=" + std::string(server_nonce) + ",p=") ||
        !not_verified(*auth)) {
        return false;
    }
    const std::string last = auth->respond(server_final, ec);
    if (ec) {
        return last.empty() && not_verified(*auth) && refuses_more(*auth);
    }
    return last.empty() && !auth->complete() && starts_with(server_final, "v=") &&
           refuses_more(*auth);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const std::size_t split = input.find('\n');
    const std::string_view server_first = input.substr(0, split);
    const std::string_view server_final =
        split == std::string_view::npos ? std::string_view{} : input.substr(split + 1);
    if (!exchange(Mechanism::scram_sha_1, server_first, server_final) ||
        !exchange(Mechanism::scram_sha_256, server_first, server_final)) {
        __builtin_trap();
    }
    return 0;
}
