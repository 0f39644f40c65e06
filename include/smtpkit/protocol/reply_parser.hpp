// Incremental SMTP reply parser (RFC 5321 4.2): feed it bytes in any chunks;
// it stops after each complete reply so the caller can act on that reply
// before looking at what follows (STARTTLS needs this). No I/O.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <system_error>

#include "smtpkit/reply.hpp"

namespace smtpkit::protocol {

struct ReplyLimits {
    // RFC 5321 4.5.3.1.5 allows 512 octets a reply line; real servers
    // overshoot (long Exim and Gmail texts), so we tolerate up to this.
    std::size_t max_line_length = 4096;  // octets, CRLF included
    std::size_t max_lines = 200;         // lines in one reply
};

class ReplyParser {
  public:
    explicit ReplyParser(ReplyLimits limits = {}) : limits_(limits) {}

    // Consumes bytes up to and including the end of one complete reply, or all
    // of `bytes` when no reply completes in them. Returns the count consumed.
    // On a malformed reply sets `ec` (a smtpkit::error) and the parser stays
    // failed until reset(). A line ends at LF; a CR directly before it is
    // dropped (CRLF is the rule, bare LF is tolerated from broken servers).
    std::size_t feed(std::string_view bytes, std::error_code& ec);

    bool has_reply() const { return complete_; }
    // The complete reply; the parser starts on the next one.
    Reply take();

    // True while part of a reply has been read but not all of it.
    bool mid_reply() const { return !complete_ && (!line_.empty() || !reply_.lines.empty()); }
    void reset();

  private:
    std::error_code finish_line();

    ReplyLimits limits_;
    std::string line_;  // the current line, without its line end
    Reply reply_;
    bool complete_ = false;
    std::error_code error_;  // the error that failed the parser; kept until reset()
};

// Parses one complete reply from a buffer that holds exactly one (tests, tools).
Reply parse_reply(std::string_view bytes, std::error_code& ec);

}  // namespace smtpkit::protocol
