// DKIM canonicalisation (RFC 6376 3.4): what the signer hashes, header
// fields one at a time and the body as it streams.
//
// Input is the message as it goes on the wire: the client turns every CR,
// LF or CRLF into CRLF (protocol/detail/data_encoder.hpp), so the body
// canonicaliser does the same before anything else, and a file with Unix
// line endings is signed as it is sent. Memory is flat whatever the body:
// only a count of empty lines waiting to be known as trailing is kept.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "smtpkit/dkim.hpp"

namespace smtpkit::message {

// One header field, name to line ending ("Subject: hi\r\n", continuation
// lines included; CRLF line endings), canonicalised with its CRLF.
std::string canonical_header(std::string_view field, DkimCanonicalization c);

// The body, fed in chunks of any size; canonical octets are appended to
// `out` as soon as they are known.
class BodyCanonicalizer {
  public:
    explicit BodyCanonicalizer(DkimCanonicalization c)
        : relaxed_(c == DkimCanonicalization::relaxed) {}

    void feed(std::string_view chunk, std::string& out);
    // The end of the body: closes an open last line, drops trailing empty
    // lines, and gives simple's lone CRLF for an empty body.
    void finish(std::string& out);

  private:
    void end_line(std::string& out);
    void content(char c, std::string& out);

    bool relaxed_;
    bool pending_cr_ = false;        // a CR ended the last chunk; its LF may follow
    bool line_has_content_ = false;  // the current line has canonical octets
    bool pending_wsp_ = false;       // relaxed: white space seen, not yet written
    bool wrote_anything_ = false;
    std::size_t empty_lines_ = 0;  // empty lines not yet written (trailing so far)
};

}  // namespace smtpkit::message
