// Unstructured fields: plain words where they can be, encoded-word runs
// where they must be (unstructured_field.hpp says which).
#include "message/unstructured_field.hpp"

#include <algorithm>
#include <vector>

#include "message/encoded_word.hpp"

namespace smtpkit::message {
namespace {

// White space longer than this between words is carried inside
// encoded-words, so that no fold leaves a line of mostly white space.
constexpr std::size_t max_plain_white = 32;
// A plain word in UTF-8 mode stays plain up to this much (then the line,
// with its white space or "Name: ", still fits in 998).
constexpr std::size_t max_plain_utf8_word = 900;

bool is_white(char c) noexcept {
    return c == ' ' || c == '\t';
}

struct Word {
    std::string_view white;  // before the word
    std::string_view text;   // empty only for white space at the end of the value
    bool encode = false;
};

std::vector<Word> split_words(std::string_view value) {
    std::vector<Word> words;
    std::size_t pos = 0;
    while (pos < value.size()) {
        const std::size_t white_start = pos;
        while (pos < value.size() && is_white(value[pos])) {
            ++pos;
        }
        const std::size_t text_start = pos;
        while (pos < value.size() && !is_white(value[pos])) {
            ++pos;
        }
        words.push_back({value.substr(white_start, text_start - white_start),
                         value.substr(text_start, pos - text_start)});
    }
    return words;
}

bool needs_encoding(const Word& word, bool utf8) {
    const bool odd_octet = std::any_of(word.text.begin(), word.text.end(), [&](char ch) {
        const auto c = static_cast<unsigned char>(ch);
        return c < 0x20 || c == 0x7f || (c >= 0x80 && !utf8);
    });
    const std::size_t limit = utf8 ? max_plain_utf8_word : fold_width;
    return odd_octet || word.text.find("=?") != std::string_view::npos ||
           word.white.size() + word.text.size() > limit || word.text.empty();
}

// Marks the words to encode, with the neighbours that white space which must
// be encoded drags along.
void mark(std::vector<Word>& words, bool utf8) {
    for (std::size_t i = 0; i < words.size(); ++i) {
        const bool long_white = i > 0 && words[i].white.size() > max_plain_white;
        words[i].encode = long_white || needs_encoding(words[i], utf8);
        if (i > 0 && (long_white || words[i].text.empty())) {
            words[i - 1].encode = true;  // the white space goes inside the run
        }
    }
    if (!words.empty() && !words.front().white.empty()) {
        words.front().encode = true;  // decoders drop white space after "Name:"
    }
}

// The text a run of encoded words [first, last] carries: from its first word
// (from the start of the value, white space included, for the first word of
// all) to the end of its last.
std::string_view run_text(const std::vector<Word>& words, std::size_t first, std::size_t last) {
    const char* begin = first == 0 ? words[0].white.data() : words[first].text.data();
    const Word& end_word = words[last];
    const char* end = end_word.text.empty() ? end_word.white.data() + end_word.white.size()
                                            : end_word.text.data() + end_word.text.size();
    return {begin, static_cast<std::size_t>(end - begin)};
}

}  // namespace

std::string encode_unstructured(std::string_view name, std::string_view value,
                                const HeaderOptions& options, std::error_code& ec) {
    ec = check_field_name(name);
    if (!ec) {
        ec = check_header_text(value);
    }
    if (ec) {
        return {};
    }
    std::vector<Word> words = split_words(value);
    mark(words, options.utf8);
    FieldWriter writer(name);
    for (std::size_t i = 0; i < words.size(); ++i) {
        const std::string_view white = i == 0 ? std::string_view(" ") : words[i].white;
        if (!words[i].encode) {
            writer.put(white, words[i].text);
            continue;
        }
        std::size_t last = i;
        while (last + 1 < words.size() && words[last + 1].encode) {
            ++last;
        }
        put_encoded_words(writer, white, run_text(words, i, last), WordContext::text);
        i = last;
    }
    return writer.finish();
}

}  // namespace smtpkit::message
