// The DATA encoder (RFC 5321 4.5.2 and 2.3.8): streams message bytes in any
// chunking to their wire form. Every CR, LF or CRLF becomes CRLF (no bare CR
// or LF is ever sent), every line starting with '.' gets one more '.', and
// finish() ends the message with exactly one CRLF before the final ".".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace smtpkit::protocol {

class DataEncoder {
public:
    // Appends the wire form of `in` to `out`.
    void encode(std::string_view in, std::string& out);
    // Appends the end of data: CRLF when the last line is open, then ".\r\n".
    void finish(std::string& out);

    std::uint64_t bytes_in() const { return bytes_in_; }
    void reset() { *this = DataEncoder{}; }

private:
    bool at_line_start_ = true;  // the next octet starts a line
    bool pending_cr_ = false;    // a CR ended the last chunk; its LF may follow
    std::uint64_t bytes_in_ = 0;
};

}  // namespace smtpkit::protocol
