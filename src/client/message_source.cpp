#include "smtpkit/message_source.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <vector>

#include "smtpkit/protocol/content_scanner.hpp"

namespace smtpkit {

MessageSource MessageSource::from_string(std::string message) {
    auto text = std::make_shared<std::string>(std::move(message));
    auto pos = std::make_shared<std::size_t>(0);
    const auto size = static_cast<std::uint64_t>(text->size());
    protocol::ContentScanner scanner;
    scanner.scan(*text);
    return MessageSource(
               [text, pos](char* buf, std::size_t n, std::error_code&) {
                   const std::size_t count = std::min(n, text->size() - *pos);
                   std::memcpy(buf, text->data() + *pos, count);
                   *pos += count;
                   return count;
               },
               size, scanner.content_class())
        .set_eight_bit_headers(scanner.eight_bit_headers());
}

namespace {

// One pass over a file; nullopt when it cannot be read.
std::optional<protocol::ContentScanner> scan_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in.is_open()) {
        return std::nullopt;
    }
    protocol::ContentScanner scanner;
    std::vector<char> buffer(std::size_t{64} * 1024);
    while (in.read(buffer.data(), static_cast<std::streamsize>(buffer.size())) || in.gcount() > 0) {
        scanner.scan(std::string_view(buffer.data(), static_cast<std::size_t>(in.gcount())));
    }
    if (in.bad()) {
        return std::nullopt;
    }
    return scanner;
}

}  // namespace

MessageSource MessageSource::from_file(const std::filesystem::path& path) {
    const std::optional<protocol::ContentScanner> scan = scan_file(path);
    auto file = std::make_shared<std::ifstream>(path, std::ios::binary);
    std::error_code size_ec;
    const auto size = std::filesystem::file_size(path, size_ec);
    const int open_errno = file->is_open() ? 0 : errno;
    return MessageSource(
               [file, open_errno](char* buf, std::size_t n, std::error_code& ec) -> std::size_t {
                   if (!file->is_open()) {
                       ec = std::error_code(open_errno ? open_errno : ENOENT,
                                            std::generic_category());
                       return 0;
                   }
                   file->read(buf, static_cast<std::streamsize>(n));
                   if (file->bad()) {
                       ec = std::error_code(EIO, std::generic_category());
                       return 0;
                   }
                   return static_cast<std::size_t>(file->gcount());
               },
               size_ec ? std::nullopt : std::optional<std::uint64_t>(size),
               scan ? std::optional(scan->content_class()) : std::nullopt)
        .set_eight_bit_headers(scan && scan->eight_bit_headers());
}

MessageSource MessageSource::from_stream(std::istream& in,
                                         std::optional<ContentClass> content_class) {
    return MessageSource(
        [&in](char* buf, std::size_t n, std::error_code& ec) -> std::size_t {
            in.read(buf, static_cast<std::streamsize>(n));
            if (in.bad()) {
                ec = std::error_code(EIO, std::generic_category());
                return 0;
            }
            return static_cast<std::size_t>(in.gcount());
        },
        std::nullopt, content_class);
}

}  // namespace smtpkit
