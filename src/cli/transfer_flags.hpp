// The ESMTP extension flags of `send` (issue 5): DSN, BODY, REQUIRETLS,
// MT-PRIORITY, DELIVERBY, and how the message travels (PIPELINING,
// CHUNKING/BDAT, chunk size, window, several messages on one session).
//
//   --dsn-notify never|success,failure,delay   NOTIFY on every RCPT (comma list)
//   --dsn-ret full|hdrs                         RET on MAIL
//   --envid ID                                  ENVID on MAIL (xtext-encoded by the library)
//   --dsn-required                              no DSN offered: fail (else the DSN
//                                               parameters are dropped and reported)
//   --requiretls                                REQUIRETLS on MAIL; needs --tls
//   --mt-priority N                             MT-PRIORITY=N, -9..9 (dropped when not offered)
//   --deliver-by SECONDS[;R|;N][T]              BY=SECONDS;R (default R; dropped when not offered)
//   --body auto|7bit|8bitmime|binarymime        BODY= (auto: from the content)
//   --chunk-size BYTES, --window N              BDAT chunk size; messages in flight
//   --no-pipelining, --no-chunking              for servers that get them wrong
//   --repeat N                                  the message N times on one session (send_many)
//
// Combinations that make no sense are usage errors (check_transfer_flags).
#pragma once

#include <CLI/CLI.hpp>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "cli/tls_flags.hpp"
#include "smtpkit/envelope.hpp"
#include "smtpkit/options.hpp"

namespace smtpkit::cli {

struct TransferFlags {
    std::string dsn_notify;  // as given: "never" or a comma list; empty: not given
    std::string dsn_ret;     // "full" or "hdrs"; empty: not given
    std::string envid;
    bool dsn_required = false;
    bool requiretls = false;
    std::optional<int> mt_priority;
    std::string deliver_by;  // as given; empty: not given
    std::string body = "auto";
    std::size_t chunk_size = 0;  // 0: the library's default
    std::size_t window = 0;      // 0: the library's default
    bool no_pipelining = false;
    bool no_chunking = false;
    int repeat = 1;
};

// Registers the flags on `cmd`, in their own group of the help; `send`
// checks them once parsing is done (check_transfer_flags).
void add_transfer_flags(CLI::App& cmd, TransferFlags& flags);

// Why these flags do not go together (or a value is malformed), or "" when
// they are fine.
std::string check_transfer_flags(const TransferFlags& flags, TlsMode tls_mode);

// "never", or a comma list of success, failure, delay (any order, any case);
// nullopt when malformed (empty items, unknown words, never with others).
std::optional<DsnNotify> parse_dsn_notify(std::string_view text);

// "SECONDS" or "SECONDS;R" / "SECONDS;N", optionally followed by T (trace):
// "3600", "3600;R", "600;NT". SECONDS is 1..999999999 (RFC 2852 by-time).
// ";" may be left out ("600N"), since it must be quoted in a shell.
std::optional<DeliverBy> parse_deliver_by(std::string_view text);

// TransferOptions from --chunk-size, --window, --no-pipelining, --no-chunking.
void apply_transfer_flags(const TransferFlags& flags, ConnectOptions& options);

// The message parameters on `envelope`: DSN (NOTIFY on every recipient
// already in it), BODY, REQUIRETLS, MT-PRIORITY, DELIVERBY. The flags must
// have passed check_transfer_flags.
void apply_envelope_flags(const TransferFlags& flags, Envelope& envelope);

}  // namespace smtpkit::cli
