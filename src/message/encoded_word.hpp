// RFC 2047 encoded-words in UTF-8: "=?UTF-8?B?...?=" or "=?UTF-8?Q?...?=".
//
// Each encoded-word holds whole UTF-8 characters (RFC 2047 5: a multi-octet
// character is never split between words) and is at most 75 characters
// long (RFC 2047 2). For each word, B or Q is used, whichever is shorter
// (Q when equal: more of it stays readable). Decoders ignore the white space
// between adjacent encoded-words (RFC 2047 6.2), so text split over several
// words, spaces included, decodes to exactly the input.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace smtpkit::message {

class FieldWriter;

inline constexpr std::size_t max_encoded_word = 75;  // RFC 2047 2

// Where the word stands, which fixes the octets Q may leave as they are.
enum class WordContext {
    text,    // unstructured text (RFC 2047 5(1)): printable ASCII but '=', '?', '_'
    phrase,  // a display name (RFC 2047 5(3)): letters, digits and "!*+-/" only
};

// Takes from the front of `text` (well-formed UTF-8) the longest run of whole
// characters whose encoded-word fits in `max_length` octets, and returns that
// word; "" (with `text` untouched) when not even one character fits.
std::string take_encoded_word(std::string_view& text, WordContext context, std::size_t max_length);

// Writes all of `text` as encoded-words through `writer`: the first after
// `white`, the rest after single spaces, each sized to the room left on its
// line, folding between words when a line is full.
void put_encoded_words(FieldWriter& writer, std::string_view white, std::string_view text,
                       WordContext context);

}  // namespace smtpkit::message
