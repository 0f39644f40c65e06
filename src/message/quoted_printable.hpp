// The quoted-printable content transfer encoding (RFC 2045 6.7), streaming.
//
// Text mode (for text/* parts): a line break in the input, CRLF or a bare
// LF, is a hard line break written as CRLF; a bare CR is encoded as =0D.
// Binary mode (for anything else): CR and LF are data and encoded too, so
// the decoded octets are exactly the input.
//
// Either way: '=' and every octet outside printable US-ASCII are encoded;
// a space or tab at the end of a line or of the input is encoded (rule 3:
// transports may strip trailing white space); soft line breaks ("=" CRLF)
// keep every encoded line within 76 characters; and a line never starts with
// a literal '.' or "From " (encoded as =2E, =46), so neither dot-stuffing
// nor mbox "From " quoting can alter the body.
//
// The output ends as the input ends: with CRLF only when the input ended with
// a line break (the CRLF before a following boundary belongs to the boundary).
// The encoder holds back at most 4 octets of input, waiting to see what
// follows them (a CR's LF, "From "), so memory stays flat.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace smtpkit::message {

class QuotedPrintableEncoder {
  public:
    enum class Mode { text, binary };

    static constexpr std::size_t max_line = 76;  // RFC 2045 6.7 rule 5, without CRLF

    explicit QuotedPrintableEncoder(Mode mode = Mode::text) noexcept : mode_(mode) {}

    // Appends the encoding of `chunk` to `out`; octets whose encoding depends
    // on what follows wait for the next chunk or finish().
    void encode(std::string_view chunk, std::string& out);
    // Appends what was held back. The encoder is then fresh.
    void finish(std::string& out);

    // The size of the encoding of `body`, computed by running the encoder
    // over it in pieces (nothing the size of the output is kept).
    static std::uint64_t encoded_size(std::string_view body, Mode mode = Mode::text);

  private:
    std::size_t encode_available(std::string_view input, bool final, std::string& out);
    std::size_t encode_next(std::string_view input, bool final, std::string& out);
    bool at_line_start() const noexcept;
    void put(char c, bool escape, std::string& out);
    void hard_break(std::string& out);

    Mode mode_;
    std::string held_;             // undecided octets (at most 4)
    std::size_t line_length_ = 0;  // characters on the current output line
};

}  // namespace smtpkit::message
