#include "smtpkit/protocol/detail/content_scanner.hpp"

namespace smtpkit::protocol {

void ContentScanner::end_line() {
    // An empty line (CRLF or a bare LF alone) ends the header section.
    if (!line_has_text_) {
        in_headers_ = false;
    }
    line_has_text_ = false;
}

void ContentScanner::scan(std::string_view chunk) {
    for (const char c : chunk) {
        if (class_ == ContentClass::binary && !in_headers_) {
            return;  // nothing more can change
        }
        const auto octet = static_cast<unsigned char>(c);
        if (octet == '\n') {
            line_length_ = 0;
            end_line();
            continue;
        }
        if (octet == '\r') {
            line_length_ = 0;  // the encoders make a bare CR a line end too
            continue;
        }
        line_has_text_ = true;
        if (octet >= 0x80 && in_headers_) {
            eight_bit_headers_ = true;
        }
        if (octet == 0 || ++line_length_ > max_text_line) {
            class_ = ContentClass::binary;
        } else if (octet >= 0x80 && class_ == ContentClass::seven_bit) {
            class_ = ContentClass::eight_bit;
        }
    }
}

ContentClass classify(std::string_view content) {
    ContentScanner scanner;
    scanner.scan(content);
    return scanner.content_class();
}

}  // namespace smtpkit::protocol
