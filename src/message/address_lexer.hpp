// The character level of RFC 5322 3.2 (CFWS, atoms, quoted strings, domain
// literals) for the address parser. Every function moves forward only, so a
// parse is linear in its input; the first failure is kept and every later
// call is a no-op that returns false.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "parse_failure.hpp"
#include "smtpkit/error.hpp"

namespace smtpkit::message {

// The offset of the first octet an address list may not hold: NUL, DEL, a
// control other than HTAB, or a CR or LF that does not start a fold (CRLF or
// LF followed by SP or HTAB). npos when there is none. Run once, up front,
// so the grammar may treat CR and LF as plain white space.
std::size_t find_forbidden_octet(std::string_view text) noexcept;

// RFC 5322 atext plus every octet >= 0x80 (RFC 6532 UTF8-non-ascii).
bool is_atext(char c) noexcept;

class AddressLexer {
  public:
    AddressLexer(std::string_view text, std::size_t max_comment_depth) noexcept
        : text_(text), max_depth_(max_comment_depth) {}

    bool at_end() const noexcept { return failed_ || pos_ >= text_.size(); }
    // The next octet; '\0' at the end (a real NUL never gets this far).
    char peek() const noexcept { return at_end() ? '\0' : text_[pos_]; }
    std::size_t pos() const noexcept { return pos_; }
    void advance() noexcept { ++pos_; }

    // Skips white space, folds and comments (nested, dropped). True when
    // anything was skipped.
    bool skip_cfws();
    // A run of atext (possibly empty).
    std::string_view atom() noexcept;
    // At '"': appends the unescaped content, folds removed.
    bool quoted_string(std::string& content);
    // At '[': appends "[...]" with any white space inside dropped.
    bool domain_literal(std::string& literal);

    bool failed() const noexcept { return failed_; }
    const Failure& failure() const noexcept { return failure_; }
    // Records the first failure; returns false so callers can `return fail(...)`.
    bool fail(error code, std::size_t offset, std::string_view reason) noexcept;
    bool fail(std::string_view reason) noexcept {
        return fail(error::invalid_address_list, pos_, reason);
    }

  private:
    bool skip_comment();

    std::string_view text_;
    std::size_t pos_ = 0;
    std::size_t max_depth_;
    bool failed_ = false;
    Failure failure_;
};

}  // namespace smtpkit::message
