#include "smtpkit/protocol/content_scanner.hpp"

namespace smtpkit::protocol {

void ContentScanner::scan(std::string_view chunk) {
    for (const char c : chunk) {
        if (class_ == ContentClass::binary) {
            return;  // nothing can make it less than binary
        }
        const auto octet = static_cast<unsigned char>(c);
        if (octet == '\n' || octet == '\r') {
            line_length_ = 0;
            continue;
        }
        if (octet == 0 || ++line_length_ > max_text_line) {
            class_ = ContentClass::binary;
        } else if (octet >= 0x80) {
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
