// Where message content comes from: a string in memory, a file, a stream or
// a function of yours. The client pulls it in chunks, so a large file is
// never loaded whole.
//
// Value semantics, chosen so that a message is never silently sent empty:
//
//   - A MessageSource is a description, not a read position. Copies are cheap
//     and share the content; every send opens the source afresh and reads it
//     from its first octet. The same source sent twice, put in a send_many()
//     batch three times, or sent again after a refusal goes out whole each
//     time. from_string(), from_file() and from_opener() are such
//     *restartable* sources.
//   - A stream can be read once (from_stream(), from_reader()): such a source
//     is *one-shot* (restartable() is false). The first send that reads it
//     claims it; another send of it, or of any copy of it, fails with
//     error::source_already_read before anything of that message is written.
//     A send that claimed it and read nothing (refused at MAIL, say) gives
//     the claim back, so the retry still gets the whole stream.
//
// The client counts what it reads against size(): a source that ends early
// (error::source_truncated), holds more (error::source_grew) or fails to read
// (error::source_read_failed) ends its transaction before the end of data, so
// the server never takes a short or altered message as complete.
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
    // Fills up to `n` bytes at `buf`; returns how many; 0 means the end. May
    // return fewer than asked before the end. An error goes in `ec`.
    using Reader = std::function<std::size_t(char* buf, std::size_t n, std::error_code& ec)>;
    // Makes a Reader positioned at the first octet of the message; called
    // once per send. An error (a file that cannot be opened) goes in `ec`.
    using Opener = std::function<Reader(std::error_code& ec)>;

    // Restartable: `open` is called for every send and must start over.
    // `size` (when known) is promised: the octets read must match it.
    static MessageSource from_opener(Opener open, std::optional<std::uint64_t> size,
                                     std::optional<ContentClass> content_class = std::nullopt);
    // One-shot: `reader` is read once, by one send.
    static MessageSource from_reader(Reader reader,
                                     std::optional<std::uint64_t> size = std::nullopt,
                                     std::optional<ContentClass> content_class = std::nullopt);

    // A complete RFC 5322 message held in memory (its content class is
    // known). Restartable; copies share the one string.
    static MessageSource from_string(std::string message);
    // A message file: scanned once now for its size and content class, then
    // opened again by each send. If the file's size has changed by then, the
    // send fails before MAIL (source_truncated, source_grew); a file that
    // cannot be opened fails it with source_read_failed. Restartable.
    static MessageSource from_file(const std::filesystem::path& path);
    // A stream the caller keeps alive until the send returns. One-shot. Size
    // and content class are unknown unless given.
    static MessageSource from_stream(std::istream& in,
                                     std::optional<ContentClass> content_class = std::nullopt);

    // A Reader at the start of the message, for one send. For a one-shot
    // source the second open fails with error::source_already_read (see the
    // top of this file). Open errors come back in `ec` as the source gave
    // them (an errno for a file).
    Reader open(std::error_code& ec) const;
    bool restartable() const noexcept;

    // The size in octets when known before reading (for SIZE= and progress).
    std::optional<std::uint64_t> size() const noexcept { return size_; }
    // The content class when known before reading. When unknown the client
    // assumes 8-bit text where 8BITMIME is offered (7-bit otherwise) and
    // checks as it sends: content that turns out not to fit what was
    // declared ends the session (error::content_not_as_declared) before the
    // end of data, so the server never takes an altered message.
    std::optional<ContentClass> content_class() const noexcept { return content_class_; }
    // True when the header section holds octets >= 128: an internationalised
    // message (RFC 6532), sent with SMTPUTF8 where the server offers it.
    // Known for strings and files; false for streams unless set.
    bool eight_bit_headers() const noexcept { return eight_bit_headers_; }
    MessageSource& set_eight_bit_headers(bool yes) {
        eight_bit_headers_ = yes;
        return *this;
    }

    struct Origin;  // message_source.cpp: the opener, or a one-shot reader and its claim

  private:
    MessageSource(std::shared_ptr<Origin> origin, std::optional<std::uint64_t> size,
                  std::optional<ContentClass> content_class);

    std::shared_ptr<Origin> origin_;  // shared by copies
    std::optional<std::uint64_t> size_;
    std::optional<ContentClass> content_class_;
    bool eight_bit_headers_ = false;
};

}  // namespace smtpkit
