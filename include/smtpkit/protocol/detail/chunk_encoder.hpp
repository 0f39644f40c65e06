// Internal to smtpkit (installed only because protocol/session.hpp holds these
// types by value): not part of the API, may change in any release.
// The BDAT framer (RFC 3030): each chunk of message content becomes
// "BDAT <octets>[ LAST]" CRLF and the chunk's octets. Text gets the DATA
// encoder's line-ending normalisation (without dot-stuffing) and the same
// final CRLF, so a message arrives byte-identical over DATA and BDAT;
// BINARYMIME content goes as it is.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "smtpkit/protocol/detail/data_encoder.hpp"

namespace smtpkit::protocol {

class ChunkEncoder {
  public:
    explicit ChunkEncoder(bool binary = false) : binary_(binary) {}

    // Appends the BDAT command line and the chunk to `out`; returns the
    // chunk's octets on the wire (the BDAT size).
    std::size_t encode(std::string_view in, bool last, std::string& out);

  private:
    bool binary_;
    DataEncoder text_{false};
};

}  // namespace smtpkit::protocol
