// The invariants of the DATA encoder, shared by the fuzz target and the unit
// tests that replay its corpus. Each check returns "" when everything holds,
// otherwise a description of the first broken invariant.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "../common/data_decoder.hpp"
#include "smtpkit/protocol/detail/data_encoder.hpp"

namespace smtpkit::test {

// What the receiver must get back: CR, LF and CRLF all become CRLF, and a
// non-empty text that does not end in a line break gets one.
inline std::string normalise_line_endings(std::string_view in) {
    std::string out;
    for (std::size_t i = 0; i < in.size(); ++i) {
        if (in[i] == '\r') {
            out += "\r\n";
            if (i + 1 < in.size() && in[i + 1] == '\n') {
                ++i;
            }
        } else if (in[i] == '\n') {
            out += "\r\n";
        } else {
            out += in[i];
        }
    }
    if (!out.empty() && !out.ends_with("\r\n")) {
        out += "\r\n";
    }
    return out;
}

struct ChunkedEncoding {
    std::string wire;
    std::uint64_t bytes_in = 0;  // what the encoder counted
};

// Encodes `content` in chunks of the given sizes (cycled; no sizes means one
// piece; 0 makes an empty encode() call followed by a one-octet chunk, so the
// loop always advances), then finishes.
inline ChunkedEncoding encode_in_chunks(std::string_view content,
                                        const std::vector<std::size_t>& sizes) {
    protocol::DataEncoder enc;
    ChunkedEncoding result;
    std::size_t pos = 0;
    std::size_t k = 0;
    while (pos < content.size()) {
        std::size_t n = sizes.empty() ? content.size() : sizes[k++ % sizes.size()];
        if (n == 0) {
            enc.encode({}, result.wire);
            n = 1;
        }
        n = std::min(n, content.size() - pos);
        enc.encode(content.substr(pos, n), result.wire);
        pos += n;
    }
    result.bytes_in = enc.bytes_in();
    enc.finish(result.wire);
    return result;
}

// Checks one wire form against the content it was made from.
inline std::string check_data_wire(std::string_view content, std::string_view wire) {
    const DecodedData d = decode_data(wire);
    if (!d.ok()) {
        return d.problem;
    }
    if (d.content != normalise_line_endings(content)) {
        return "decoded content differs from the normalised input";
    }
    return {};
}

// The fuzz input: byte 0 gives m = data[0] % 8, the next m bytes are chunk
// sizes, the rest is the message content. The content is encoded in those
// chunks, in one piece and one octet at a time: all three wire forms must be
// identical and decode back to the normalised content.
inline std::string check_data_encoder_input(const std::uint8_t* data, std::size_t size) {
    const std::size_t m = size == 0 ? 0 : std::min<std::size_t>(data[0] % 8, size - 1);
    const std::size_t skip = size == 0 ? 0 : 1 + m;
    const std::vector<std::size_t> sizes(data + (size == 0 ? 0 : 1), data + skip);
    const std::string_view content(reinterpret_cast<const char*>(data) + skip, size - skip);

    const ChunkedEncoding chunked = encode_in_chunks(content, sizes);
    if (chunked.bytes_in != content.size()) {
        return "bytes_in() differs from the input size";
    }
    if (auto problem = check_data_wire(content, chunked.wire); !problem.empty()) {
        return problem;
    }
    if (encode_in_chunks(content, {}).wire != chunked.wire) {
        return "the wire form differs between chunked and whole input";
    }
    if (encode_in_chunks(content, {1}).wire != chunked.wire) {
        return "the wire form differs between chunked and octet-by-octet input";
    }
    return {};
}

}  // namespace smtpkit::test
