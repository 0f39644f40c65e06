// Reads one send's message in chunks for the session, one octet ahead so
// that it knows which chunk is the last (BDAT ... LAST) without holding two
// chunks: the memory a message needs is one chunk, whatever its size (and
// none until its content is wanted).
//
// It counts what it reads against the size the source declared: a source
// that ends early or holds more fails here, before the chunk that would end
// the message, so a short or altered message is never ended as complete.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "smtpkit/message_source.hpp"

namespace smtpkit::client {

class ContentReader {
  public:
    ContentReader(MessageSource::Reader reader, std::optional<std::uint64_t> declared_size,
                  std::size_t chunk_size);

    // The next chunk (full unless it is the last); `last` when nothing
    // follows. Valid until the next call. On failure `ec` is
    // source_truncated, source_grew or source_read_failed (then detail()
    // has the source's own words).
    std::string_view next(bool& last, std::error_code& ec);
    std::uint64_t total() const { return total_; }
    const std::string& detail() const { return detail_; }

  private:
    std::size_t read(char* buf, std::size_t n, std::error_code& ec);

    MessageSource::Reader reader_;
    std::optional<std::uint64_t> declared_;
    std::size_t chunk_size_;
    std::vector<char> buffer_;   // allocated on the first next()
    std::optional<char> ahead_;  // the octet read to learn that more follows
    bool end_ = false;
    std::uint64_t read_ = 0;   // octets the source gave
    std::uint64_t total_ = 0;  // octets handed out
    std::string detail_;
};

}  // namespace smtpkit::client
