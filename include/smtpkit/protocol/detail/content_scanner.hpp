// Internal to smtpkit (installed only because protocol/session.hpp holds these
// types by value): not part of the API, may change in any release.
// Classifies message content as it streams past (RFC 6152, RFC 3030):
// 7-bit, 8-bit or binary. Lines end at LF; a CR is part of the line ending,
// so both CRLF and bare LF text count as text.
#pragma once

#include <cstddef>
#include <string_view>

#include "smtpkit/message_source.hpp"

namespace smtpkit::protocol {

// RFC 5321 4.5.3.1.6: at most 998 octets of text per line, without CRLF.
inline constexpr std::size_t max_text_line = 998;

class ContentScanner {
  public:
    void scan(std::string_view chunk);
    ContentClass content_class() const { return class_; }
    // An octet >= 128 in the header section (before the first empty line):
    // an internationalised message (RFC 6532) that wants SMTPUTF8.
    bool eight_bit_headers() const { return eight_bit_headers_; }

  private:
    void end_line();

    ContentClass class_ = ContentClass::seven_bit;
    std::size_t line_length_ = 0;  // octets since the last CR or LF
    bool line_has_text_ = false;   // the line since the last LF has a non-CR octet
    bool in_headers_ = true;
    bool eight_bit_headers_ = false;
};

ContentClass classify(std::string_view content);

}  // namespace smtpkit::protocol
