// The DKIM-Signature field for a digested message: which header fields are
// signed (h=), the tag list folded as a header field, and b=.
#pragma once

#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "message/dkim_body_hash.hpp"
#include "smtpkit/dkim.hpp"

namespace smtpkit::message {

struct SignedHeaders {
    std::vector<std::string> names;   // h=, in order
    std::vector<std::string> fields;  // the fields hashed, raw, in that order
};

// RFC 6376 5.4.2: each name in h= takes the last field of that name not yet
// taken, bottom up; a name listed once more than it occurs signs the
// absence of one more. Errors: malformed_message, dkim_no_from.
bool select_headers(std::string_view header_section, const std::vector<std::string>& wanted,
                    const std::vector<std::string>& oversigned, SignedHeaders& out,
                    std::error_code& ec);

// The whole field, "DKIM-Signature: ...\r\n". Errors as select_headers(),
// and dkim_signing_failed.
std::string make_signature_field(const DkimSigner::Settings& settings, const DkimKey::Impl& key,
                                 const DkimDigest& digest, std::error_code& ec);

// The text between the tags, folded at 78 columns for a header field that
// starts with `name`: "tag=value;" items, FWS between them, long values
// (h=, b=) broken where their syntax allows FWS.
class TagFolder {
  public:
    explicit TagFolder(std::string_view name);
    // One "tag=value;" item; a long h= value breaks after its colons.
    void add(std::string_view tag, std::string_view value, bool last = false);
    // The field so far, without a final CRLF.
    const std::string& text() const { return text_; }
    // The base64 of b= appended, broken into lines (FWS is allowed anywhere
    // in base64 values, RFC 6376 3.5).
    void add_base64(std::string_view value);

  private:
    void put(std::string_view piece);

    std::string text_;
    std::size_t column_ = 0;
};

}  // namespace smtpkit::message
