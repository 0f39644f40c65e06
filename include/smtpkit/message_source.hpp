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

// What kind of octets a message holds (RFC 6152, RFC 3030): `seven_bit`
// only US-ASCII without NUL in lines of at most 998 octets; `eight_bit` also
// octets >= 128; `binary` NUL or a line over 998 octets (needs BINARYMIME).
enum class ContentClass { seven_bit, eight_bit, binary };

class MessageSource {
  public:
    // Fills up to `n` bytes at `buf`; returns how many; 0 means the end.
    using Reader = std::function<std::size_t(char* buf, std::size_t n, std::error_code& ec)>;

    MessageSource(Reader reader, std::optional<std::uint64_t> size,
                  std::optional<ContentClass> content_class = std::nullopt)
        : reader_(std::move(reader)), size_(size), content_class_(content_class) {}

    // A complete RFC 5322 message held in memory (its content class is known).
    static MessageSource from_string(std::string message);
    // A message file, read as it is sent; scanned once first for its content
    // class. Opening errors surface on read().
    static MessageSource from_file(const std::filesystem::path& path);
    // A stream the caller keeps alive until send() returns. Size and content
    // class are unknown unless given.
    static MessageSource from_stream(std::istream& in,
                                     std::optional<ContentClass> content_class = std::nullopt);

    std::size_t read(char* buf, std::size_t n, std::error_code& ec) { return reader_(buf, n, ec); }
    // The size in octets when known before reading (for SIZE= and progress).
    std::optional<std::uint64_t> size() const { return size_; }
    // The content class when known before reading. When unknown the client
    // assumes 8-bit text where 8BITMIME is offered (7-bit otherwise) and
    // checks as it sends: content that turns out not to fit what was
    // declared ends the session (error::content_not_as_declared) before the
    // end of data, so the server never takes an altered message.
    std::optional<ContentClass> content_class() const { return content_class_; }
    // True when the header section holds octets >= 128: an internationalised
    // message (RFC 6532), sent with SMTPUTF8 where the server offers it.
    // Known for strings and files; false for streams unless set.
    bool eight_bit_headers() const { return eight_bit_headers_; }
    MessageSource& set_eight_bit_headers(bool yes) {
        eight_bit_headers_ = yes;
        return *this;
    }

  private:
    Reader reader_;
    std::optional<std::uint64_t> size_;
    std::optional<ContentClass> content_class_;
    bool eight_bit_headers_ = false;
};

}  // namespace smtpkit
