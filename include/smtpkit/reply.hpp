// A server reply: the three-digit code, the RFC 3463 enhanced status code
// when the server sent one, and the text of each line.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace smtpkit {

// RFC 3463 "class.subject.detail", e.g. 5.1.1 (bad destination mailbox).
struct EnhancedStatus {
    int klass = 0;
    int subject = 0;
    int detail = 0;

    std::string to_string() const;  // "5.1.1"
    friend bool operator==(const EnhancedStatus&, const EnhancedStatus&) = default;
};

struct Reply {
    int code = 0;  // 0: no reply yet
    std::optional<EnhancedStatus> enhanced;
    // The text of each line after "NNN-" / "NNN ", exactly as received
    // (enhanced code included, trailing spaces kept). Never contains CR or LF.
    std::vector<std::string> lines;

    bool empty() const { return code == 0; }
    bool positive() const { return code >= 200 && code < 400; }  // 2xx and 3xx
    bool positive_completion() const { return code >= 200 && code < 300; }
    bool intermediate() const { return code >= 300 && code < 400; }  // 334, 354
    bool transient() const { return code >= 400 && code < 500; }
    bool permanent() const { return code >= 500 && code < 600; }

    // The lines joined by '\n', each without the leading enhanced code when
    // it repeats the one parsed from the first line. For people and logs.
    std::string text() const;
    // "550 5.1.1 text" on one line (lines joined by spaces): for error messages.
    std::string summary() const;
};

}  // namespace smtpkit
