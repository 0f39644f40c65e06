// Writing one header field (RFC 5322 2.2): the checks every caller-supplied
// name and value goes through, and the line layout with folding.
//
// Folding (RFC 5322 2.2.3) puts a CRLF before white space, never anywhere
// else, so unfolding (deleting each CRLF that is followed by white space)
// gives back exactly the field as it was before folding. Lines are kept to
// 78 octets where the content allows (RFC 5322 2.1.1 SHOULD), to 76 when
// they hold an encoded-word (RFC 2047 2), and to 998 always (MUST).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <system_error>

namespace smtpkit::message {

inline constexpr std::size_t fold_width = 78;        // RFC 5322 2.1.1: SHOULD, CRLF excluded
inline constexpr std::size_t encoded_width = 76;     // RFC 2047 2: lines with encoded-words
inline constexpr std::size_t max_line_length = 998;  // RFC 5322 2.1.1: MUST
// Field names longer than this are refused, so that "Name:" always fits a
// 78-octet line; no registered field name comes near it.
inline constexpr std::size_t max_field_name = 76;

struct HeaderOptions {
    // RFC 6532: the message goes out with SMTPUTF8, so UTF-8 text is written
    // as it is instead of as RFC 2047 encoded-words or RFC 2231 parameters.
    bool utf8 = false;
};

// A field name is 1 to 76 octets of RFC 5322 ftext (printable US-ASCII
// except ':'); anything else is error::invalid_header.
std::error_code check_field_name(std::string_view name) noexcept;
// Any text the caller gives for a header: CR, LF or NUL (which would end or
// split the field: header injection) or malformed UTF-8 is
// error::invalid_header.
std::error_code check_header_text(std::string_view text) noexcept;

// Lays out "Name:" and then tokens, each preceded by its white space.
class FieldWriter {
  public:
    explicit FieldWriter(std::string_view name);

    // Appends `white` and `token`, first folding (CRLF before `white`) when
    // they would make the line too long, `white` is not empty and the line
    // already holds a token (never right after "Name:": a value folded there
    // would begin with white space).
    void put(std::string_view white, std::string_view token, bool encoded_word = false);
    // Octets a token preceded by `white` may take on the current line without
    // folding, or on a fresh continuation line.
    std::size_t room(std::size_t white, bool encoded_word) const noexcept;
    static std::size_t fresh_room(std::size_t white, bool encoded_word) noexcept;
    // Whether put() may fold before the next token (see put()).
    bool can_fold() const noexcept { return has_token_; }
    // The field with its final CRLF.
    std::string finish();

  private:
    std::size_t width(bool encoded_word) const noexcept;

    std::string out_;
    std::size_t line_length_ = 0;
    bool has_token_ = false;
    bool line_has_encoded_word_ = false;
};

// "Name: value" CRLF for a structured value that is already in its final
// form (Message-ID, References, Date, MIME-Version, ...): folded at its white
// space outside quoted strings, which is kept as it is; leading and trailing
// white space dropped. Errors (error::invalid_header): a bad name, CR, LF or
// NUL, a control character, non-ASCII text (unless options.utf8) or a piece
// too long to fit the 998-octet line limit. Returns "" on error.
std::string fold_structured(std::string_view name, std::string_view value,
                            const HeaderOptions& options, std::error_code& ec);

}  // namespace smtpkit::message
