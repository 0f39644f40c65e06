// The extension table: common attachment types, as the IANA registry names
// them (image/svg+xml, text/calendar, application/vnd.openxmlformats-...).
#include "message/media_types.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace smtpkit::message {
namespace {

struct Entry {
    std::string_view extension;  // lower case, without the dot
    std::string_view type;
};

constexpr std::array<Entry, 48> table{{
    {"7z", "application/x-7z-compressed"},
    {"avif", "image/avif"},
    {"bmp", "image/bmp"},
    {"csv", "text/csv"},
    {"doc", "application/msword"},
    {"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
    {"eml", "message/rfc822"},
    {"epub", "application/epub+zip"},
    {"flac", "audio/flac"},
    {"gif", "image/gif"},
    {"gz", "application/gzip"},
    {"heic", "image/heic"},
    {"htm", "text/html"},
    {"html", "text/html"},
    {"ico", "image/vnd.microsoft.icon"},
    {"ics", "text/calendar"},
    {"jpeg", "image/jpeg"},
    {"jpg", "image/jpeg"},
    {"js", "text/javascript"},
    {"json", "application/json"},
    {"m4a", "audio/mp4"},
    {"md", "text/markdown"},
    {"mov", "video/quicktime"},
    {"mp3", "audio/mpeg"},
    {"mp4", "video/mp4"},
    {"mpeg", "video/mpeg"},
    {"odp", "application/vnd.oasis.opendocument.presentation"},
    {"ods", "application/vnd.oasis.opendocument.spreadsheet"},
    {"odt", "application/vnd.oasis.opendocument.text"},
    {"ogg", "audio/ogg"},
    {"pdf", "application/pdf"},
    {"png", "image/png"},
    {"ppt", "application/vnd.ms-powerpoint"},
    {"pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"},
    {"rtf", "application/rtf"},
    {"svg", "image/svg+xml"},
    {"tar", "application/x-tar"},
    {"tif", "image/tiff"},
    {"tiff", "image/tiff"},
    {"txt", "text/plain"},
    {"vcf", "text/vcard"},
    {"wav", "audio/wav"},
    {"webm", "video/webm"},
    {"webp", "image/webp"},
    {"xls", "application/vnd.ms-excel"},
    {"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
    {"xml", "application/xml"},
    {"zip", "application/zip"},
}};

static_assert(std::is_sorted(table.begin(), table.end(),
                             [](const Entry& a, const Entry& b) {
                                 return a.extension < b.extension;
                             }),
              "the table is searched by bisection");

char lower(char c) noexcept {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

}  // namespace

std::string_view media_type_for(std::string_view file_name) noexcept {
    const std::size_t slash = file_name.find_last_of("/\\");
    if (slash != std::string_view::npos) {
        file_name.remove_prefix(slash + 1);
    }
    const std::size_t dot = file_name.rfind('.');
    constexpr std::size_t longest_extension = 4;
    if (dot == std::string_view::npos || dot == 0 ||
        file_name.size() - dot - 1 > longest_extension) {
        return default_media_type;  // no extension, a dot file, or nothing we know
    }
    std::array<char, longest_extension> buffer{};
    const std::string_view extension = file_name.substr(dot + 1);
    std::transform(extension.begin(), extension.end(), buffer.begin(), lower);
    const std::string_view key(buffer.data(), extension.size());
    const auto* it =
        std::lower_bound(table.begin(), table.end(), key,
                         [](const Entry& e, std::string_view k) { return e.extension < k; });
    return it != table.end() && it->extension == key ? it->type : default_media_type;
}

}  // namespace smtpkit::message
