// MimePart: the kinds of content a part can hold, and the fields set on it.
// Parts are values: copies share their data until one of them changes.
#include <algorithm>
#include <cctype>
#include <fstream>
#include <vector>

#include "message/ascii.hpp"
#include "message/input_checks.hpp"
#include "message/media_types.hpp"
#include "message/mime_part_data.hpp"
#include "smtpkit/error.hpp"
#include "smtpkit/protocol/detail/content_scanner.hpp"

namespace smtpkit {
namespace {

// "type/subtype" of RFC 2045 tokens; thrown back otherwise, since it is
// written into a header.
std::string checked_media_type(std::string_view type) {
    message::require_header_text("Content-Type", type);
    const auto slash = type.find('/');
    const auto token = [](std::string_view t) {
        return !t.empty() && std::all_of(t.begin(), t.end(), [](unsigned char c) {
            return c > 32 && c < 127 &&
                   std::string_view("()<>@,;:\\\"/[]?=").find(static_cast<char>(c)) ==
                       std::string_view::npos;
        });
    };
    if (slash == std::string_view::npos || !token(type.substr(0, slash)) ||
        !token(type.substr(slash + 1))) {
        throw system_error(make_error_code(error::invalid_header),
                           "Content-Type: not a media type: " + std::string(type));
    }
    return message::ascii_lower(type);
}

std::shared_ptr<MimePart::Data> leaf(MimePart::Data::Kind kind, std::string_view media_type) {
    auto d = std::make_shared<MimePart::Data>();
    d->kind = kind;
    d->media_type = checked_media_type(media_type);
    return d;
}

std::uint64_t file_size_or_throw(const std::filesystem::path& path) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    if (ec) {
        throw system_error(make_error_code(error::source_read_failed),
                           "cannot read \"" + path.string() + "\": " + ec.message());
    }
    return size;
}

}  // namespace

MimePart MimePart::text(std::string utf8, std::string_view subtype) {
    auto d = leaf(Data::Kind::text, "text/" + std::string(subtype));
    d->text = std::move(utf8);
    d->size = d->text.size();
    return MimePart(std::move(d));
}

MimePart MimePart::file(const std::filesystem::path& path, std::string_view media_type) {
    auto d =
        leaf(Data::Kind::file,
             media_type.empty() ? message::media_type_for(path.filename().string()) : media_type);
    d->path = path;
    d->size = file_size_or_throw(path);  // a typo fails here, not mid-send
    MimePart part(std::move(d));
    part.filename(path.filename().string());
    return part;
}

MimePart MimePart::bytes(std::string content, std::string_view media_type,
                         std::string_view filename) {
    auto d = leaf(Data::Kind::bytes, media_type);
    d->text = std::move(content);
    d->size = d->text.size();
    MimePart part(std::move(d));
    if (!filename.empty()) {
        part.filename(filename);
    }
    return part;
}

MimePart MimePart::stream(MessageSource content, std::string_view media_type,
                          std::string_view filename) {
    auto d = leaf(Data::Kind::stream, media_type);
    d->size = content.size();
    d->source = std::move(content);
    MimePart part(std::move(d));
    if (!filename.empty()) {
        part.filename(filename);
    }
    return part;
}

MimePart MimePart::message(const Message& message) {
    auto d = leaf(Data::Kind::message, "message/rfc822");
    d->message = std::make_shared<const Message>(message);
    return MimePart(std::move(d));
}

MimePart MimePart::message_file(const std::filesystem::path& path) {
    auto d = leaf(Data::Kind::raw_file, "message/rfc822");
    d->path = path;
    d->size = file_size_or_throw(path);
    // A message/rfc822 body may only be 7bit or 8bit (RFC 2046 5.2.1): its
    // class decides whether the server must take 8BITMIME for it.
    std::ifstream in(path, std::ios::binary);
    protocol::ContentScanner scanner;
    std::vector<char> buffer(std::size_t{64} * 1024);
    while (in.read(buffer.data(), static_cast<std::streamsize>(buffer.size())) || in.gcount() > 0) {
        scanner.scan(std::string_view(buffer.data(), static_cast<std::size_t>(in.gcount())));
    }
    d->raw_class = scanner.content_class();
    MimePart part(std::move(d));
    part.filename(path.filename().string());
    return part;
}

MimePart MimePart::multipart(std::string_view subtype, std::vector<MimePart> parts) {
    auto d = leaf(Data::Kind::multipart, "multipart/" + std::string(subtype));
    d->children = std::move(parts);
    return MimePart(std::move(d));
}

MimePart::Data& MimePart::own() {
    if (data_.use_count() != 1) {
        data_ = std::make_shared<Data>(*data_);
    }
    return const_cast<Data&>(*data_);  // NOLINT: this copy is ours alone
}

MimePart& MimePart::filename(std::string_view name) {
    message::require_header_text("filename", name);
    own().filename = name;
    return *this;
}

MimePart& MimePart::disposition(Disposition d) {
    own().disposition = d;
    return *this;
}

MimePart& MimePart::content_id(std::string_view id) {
    message::require_header_text("Content-ID", id);
    message::require_id("Content-ID", id);
    own().content_id = id;
    return *this;
}

MimePart& MimePart::description(std::string_view utf8) {
    message::require_header_text("Content-Description", utf8);
    own().description = utf8;
    return *this;
}

MimePart& MimePart::header(std::string_view name, std::string_view value) {
    message::require_field_name(name);
    message::require_header_text(name, value);
    const std::string lowered = message::ascii_lower(name);
    if (lowered == "content-type" || lowered == "content-transfer-encoding" ||
        lowered == "content-disposition" || lowered == "content-id") {
        throw system_error(make_error_code(error::invalid_header),
                           std::string(name) +
                               " is set by the builder; use the part's own "
                               "setters");
    }
    own().headers.emplace_back(name, value);
    return *this;
}

const std::string& MimePart::media_type() const {
    return data_->media_type;
}

bool MimePart::is_multipart() const {
    return data_->kind == Data::Kind::multipart;
}

}  // namespace smtpkit
