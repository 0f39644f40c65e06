// Reads a message in chunks for the session, one octet ahead so that it
// knows which chunk is the last (BDAT ... LAST) without holding two chunks:
// the memory a message needs is one chunk, whatever its size.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <system_error>
#include <vector>

#include "smtpkit/message_source.hpp"

namespace smtpkit::client {

class ContentReader {
  public:
    ContentReader(MessageSource& source, std::size_t chunk_size);

    // The next chunk (full unless it is the last); `last` when nothing
    // follows. Valid until the next call.
    std::string_view next(bool& last, std::error_code& ec);
    std::uint64_t total() const { return total_; }

  private:
    MessageSource& source_;
    std::vector<char> buffer_;
    std::optional<char> ahead_;  // the octet read to learn that more follows
    bool end_ = false;
    std::uint64_t total_ = 0;
};

}  // namespace smtpkit::client
