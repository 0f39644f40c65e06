// Internal to smtpkit (installed only because protocol/session.hpp holds these
// types by value): not part of the API, may change in any release.
// The DATA encoder (RFC 5321 4.5.2 and 2.3.8): streams message bytes in any
// chunking to their wire form. Every CR, LF or CRLF becomes CRLF (no bare CR
// or LF is ever sent), every line starting with '.' gets one more '.', and
// finish() ends the message with exactly one CRLF before the final ".".
// Without dot-stuffing it is the text form of BDAT chunks (RFC 3030): the
// same octets as DATA delivers, ended by finish_text().
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace smtpkit::protocol {

class DataEncoder {
  public:
    explicit DataEncoder(bool dot_stuffing = true) : dot_stuffing_(dot_stuffing) {}

    // Appends the wire form of `in` to `out`.
    void encode(std::string_view in, std::string& out);
    // Appends the end of data: CRLF when the last line is open, then ".\r\n".
    void finish(std::string& out);
    // Appends only the CRLF that ends an open last line (the BDAT form).
    void finish_text(std::string& out);

    std::uint64_t bytes_in() const { return bytes_in_; }
    void reset() { *this = DataEncoder{dot_stuffing_}; }

  private:
    bool dot_stuffing_ = true;
    bool at_line_start_ = true;  // the next octet starts a line
    bool pending_cr_ = false;    // a CR ended the last chunk; its LF may follow
    std::uint64_t bytes_in_ = 0;
};

}  // namespace smtpkit::protocol
