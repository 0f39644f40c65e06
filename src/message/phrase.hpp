// A run of words as the address parser reads it before it knows what the run
// is: a display name (followed by '<' or ':') or a local part (followed by
// '@'). Keeping the pieces lets either reading be made without backtracking.
#pragma once

#include <string>
#include <vector>

namespace smtpkit::message {

struct PhrasePiece {
    enum class Kind { atom, quoted, dot };
    Kind kind = Kind::atom;
    std::string text;           // a quoted string's content is unescaped
    bool space_before = false;  // white space or a comment came before it
};

using Phrase = std::vector<PhrasePiece>;

// The display name in UTF-8 (address.hpp says how words are joined and
// encoded-words decoded).
std::string display_name(const Phrase& phrase);

// The local part's content (obs-local-part: words joined by dots, white space
// around the dots dropped), or false when the pieces are not word *("." word).
bool local_part_content(const Phrase& phrase, std::string& content);

// `text` with every octet that does not start a well-formed UTF-8 sequence
// replaced by U+FFFD.
std::string to_valid_utf8(std::string_view text);

}  // namespace smtpkit::message
