// Renders a Message: first a plan (the message as a list of segments, each
// literal text or a part's content to encode as it streams), then a reader
// that walks the plan. The plan holds every header and every in-memory part
// already encoded, and only references to what streams (files, streams), so
// a message with a 1 GB attachment plans in microseconds and streams with a
// few buffers; the size is the sum of the segments' sizes.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "message/mime_part_data.hpp"
#include "smtpkit/message.hpp"

namespace smtpkit {

namespace message {

// One stretch of the rendered message.
struct Segment {
    enum class Kind {
        literal,  // `text` as it is
        base64,   // `part`'s content, base64-encoded as it streams
        raw,      // `part`'s content as it is (message/rfc822 files)
    };
    Kind kind = Kind::literal;
    std::string text;
    std::shared_ptr<const MimePart::Data> part;
};

struct Plan {
    std::vector<Segment> segments;
    std::optional<std::uint64_t> size;  // nullopt when a streamed part's size is unknown
    bool restartable = true;            // false when a part is a one-shot stream
    ContentClass content_class = ContentClass::seven_bit;
    bool eight_bit_headers = false;
};

}  // namespace message

class Renderer {
  public:
    Renderer(const Message& message, const RenderOptions& options);

    MessageSource source() const;
    std::string to_string() const;
    const message::Plan& plan() const { return *plan_; }

  private:
    void add_headers(const Message& m);
    void add_entity(const MimePart& part);
    std::string next_boundary();
    void add_entity_headers(const MimePart::Data& d, const std::string& boundary);
    void add_leaf_body(const std::shared_ptr<const MimePart::Data>& d);
    void add_literal(std::string_view text);
    void flush_literal();
    void add_stream(message::Segment::Kind kind, std::shared_ptr<const MimePart::Data> d,
                    std::optional<std::uint64_t> size);
    void note_content(ContentClass c);

    RenderOptions options_;
    std::shared_ptr<message::Plan> plan_;
    std::string pending_;  // literal text not yet closed into a segment
    std::string token_;    // the message's random token: boundaries
    int boundaries_ = 0;
};

// The body a Message lays out from text(), html(), embed() and attach(), or
// the one given with body().
MimePart layout_body(const std::optional<std::string>& text, const std::optional<std::string>& html,
                     const std::vector<MimePart>& embedded,
                     const std::vector<MimePart>& attachments, const std::optional<MimePart>& body);

}  // namespace smtpkit
