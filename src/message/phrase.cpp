// Display names and local parts from the words the parser collected.
#include "phrase.hpp"

#include "encoded_word_decode.hpp"
#include "smtpkit/protocol/address.hpp"

namespace smtpkit::message {
namespace {

// Words written without white space between them belong together: "Q." in
// "John Q. Public", or an encoded-word some encoder filled with dots. Quoted
// strings stay apart: their content is never taken for an encoded-word
// (RFC 2047 5(3)).
struct Chunk {
    std::string text;
    bool quoted = false;
    bool space_before = false;
    bool encoded = false;
};

std::vector<Chunk> chunks_of(const Phrase& phrase) {
    std::vector<Chunk> chunks;
    for (const PhrasePiece& piece : phrase) {
        const bool quoted = piece.kind == PhrasePiece::Kind::quoted;
        if (!chunks.empty() && !piece.space_before && !quoted && !chunks.back().quoted) {
            chunks.back().text += piece.text;
        } else {
            chunks.push_back(Chunk{piece.text, quoted, piece.space_before});
        }
    }
    return chunks;
}

}  // namespace

std::string display_name(const Phrase& phrase) {
    std::vector<Chunk> chunks = chunks_of(phrase);
    for (Chunk& chunk : chunks) {
        std::optional<std::string> decoded;
        if (!chunk.quoted) {
            decoded = decode_encoded_word(chunk.text);
        }
        chunk.encoded = decoded.has_value();
        chunk.text = decoded ? std::move(*decoded) : to_valid_utf8(chunk.text);
    }
    std::string name;
    for (std::size_t i = 0; i < chunks.size(); ++i) {
        // White space between two encoded-words is not part of the text
        // (RFC 2047 6.2): that is how long names are split across words.
        if (i > 0 && chunks[i].space_before && !(chunks[i].encoded && chunks[i - 1].encoded)) {
            name += ' ';
        }
        name += chunks[i].text;
    }
    return name;
}

bool local_part_content(const Phrase& phrase, std::string& content) {
    if (phrase.size() % 2 == 0) {
        return false;  // empty, or starts or ends with a dot
    }
    for (std::size_t i = 0; i < phrase.size(); ++i) {
        const bool is_dot = phrase[i].kind == PhrasePiece::Kind::dot;
        if (is_dot != (i % 2 == 1)) {
            return false;  // two words without a dot, or two dots in a row
        }
        content += phrase[i].text;
    }
    return true;
}

std::string to_valid_utf8(std::string_view text) {
    if (protocol::is_valid_utf8(text)) {
        return std::string(text);
    }
    std::string out;
    out.reserve(text.size() + 8);
    std::size_t i = 0;
    while (i < text.size()) {
        // The longest well-formed sequence is four octets; the first length
        // that is well-formed is the character.
        std::size_t len = 1;
        while (len <= 4 &&
               (i + len > text.size() || !protocol::is_valid_utf8(text.substr(i, len)))) {
            ++len;
        }
        if (len > 4) {
            out += "\xEF\xBF\xBD";  // U+FFFD REPLACEMENT CHARACTER
            ++i;
        } else {
            out += text.substr(i, len);
            i += len;
        }
    }
    return out;
}

}  // namespace smtpkit::message
