// MessageSource: restartable sources open afresh for every send; one-shot
// ones are claimed by the first send that opens them (message_source.hpp
// says why).
#include "smtpkit/message_source.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <vector>

#include "message/file_reader.hpp"
#include "smtpkit/error.hpp"
#include "smtpkit/protocol/detail/content_scanner.hpp"

namespace smtpkit {

struct MessageSource::Origin {
    enum class Claim { free, claimed, consumed };

    Opener opener;  // restartable sources
    Reader reader;  // one-shot sources
    // One-shot only: who has it. Atomic because copies of a source may be
    // handed to clients on different threads.
    std::atomic<Claim> claim{Claim::free};
};

namespace {

// The claim on a one-shot source, held by the Reader one send got: released
// if that send read nothing (so a retry gets the whole stream), kept for good
// once an octet was read.
class OneShotCursor {
  public:
    explicit OneShotCursor(std::shared_ptr<MessageSource::Origin> origin)
        : origin_(std::move(origin)) {}
    OneShotCursor(const OneShotCursor&) = delete;
    OneShotCursor& operator=(const OneShotCursor&) = delete;
    ~OneShotCursor() {
        auto expected = MessageSource::Origin::Claim::claimed;
        origin_->claim.compare_exchange_strong(expected, MessageSource::Origin::Claim::free);
    }

    std::size_t read(char* buf, std::size_t n, std::error_code& ec) {
        origin_->claim.store(MessageSource::Origin::Claim::consumed);
        return origin_->reader(buf, n, ec);
    }

  private:
    std::shared_ptr<MessageSource::Origin> origin_;
};

}  // namespace

MessageSource::MessageSource(std::shared_ptr<Origin> origin, std::optional<std::uint64_t> size,
                             std::optional<ContentClass> content_class)
    : origin_(std::move(origin)), size_(size), content_class_(content_class) {}

MessageSource MessageSource::from_opener(Opener open, std::optional<std::uint64_t> size,
                                         std::optional<ContentClass> content_class) {
    auto origin = std::make_shared<Origin>();
    origin->opener = std::move(open);
    return MessageSource(std::move(origin), size, content_class);
}

MessageSource MessageSource::from_reader(Reader reader, std::optional<std::uint64_t> size,
                                         std::optional<ContentClass> content_class) {
    auto origin = std::make_shared<Origin>();
    origin->reader = std::move(reader);
    return MessageSource(std::move(origin), size, content_class);
}

bool MessageSource::restartable() const noexcept {
    return origin_ && static_cast<bool>(origin_->opener);
}

MessageSource::Reader MessageSource::open(std::error_code& ec) const {
    ec.clear();
    if (!origin_ || (!origin_->opener && !origin_->reader)) {
        ec = make_error_code(error::source_read_failed);
        return {};
    }
    if (origin_->opener) {
        Reader reader = origin_->opener(ec);
        if (!ec && !reader) {
            ec = make_error_code(error::source_read_failed);
        }
        return ec ? Reader{} : reader;
    }
    auto expected = Origin::Claim::free;
    if (!origin_->claim.compare_exchange_strong(expected, Origin::Claim::claimed)) {
        ec = make_error_code(error::source_already_read);
        return {};
    }
    auto cursor = std::make_shared<OneShotCursor>(origin_);
    return [cursor](char* buf, std::size_t n, std::error_code& read_ec) {
        return cursor->read(buf, n, read_ec);
    };
}

// --- strings -------------------------------------------------------------------

MessageSource MessageSource::from_string(std::string message) {
    auto text = std::make_shared<const std::string>(std::move(message));
    protocol::ContentScanner scanner;
    scanner.scan(*text);
    auto open = [text](std::error_code&) -> Reader {
        return [text, pos = std::size_t{0}](char* buf, std::size_t n, std::error_code&) mutable {
            const std::size_t count = std::min(n, text->size() - pos);
            std::memcpy(buf, text->data() + pos, count);
            pos += count;
            return count;
        };
    };
    return from_opener(std::move(open), text->size(), scanner.content_class())
        .set_eight_bit_headers(scanner.eight_bit_headers());
}

// --- files ----------------------------------------------------------------------

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
    std::error_code size_ec;
    const auto file_size = std::filesystem::file_size(path, size_ec);
    const std::optional<std::uint64_t> size =
        size_ec ? std::nullopt : std::optional<std::uint64_t>(file_size);
    auto open = [path, size](std::error_code& ec) {
        return message::open_file_reader(path, size, ec);
    };
    return from_opener(std::move(open), size,
                       scan ? std::optional(scan->content_class()) : std::nullopt)
        .set_eight_bit_headers(scan && scan->eight_bit_headers());
}

// --- streams ----------------------------------------------------------------------

MessageSource MessageSource::from_stream(std::istream& in,
                                         std::optional<ContentClass> content_class) {
    return from_reader(
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
