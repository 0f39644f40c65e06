// Choosing a part's Content-Transfer-Encoding from its content.
//
// A ContentProfiler counts, over the content as it streams past, what the
// choice depends on; choose_transfer_encoding() then decides:
//
//   1. 7bit when the content already is what 7bit promises (RFC 2045 2.7):
//      US-ASCII, no NUL, CR and LF only as CRLF, lines of at most 998
//      octets. A text part may have bare LF line breaks too: the message
//      layer writes every text line break as CRLF.
//   2. 8bit (RFC 2045 2.8) under the same rules with octets >= 128, only when
//      the caller says the server offers 8BITMIME (RFC 6152).
//   3. binary (RFC 3030) for anything else, only with BINARYMIME.
//   4. quoted-printable for a text part when at most one octet in six needs
//      escaping (octets >= 128, controls other than TAB, bare CRs) and no
//      NUL: each escaped octet costs 3 characters, so up to that share the
//      result is no longer than base64 (4/3 plus line breaks, about 1.37x),
//      and it stays readable.
//   5. base64 otherwise: binary data, text with NULs or mostly 8-bit text
//      (CJK, say), and any non-text part that is not already 7bit or 8bit.
#pragma once

#include <cstdint>
#include <string_view>

namespace smtpkit::message {

enum class TransferEncoding { seven_bit, eight_bit, binary, quoted_printable, base64 };

// The Content-Transfer-Encoding value: "7bit", "8bit", "binary",
// "quoted-printable", "base64".
std::string_view to_string(TransferEncoding encoding) noexcept;

struct ContentProfile {
    std::uint64_t octets = 0;
    std::uint64_t eight_bit = 0;     // octets >= 128
    std::uint64_t controls = 0;      // C0 controls other than TAB, CR and LF, and DEL (NUL too)
    std::uint64_t nul = 0;           // NUL octets
    std::uint64_t bare_cr = 0;       // CR not followed by LF
    std::uint64_t bare_lf = 0;       // LF not preceded by CR
    std::uint64_t longest_line = 0;  // octets between line breaks, CRLF or LF, not counted
};

class ContentProfiler {
  public:
    void scan(std::string_view chunk) noexcept;
    // The counts so far, a CR at the very end counted as bare.
    ContentProfile profile() const noexcept;

  private:
    ContentProfile profile_;
    std::uint64_t line_length_ = 0;  // octets since the last LF, a pending CR included
    bool after_cr_ = false;
};

ContentProfile profile_content(std::string_view content) noexcept;

struct TransferRules {
    // A text/* part: its line breaks may be written as CRLF, and
    // quoted-printable (text mode) may carry it. False for anything whose
    // octets must arrive unchanged (attachments that are not text).
    bool text = true;
    bool eight_bit_mime = false;  // the server offers 8BITMIME (RFC 6152)
    bool binary_mime = false;     // the server offers BINARYMIME and CHUNKING (RFC 3030)
};

TransferEncoding choose_transfer_encoding(const ContentProfile& profile,
                                          const TransferRules& rules) noexcept;

}  // namespace smtpkit::message
