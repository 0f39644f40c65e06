// Invariants of the BDAT framer (ChunkEncoder, RFC 3030). The input: byte 0
// says text or BINARYMIME (bit 7) and how many chunk sizes follow (bits
// 0-2), then the sizes, then the content, cut into chunks of those sizes
// (cycled) as the session would pass them (an empty chunk only as the last).
//
// What must hold: every call appends exactly "BDAT <n>[ LAST]" CRLF and n
// octets, returns n, and only the last call says LAST; text chunks never
// carry a bare CR or LF, not even across chunk boundaries; the chunks
// together are the content normalised (CR, LF and CRLF as CRLF, a CRLF
// closing an open last line), exactly what a server gets over DATA from the
// same content, whatever the chunking; BINARYMIME chunks are the content
// octet for octet.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "../common/data_decoder.hpp"
#include "data_encoder_invariants.hpp"
#include "smtpkit/protocol/detail/chunk_encoder.hpp"

namespace smtpkit::fuzz {

struct Framed {
    std::string payload;  // the chunks' octets, concatenated
    std::string problem;
};

// Reads the framer's output back as a server would.
inline Framed frame_content(std::string_view content, const std::vector<std::size_t>& sizes,
                            bool binary) {
    protocol::ChunkEncoder enc(binary);
    Framed f;
    std::size_t pos = 0;
    std::size_t k = 0;
    for (;;) {
        std::size_t n =
            sizes.empty() ? content.size() : std::max<std::size_t>(sizes[k++ % sizes.size()], 1);
        n = std::min(n, content.size() - pos);
        const bool last = pos + n == content.size();
        const std::string_view chunk = content.substr(pos, n);
        pos += n;
        std::string out = "prefix";  // encode() appends
        const std::size_t octets = enc.encode(chunk, last, out);
        if (out.compare(0, 6, "prefix") != 0) {
            f.problem = "encode() changed what was already in the buffer";
            return f;
        }
        const std::string_view wire = std::string_view(out).substr(6);
        const std::string line = "BDAT " + std::to_string(octets) + (last ? " LAST\r\n" : "\r\n");
        if (wire.substr(0, line.size()) != line) {
            f.problem = "a BDAT line that is not \"" + line + "\"";
            return f;
        }
        if (wire.size() != line.size() + octets) {
            f.problem = "a chunk whose size is not the one announced";
            return f;
        }
        const std::string_view payload = wire.substr(line.size());
        if (!binary && !test::has_only_crlf(payload)) {
            f.problem = "a bare CR or LF in a text chunk";
            return f;
        }
        f.payload.append(payload);
        if (last) {
            return f;
        }
    }
}

inline std::string check_chunk_encoder_input(const std::uint8_t* data, std::size_t size) {
    const bool binary = size > 0 && (data[0] & 0x80) != 0;
    const std::size_t m = size == 0 ? 0 : std::min<std::size_t>(data[0] & 7, size - 1);
    const std::size_t skip = size == 0 ? 0 : 1 + m;
    const std::vector<std::size_t> sizes(data + (size == 0 ? 0 : 1), data + skip);
    const std::string_view content(reinterpret_cast<const char*>(data) + skip, size - skip);

    const Framed chunked = frame_content(content, sizes, binary);
    if (!chunked.problem.empty()) {
        return chunked.problem;
    }
    const std::string expected =
        binary ? std::string(content) : test::normalise_line_endings(content);
    if (chunked.payload != expected) {
        return "the chunks are not the content normalised";
    }
    if (!binary && !test::has_only_crlf(chunked.payload)) {
        return "a bare CR or LF across chunk boundaries";
    }
    for (const std::vector<std::size_t>& other : {std::vector<std::size_t>{}, {1}}) {
        const Framed again = frame_content(content, other, binary);
        if (!again.problem.empty() || again.payload != chunked.payload) {
            return "the octets depend on the chunking";
        }
    }
    if (!binary) {
        protocol::DataEncoder data_encoder;
        std::string wire;
        data_encoder.encode(content, wire);
        data_encoder.finish(wire);
        const test::DecodedData d = test::decode_data(wire);
        if (!d.ok() || d.content != chunked.payload) {
            return "BDAT and DATA deliver different octets";
        }
    }
    return {};
}

}  // namespace smtpkit::fuzz
