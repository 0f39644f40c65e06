// Checks shared by the header encoding tests: the line rules of RFC 5322
// 2.1.1 and 2.2.3, and a small RFC 2047 encoded-word decoder (B and Q) to
// see what each word holds.
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "smtpkit/protocol/address.hpp"
#include "smtpkit/protocol/sasl.hpp"

namespace smtpkit::test {

inline std::vector<std::string_view> field_lines(std::string_view field) {
    std::vector<std::string_view> lines;
    std::size_t pos = 0;
    while (pos < field.size()) {
        const std::size_t end = field.find("\r\n", pos);
        if (end == std::string_view::npos) {
            break;
        }
        lines.push_back(field.substr(pos, end - pos));
        pos = end + 2;
    }
    return lines;
}

// A whole field: CRLF at the end and nowhere else unless followed by white
// space, no line of white space only, every line within `width` octets (76
// where it holds an encoded-word) and within 998 always.
inline ::testing::AssertionResult well_folded(std::string_view field, std::size_t width = 78) {
    if (field.size() < 2 || field.substr(field.size() - 2) != "\r\n") {
        return ::testing::AssertionFailure() << "no final CRLF: " << field;
    }
    const std::vector<std::string_view> lines = field_lines(field);
    std::size_t total = 0;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const std::string_view line = lines[i];
        total += line.size() + 2;
        if (line.find_first_of("\r\n") != std::string_view::npos) {
            return ::testing::AssertionFailure() << "bare CR or LF in: " << line;
        }
        if (i > 0 && (line.empty() || (line[0] != ' ' && line[0] != '\t'))) {
            return ::testing::AssertionFailure() << "continuation without white space: " << line;
        }
        if (line.find_first_not_of(" \t") == std::string_view::npos) {
            return ::testing::AssertionFailure() << "white space only line in: " << field;
        }
        const std::size_t limit = line.find("=?") != std::string_view::npos ? width - 2 : width;
        if (line.size() > limit || line.size() > 998) {
            return ::testing::AssertionFailure() << line.size() << "-octet line: " << line;
        }
    }
    if (total != field.size()) {
        return ::testing::AssertionFailure() << "stray octets after the last CRLF: " << field;
    }
    return ::testing::AssertionSuccess();
}

// RFC 5322 2.2.3: delete every CRLF that is followed by white space.
inline std::string unfold(std::string_view field) {
    std::string out;
    for (std::size_t i = 0; i < field.size(); ++i) {
        if (field.substr(i, 2) == "\r\n" && i + 2 < field.size()) {
            ++i;
            continue;
        }
        out += field[i];
    }
    return out;
}

// The encoded-words ("=?UTF-8?B?...?=") in `field`, each decoded; nullopt
// for a word that does not decode.
inline std::vector<std::optional<std::string>> encoded_words_in(std::string_view field) {
    std::vector<std::optional<std::string>> words;
    for (std::size_t pos = field.find("=?UTF-8?"); pos != std::string_view::npos;
         pos = field.find("=?UTF-8?", pos + 2)) {
        const std::size_t end = field.find("?=", pos + 10);
        if (end == std::string_view::npos) {
            words.push_back(std::nullopt);
            break;
        }
        const char kind = field[pos + 8];
        const std::string_view text = field.substr(pos + 10, end - pos - 10);
        if (end - pos + 2 > 75) {
            words.push_back(std::nullopt);  // RFC 2047 2: at most 75 characters
        } else if (kind == 'B') {
            words.push_back(protocol::sasl::base64_decode(text));
        } else {
            std::string out;
            for (std::size_t i = 0; i < text.size(); ++i) {
                if (text[i] == '_') {
                    out += ' ';
                } else if (text[i] == '=' && i + 2 < text.size()) {
                    out += static_cast<char>(
                        std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16));
                    i += 2;
                } else {
                    out += text[i];
                }
            }
            words.push_back(out);
        }
    }
    return words;
}

// Every encoded-word decodes, to whole UTF-8 characters.
inline ::testing::AssertionResult words_hold_whole_characters(std::string_view field) {
    for (const auto& word : encoded_words_in(field)) {
        if (!word || !protocol::is_valid_utf8(*word)) {
            return ::testing::AssertionFailure() << "a bad encoded-word in: " << field;
        }
    }
    return ::testing::AssertionSuccess();
}

}  // namespace smtpkit::test
