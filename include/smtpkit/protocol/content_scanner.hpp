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

  private:
    ContentClass class_ = ContentClass::seven_bit;
    std::size_t line_length_ = 0;  // octets of the current line, without CR/LF
};

ContentClass classify(std::string_view content);

}  // namespace smtpkit::protocol
