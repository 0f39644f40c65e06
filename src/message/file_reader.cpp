#include "message/file_reader.hpp"

#include <cerrno>
#include <fstream>
#include <memory>

#include "smtpkit/error.hpp"

namespace smtpkit::message {

MessageSource::Reader open_file_reader(const std::filesystem::path& path,
                                       std::optional<std::uint64_t> expected_size,
                                       std::error_code& ec) {
    errno = 0;
    auto file = std::make_shared<std::ifstream>(path, std::ios::binary);
    if (!file->is_open()) {
        ec = std::error_code(errno != 0 ? errno : ENOENT, std::generic_category());
        return {};
    }
    std::error_code size_ec;
    const auto size = std::filesystem::file_size(path, size_ec);
    if (expected_size && !size_ec && size != *expected_size) {
        ec = make_error_code(size < *expected_size ? error::source_truncated : error::source_grew);
        return {};
    }
    return [file](char* buf, std::size_t n, std::error_code& read_ec) -> std::size_t {
        file->read(buf, static_cast<std::streamsize>(n));
        if (file->bad()) {
            read_ec = std::error_code(EIO, std::generic_category());
            return 0;
        }
        return static_cast<std::size_t>(file->gcount());
    };
}

}  // namespace smtpkit::message
