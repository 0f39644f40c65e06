// Line endings are made what the client sends (every CR, LF or CRLF a CRLF,
// as protocol::DataEncoder does) before anything is looked at, so the
// signature covers the octets on the wire.
#include "message/dkim_body_hash.hpp"

#include <openssl/evp.h>

#include <memory>
#include <vector>

#include "message/dkim_canonical.hpp"
#include "smtpkit/error.hpp"
#include "smtpkit/header_reader.hpp"

namespace smtpkit::message {
namespace {

constexpr std::size_t read_size = 64 * 1024;

class LineEndings {
  public:
    void feed(std::string_view in, std::string& out) {
        for (const char c : in) {
            if (pending_cr_) {
                pending_cr_ = false;
                out += "\r\n";
                if (c == '\n') {
                    continue;
                }
            }
            if (c == '\r') {
                pending_cr_ = true;
            } else if (c == '\n') {
                out += "\r\n";
            } else {
                out += c;
            }
        }
    }
    void finish(std::string& out) {
        if (pending_cr_) {
            out += "\r\n";
            pending_cr_ = false;
        }
    }

  private:
    bool pending_cr_ = false;
};

// Splits the normalised message into the header section and the body, and
// hashes the body's canonical form.
class Splitter {
  public:
    Splitter(DkimCanonicalization c, EVP_MD_CTX* sha) : body_(c), sha_(sha) {}

    bool feed(std::string_view text, std::error_code& ec) {
        if (in_body_) {
            hash_body(text);
            return true;
        }
        const std::size_t searched = header_.size() < 3 ? 0 : header_.size() - 3;
        header_.append(text);
        // An empty line: at the very start (no header fields), or after a field.
        std::size_t end = header_.rfind("\r\n", 0) == 0 ? 0 : header_.find("\r\n\r\n", searched);
        if (end == std::string::npos) {
            if (header_.size() > HeaderLimits{}.max_size) {
                ec = make_error_code(error::malformed_message);
                return false;
            }
            return true;
        }
        end += end == 0 ? 0 : 2;  // keep the last field's CRLF
        in_body_ = true;
        const std::string rest = header_.substr(end + 2);
        header_.resize(end);
        hash_body(rest);
        return true;
    }

    void finish(DkimDigest& out) {
        std::string canonical;
        body_.finish(canonical);
        EVP_DigestUpdate(sha_, canonical.data(), canonical.size());
        out.body_hash.resize(EVP_MAX_MD_SIZE);
        unsigned size = 0;
        EVP_DigestFinal_ex(sha_, reinterpret_cast<unsigned char*>(out.body_hash.data()), &size);
        out.body_hash.resize(size);
        if (!in_body_ && !header_.empty() && !header_.ends_with("\r\n")) {
            header_ += "\r\n";  // the client ends the last line so
        }
        out.header_section = std::move(header_);
    }

  private:
    void hash_body(std::string_view text) {
        canonical_.clear();
        body_.feed(text, canonical_);
        EVP_DigestUpdate(sha_, canonical_.data(), canonical_.size());
    }

    BodyCanonicalizer body_;
    EVP_MD_CTX* sha_;
    std::string header_;
    std::string canonical_;
    bool in_body_ = false;
};

}  // namespace

bool digest_message(const MessageSource& source, DkimCanonicalization body, DkimDigest& out,
                    std::error_code& ec) {
    MessageSource::Reader reader = source.open(ec);
    if (ec) {
        return false;
    }
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> sha(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    if (!sha || EVP_DigestInit_ex(sha.get(), EVP_sha256(), nullptr) != 1) {
        ec = make_error_code(error::dkim_signing_failed);
        return false;
    }
    Splitter splitter(body, sha.get());
    LineEndings endings;
    std::vector<char> buffer(read_size);
    std::string normal;
    while (const std::size_t n = reader(buffer.data(), buffer.size(), ec)) {
        normal.clear();
        endings.feed(std::string_view(buffer.data(), n), normal);
        if (!splitter.feed(normal, ec)) {
            return false;
        }
    }
    if (ec) {
        return false;
    }
    normal.clear();
    endings.finish(normal);
    if (!splitter.feed(normal, ec)) {
        return false;
    }
    splitter.finish(out);
    return true;
}

}  // namespace smtpkit::message
