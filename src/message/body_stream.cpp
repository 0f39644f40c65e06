#include "message/body_stream.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <vector>

#include "message/file_reader.hpp"
#include "message/mime_writer.hpp"
#include "smtpkit/error.hpp"

namespace smtpkit::message {
namespace {

// 57 octets make one 76-character base64 line: reads in multiples of it
// keep the encoder's carry small.
constexpr std::size_t read_block = std::size_t{57} * 1024;

MessageSource::Reader open_content(const std::shared_ptr<const MimePart::Data>& d,
                                   std::error_code& ec) {
    using Kind = MimePart::Data::Kind;
    switch (d->kind) {
        case Kind::file:
        case Kind::raw_file:
            return open_file_reader(d->path, d->size, ec);
        case Kind::stream:
            return d->source->open(ec);
        default: {
            // bytes (text parts are literal): the part's own string, shared.
            return [data = d, at = std::size_t{0}](char* buf, std::size_t n,
                                                   std::error_code&) mutable {
                const std::size_t k = std::min(n, data->text.size() - at);
                std::memcpy(buf, data->text.data() + at, k);
                at += k;
                return k;
            };
        }
    }
}

class PlanReader {
  public:
    explicit PlanReader(std::shared_ptr<const Plan> plan) : plan_(std::move(plan)) {}

    std::size_t read(char* buf, std::size_t n, std::error_code& ec) {
        std::size_t done = 0;
        while (done < n) {
            if (out_pos_ < out_.size()) {
                const std::size_t k = std::min(n - done, out_.size() - out_pos_);
                std::memcpy(buf + done, out_.data() + out_pos_, k);
                out_pos_ += k;
                done += k;
                continue;
            }
            if (!refill(ec) || ec) {
                break;
            }
        }
        return done;
    }

  private:
    // Puts the next stretch of output in out_; false at the end.
    bool refill(std::error_code& ec) {
        out_.clear();
        out_pos_ = 0;
        if (content_) {
            if (stream_more(ec)) {
                return true;
            }
            return !ec && refill(ec);
        }
        if (index_ >= plan_->segments.size()) {
            return false;
        }
        const Segment& s = plan_->segments[index_++];
        if (s.kind == Segment::Kind::literal) {
            out_.append(s.text);  // copied: the plan stays shared by other readers
            return true;
        }
        content_ = open_content(s.part, ec);
        if (ec) {
            return false;
        }
        encoding_ = s.kind;
        base64_.emplace();
        return true;
    }

    // Reads a block of the current part and encodes it into out_; at the
    // part's end closes the encoder. False when the part had nothing more.
    bool stream_more(std::error_code& ec) {
        raw_.resize(read_block);
        const std::size_t got = content_(raw_.data(), raw_.size(), ec);
        if (ec) {
            return false;
        }
        const std::string_view chunk(raw_.data(), got);
        if (got == 0) {
            if (encoding_ == Segment::Kind::base64) {
                base64_->finish(out_);
            }
            content_ = nullptr;
            return !out_.empty();
        }
        if (encoding_ == Segment::Kind::base64) {
            base64_->encode(chunk, out_);
        } else {
            out_.append(chunk);
        }
        return true;
    }

    std::shared_ptr<const Plan> plan_;
    std::size_t index_ = 0;
    MessageSource::Reader content_;
    Segment::Kind encoding_ = Segment::Kind::literal;
    std::optional<Base64Stream> base64_;
    std::vector<char> raw_;
    std::string out_;
    std::size_t out_pos_ = 0;
};

MessageSource::Reader reader_for(const std::shared_ptr<const Plan>& plan) {
    auto reader = std::make_shared<PlanReader>(plan);
    return [reader](char* buf, std::size_t n, std::error_code& ec) {
        return reader->read(buf, n, ec);
    };
}

}  // namespace

std::optional<std::uint64_t> streamed_size(const Segment& segment) {
    if (!segment.part || !segment.part->size) {
        return std::nullopt;
    }
    return segment.kind == Segment::Kind::base64 ? Base64Stream::encoded_size(*segment.part->size)
                                                 : *segment.part->size;
}

MessageSource plan_source(std::shared_ptr<const Plan> plan) {
    const auto size = plan->size;
    const ContentClass content_class = plan->content_class;
    const bool eight_bit_headers = plan->eight_bit_headers;
    MessageSource source =
        plan->restartable
            ? MessageSource::from_opener([plan](std::error_code&) { return reader_for(plan); },
                                         size, content_class)
            : MessageSource::from_reader(reader_for(plan), size, content_class);
    return source.set_eight_bit_headers(eight_bit_headers);
}

std::string render_all(std::shared_ptr<const Plan> plan) {
    MessageSource::Reader reader = reader_for(plan);
    std::string out;
    if (plan->size) {
        out.reserve(static_cast<std::size_t>(*plan->size));
    }
    std::vector<char> buffer(read_block);
    std::error_code ec;
    while (const std::size_t got = reader(buffer.data(), buffer.size(), ec)) {
        out.append(buffer.data(), got);
    }
    if (ec) {
        throw system_error(ec, "rendering the message");
    }
    return out;
}

}  // namespace smtpkit::message
