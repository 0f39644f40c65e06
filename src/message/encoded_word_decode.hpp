// Decoding one RFC 2047 encoded-word ("=?charset?B|Q?text?=") as it appears
// in a display name.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace smtpkit::message {

// The word's text in UTF-8, or nullopt when `word` is not an encoded-word or
// cannot be decoded: unknown charset, bad base64 or '=XX', bytes that are
// not valid in the charset, or a result holding a control character (which
// a display name must never gain by decoding). RFC 2231 language tags
// ("=?UTF-8*en?Q?...?=") are accepted and dropped.
std::optional<std::string> decode_encoded_word(std::string_view word);

}  // namespace smtpkit::message
