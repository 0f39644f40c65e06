// Where message content comes from: a string in memory, a file or a stream.
// The client pulls it in chunks, so a large file is never loaded whole.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <istream>
#include <memory>
#include <optional>
#include <string>
#include <system_error>

namespace smtpkit {

class MessageSource {
  public:
    // Fills up to `n` bytes at `buf`; returns how many; 0 means the end.
    using Reader = std::function<std::size_t(char* buf, std::size_t n, std::error_code& ec)>;

    MessageSource(Reader reader, std::optional<std::uint64_t> size)
        : reader_(std::move(reader)), size_(size) {}

    // A complete RFC 5322 message held in memory.
    static MessageSource from_string(std::string message);
    // A message file, read as it is sent. Opening errors surface on read().
    static MessageSource from_file(const std::filesystem::path& path);
    // A stream the caller keeps alive until send() returns.
    static MessageSource from_stream(std::istream& in);

    std::size_t read(char* buf, std::size_t n, std::error_code& ec) { return reader_(buf, n, ec); }
    // The size in octets when known before reading (for SIZE= and progress).
    std::optional<std::uint64_t> size() const { return size_; }

  private:
    Reader reader_;
    std::optional<std::uint64_t> size_;
};

}  // namespace smtpkit
