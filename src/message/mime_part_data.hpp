// What a MimePart holds. Shared by the part's copies (copy-on-write) and read
// by the renderer.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "smtpkit/message.hpp"

namespace smtpkit {

struct MimePart::Data {
    enum class Kind {
        text,       // UTF-8 text in memory: encoding chosen from its content
        bytes,      // octets in memory: base64
        file,       // a file, read at each send: base64
        stream,     // any MessageSource: base64
        message,    // a Message, rendered inside (message/rfc822)
        raw_file,   // an RFC 5322 file sent as it is (message/rfc822)
        multipart,  // children
    };

    Kind kind = Kind::text;
    std::string media_type = "text/plain";             // type/subtype, lower case
    std::string text;                                  // text, bytes
    std::filesystem::path path;                        // file, raw_file
    std::optional<MessageSource> source;               // stream
    std::shared_ptr<const Message> message;            // message
    std::optional<std::uint64_t> size;                 // content octets before encoding, when known
    ContentClass raw_class = ContentClass::seven_bit;  // raw_file: scanned when added
    std::vector<MimePart> children;                    // multipart

    std::string filename;
    std::optional<Disposition> disposition;
    std::string content_id;
    std::string description;
    std::vector<std::pair<std::string, std::string>> headers;
};

}  // namespace smtpkit
