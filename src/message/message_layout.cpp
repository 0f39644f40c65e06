// How text(), html(), embed() and attach() become one MIME tree, the shape
// mail clients expect (and MimeKit's BodyBuilder and lettre produce):
//
//   mixed                      when there are attachments
//   +- alternative             when there is both text and HTML
//   |  +- text/plain
//   |  +- related              when parts are embedded for the HTML
//   |     +- text/html
//   |     +- embedded parts (Content-ID)
//   +- attachments
//
// Each level appears only when it has more than one child.
#include "message/renderer.hpp"

namespace smtpkit {
namespace {

MimePart wrap(std::string_view subtype, std::vector<MimePart> parts) {
    if (parts.size() == 1) {
        return std::move(parts.front());
    }
    return MimePart::multipart(subtype, std::move(parts));
}

}  // namespace

MimePart layout_body(const std::optional<std::string>& text, const std::optional<std::string>& html,
                     const std::vector<MimePart>& embedded,
                     const std::vector<MimePart>& attachments,
                     const std::optional<MimePart>& body) {
    if (body) {
        return *body;
    }
    std::vector<MimePart> alternatives;
    if (text) {
        alternatives.push_back(MimePart::text(*text));
    }
    std::vector<MimePart> mixed;
    if (html) {
        std::vector<MimePart> related{MimePart::html(*html)};
        related.insert(related.end(), embedded.begin(), embedded.end());
        alternatives.push_back(wrap("related", std::move(related)));
    } else {
        // Nothing to embed them in: they travel as inline parts.
        mixed.insert(mixed.end(), embedded.begin(), embedded.end());
    }
    if (alternatives.empty() && mixed.empty() && attachments.empty()) {
        alternatives.push_back(MimePart::text({}));  // an empty message is still a message
    }
    if (!alternatives.empty()) {
        mixed.insert(mixed.begin(), wrap("alternative", std::move(alternatives)));
    }
    mixed.insert(mixed.end(), attachments.begin(), attachments.end());
    return wrap("mixed", std::move(mixed));
}

}  // namespace smtpkit
