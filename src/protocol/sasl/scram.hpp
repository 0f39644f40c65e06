// SCRAM-SHA-1 (RFC 5802) and SCRAM-SHA-256 (RFC 7677), client side, without
// channel binding ("n,,"). Internal to the core; tests and the fuzz target
// reach it to fix the client nonce the way the RFC examples do.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <system_error>

#include "smtpkit/protocol/sasl.hpp"

namespace smtpkit::protocol::sasl::detail {

// Random bytes behind a client nonce: 192 bits, 32 base64 letters (no ',').
inline constexpr std::size_t scram_nonce_bytes = 24;

struct ScramLimits {
    // Hi() costs one HMAC per iteration: a hostile server could otherwise ask
    // for billions. Ten million take a few seconds; real servers use 4096
    // (RFC 7677 4 asks for at least that) up to a few hundred thousand.
    // Counts from 1 up are accepted: a low count weakens only what the
    // server stores, which is its choice.
    unsigned max_iterations = 10'000'000;
};

// The client nonce make_authenticator uses: `random` (or RAND_bytes when
// empty) fills scram_nonce_bytes bytes, sent in base64. Sets ec (auth_failed)
// if RAND_bytes fails.
std::string make_scram_nonce(const RandomSource& random, std::error_code& ec);

// `mechanism` is scram_sha_1 or scram_sha_256; `client_nonce` printable ASCII
// without ','. The user name and password go through SASLprep (RFC 5802
// 5.1); ec = sasl_invalid_input if that fails, the user name ends up empty,
// or the nonce or authzid is unusable.
std::unique_ptr<Authenticator> make_scram(Mechanism mechanism, const Credentials& credentials,
                                          std::string client_nonce, std::error_code& ec,
                                          const ScramLimits& limits = {});

}  // namespace smtpkit::protocol::sasl::detail
