#include "client/content_reader.hpp"

#include <algorithm>

namespace smtpkit::client {

ContentReader::ContentReader(MessageSource& source, std::size_t chunk_size)
    : source_(source), buffer_(std::max<std::size_t>(chunk_size, 1)) {}

std::string_view ContentReader::next(bool& last, std::error_code& ec) {
    std::size_t n = 0;
    if (ahead_) {
        buffer_[n++] = *ahead_;
        ahead_.reset();
    }
    // A reader may return less than asked before its end: fill the chunk.
    while (n < buffer_.size() && !end_) {
        const std::size_t got = source_.read(buffer_.data() + n, buffer_.size() - n, ec);
        if (ec) {
            return {};
        }
        end_ = got == 0;
        n += got;
    }
    if (!end_) {
        char octet = 0;
        if (source_.read(&octet, 1, ec) == 1) {
            ahead_ = octet;
        } else {
            end_ = true;
        }
        if (ec) {
            return {};
        }
    }
    last = end_ && !ahead_;
    total_ += n;
    return {buffer_.data(), n};
}

}  // namespace smtpkit::client
