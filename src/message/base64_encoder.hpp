// The base64 content transfer encoding (RFC 2045 6.8) for MIME bodies.
//
// Streaming: the encoder keeps at most one partial line of input (56
// octets), so memory stays flat whatever the size of the body, and the
// encoded size follows from the input size alone, so a message builder can
// declare SIZE= for a 1 GB attachment without reading it first.
//
// Output: lines of 76 characters (57 input octets each), every line ending
// in CRLF, the last one shorter and padded with '='. An empty body encodes to
// nothing. The CRLF after the last line means a following boundary
// delimiter (itself "CRLF--boundary") leaves an empty line, which base64
// decoders skip.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace smtpkit::message {

class Base64Encoder {
  public:
    static constexpr std::size_t line_chars = 76;   // RFC 2045 6.8: at most 76
    static constexpr std::size_t line_octets = 57;  // 57 octets -> 76 characters

    // Appends the base64 of `chunk` to `out`, whole lines only; the rest of
    // the chunk waits for more input or finish().
    void encode(std::string_view chunk, std::string& out);
    // Appends the last, partial line (if any). The encoder is then fresh.
    void finish(std::string& out);

    // The exact number of octets encode() and finish() produce for
    // `input_octets` octets of input, CRLFs included (inputs below 2^63).
    static constexpr std::uint64_t encoded_size(std::uint64_t input_octets) noexcept {
        const std::uint64_t full_lines = input_octets / line_octets;
        const std::uint64_t rest = input_octets % line_octets;
        const std::uint64_t last_line = rest == 0 ? 0 : (rest + 2) / 3 * 4 + 2;
        return full_lines * (line_chars + 2) + last_line;
    }

  private:
    std::array<char, line_octets> partial_{};
    std::size_t partial_size_ = 0;
};

}  // namespace smtpkit::message
