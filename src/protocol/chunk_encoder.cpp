#include "smtpkit/protocol/detail/chunk_encoder.hpp"

namespace smtpkit::protocol {

// The size goes before the octets, but normalised text is only measured by
// encoding it: encode in place, then put the command line in front.
std::size_t ChunkEncoder::encode(std::string_view in, bool last, std::string& out) {
    const std::size_t start = out.size();
    if (binary_) {
        out.append(in);
    } else {
        text_.encode(in, out);
        if (last) {
            text_.finish_text(out);
        }
    }
    const std::size_t octets = out.size() - start;
    const std::string line = "BDAT " + std::to_string(octets) + (last ? " LAST\r\n" : "\r\n");
    out.insert(start, line);
    return octets;
}

}  // namespace smtpkit::protocol
