// Base64 body lines through OpenSSL's EVP_EncodeBlock, one line per call:
// EVP_ENCODE_CTX would write 64-character lines ending in LF, not the 76 and
// CRLF that MIME wants.
#include "message/base64_encoder.hpp"

#include <openssl/evp.h>

#include <algorithm>

namespace smtpkit::message {
namespace {

// Appends one line (at most 57 octets) and its CRLF to `out`.
void put_line(const char* octets, std::size_t size, std::string& out) {
    const std::size_t old_size = out.size();
    const std::size_t chars = (size + 2) / 3 * 4;
    out.resize(old_size + chars + 1);  // EVP_EncodeBlock writes a NUL after the text
    EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data() + old_size),
                    reinterpret_cast<const unsigned char*>(octets), static_cast<int>(size));
    out.resize(old_size + chars);
    out += "\r\n";
}

}  // namespace

void Base64Encoder::encode(std::string_view chunk, std::string& out) {
    if (partial_size_ > 0) {
        const std::size_t take = std::min(line_octets - partial_size_, chunk.size());
        std::copy_n(chunk.data(), take, partial_.data() + partial_size_);
        partial_size_ += take;
        chunk.remove_prefix(take);
        if (partial_size_ < line_octets) {
            return;
        }
        put_line(partial_.data(), line_octets, out);
        partial_size_ = 0;
    }
    out.reserve(out.size() + chunk.size() / line_octets * (line_chars + 2));
    while (chunk.size() >= line_octets) {
        put_line(chunk.data(), line_octets, out);
        chunk.remove_prefix(line_octets);
    }
    std::copy(chunk.begin(), chunk.end(), partial_.data());
    partial_size_ = chunk.size();
}

void Base64Encoder::finish(std::string& out) {
    if (partial_size_ > 0) {
        put_line(partial_.data(), partial_size_, out);
        partial_size_ = 0;
    }
}

}  // namespace smtpkit::message
