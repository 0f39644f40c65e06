#include "client/content_reader.hpp"

#include <algorithm>

#include "smtpkit/error.hpp"

namespace smtpkit::client {

ContentReader::ContentReader(MessageSource::Reader reader,
                             std::optional<std::uint64_t> declared_size, std::size_t chunk_size)
    : reader_(std::move(reader)),
      declared_(declared_size),
      chunk_size_(std::max<std::size_t>(chunk_size, 1)) {}

// One read from the source, checked: its own error becomes
// source_read_failed (its words kept), and more octets than declared are
// source_grew at once.
std::size_t ContentReader::read(char* buf, std::size_t n, std::error_code& ec) {
    std::error_code source_ec;
    const std::size_t got = reader_(buf, n, source_ec);
    if (source_ec) {
        const bool ours = source_ec.category() == error_category();
        detail_ = ours ? std::string() : "message source: " + source_ec.message();
        ec = ours ? source_ec : make_error_code(error::source_read_failed);
        return 0;
    }
    read_ += got;
    if (declared_ && read_ > *declared_) {
        detail_ =
            "message source: more than the " + std::to_string(*declared_) + " octets it declared";
        ec = make_error_code(error::source_grew);
        return 0;
    }
    return got;
}

std::string_view ContentReader::next(bool& last, std::error_code& ec) {
    if (buffer_.empty()) {
        // No larger than the message (and one octet more, to see a source
        // that grew): a fresh 1 MiB per small message costs a memset and
        // page faults that dominated the Mailer's many short send_many calls.
        std::size_t size = chunk_size_;
        if (declared_ && *declared_ < size) {
            size = static_cast<std::size_t>(*declared_) + 1;
        }
        buffer_.resize(size);
    }
    std::size_t n = 0;
    if (ahead_) {
        buffer_[n++] = *ahead_;
        ahead_.reset();
    }
    // A reader may return less than asked before its end: fill the chunk.
    while (n < buffer_.size() && !end_) {
        const std::size_t got = read(buffer_.data() + n, buffer_.size() - n, ec);
        if (ec) {
            return {};
        }
        end_ = got == 0;
        n += got;
    }
    if (!end_) {
        char octet = 0;
        const std::size_t got = read(&octet, 1, ec);
        if (ec) {
            return {};
        }
        if (got == 1) {
            ahead_ = octet;
        } else {
            end_ = true;
        }
    }
    last = end_ && !ahead_;
    if (last && declared_ && read_ < *declared_) {
        detail_ = "message source: ended after " + std::to_string(read_) + " of the " +
                  std::to_string(*declared_) + " octets it declared";
        ec = make_error_code(error::source_truncated);
        return {};
    }
    total_ += n;
    return {buffer_.data(), n};
}

}  // namespace smtpkit::client
