// Pieces of the tool's JSON documents that its commands share, so the
// same thing is spelled the same way in both.
//
//   reply:        {"code": 250, "enhanced": "2.0.0" | null, "text": "lines joined by \n"}
//   tls:          {"active", "implicit", "protocol", "cipher", "cipher_bits", "verified",
//                  "verified_host", "verify_result", "peer_subject", "peer_issuer",
//                  "not_before", "not_after", "sha256_fingerprint"}
//   capabilities: {"PIPELINING": [], "SIZE": ["10240000"], ...}  (EHLO keywords, in the
//                  server's order, with their parameters)
//   error:        {"code", "value", "category", "message", "stage"?, "detail"?, "about"?,
//                  "fix"?, "reply"?}
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <system_error>

#include "smtpkit/client.hpp"
#include "smtpkit/reply.hpp"
#include "smtpkit/tls.hpp"

namespace smtpkit::cli {

// Keys in the order written: the documented order, easier to read.
using Json = nlohmann::ordered_json;

// null for an empty reply (the dialogue never got that far).
Json reply_json(const Reply& reply);
Json tls_json(const SecurityInfo& info);
Json capabilities_json(const Capabilities& capabilities);
// `about`: what the error concerns; `detail`: the library's explanation;
// `reply`: the server's refusal, shown when it is negative; `stage`: how far
// the run got, when the command has stages.
// `fix`: what to do about it, when known (about then names the cause).
Json error_json(std::error_code ec, const std::string& about, const std::string& detail,
                const Reply& reply, const char* stage = nullptr, const std::string& fix = {});

// The document, pretty-printed, without a trailing newline. Bytes that are
// not UTF-8 (a server may send them) are replaced, never fatal.
std::string dump(const Json& doc);

}  // namespace smtpkit::cli
