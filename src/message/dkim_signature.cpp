// RFC 6376 3.5 (the tags), 3.7 (what is hashed) and 5.4 (which fields).
#include "message/dkim_signature.hpp"

#include <algorithm>
#include <chrono>
#include <string>

#include "message/dkim_canonical.hpp"
#include "message/dkim_key_impl.hpp"
#include "message/header_scan.hpp"
#include "smtpkit/error.hpp"
#include "smtpkit/protocol/sasl.hpp"

namespace smtpkit::message {
namespace {

constexpr std::size_t fold_at = 78;  // RFC 5322 2.1.1's SHOULD

bool contains_name(const std::vector<std::string>& names, std::string_view name) {
    return std::any_of(names.begin(), names.end(),
                       [&](const std::string& n) { return field_name_is(n, name); });
}

// The wanted names once each (case-insensitively), From always among them.
std::vector<std::string> unique_names(const std::vector<std::string>& wanted) {
    std::vector<std::string> names;
    for (const std::string& name : wanted) {
        if (!contains_name(names, name)) {
            names.push_back(name);
        }
    }
    if (!contains_name(names, "From")) {
        names.insert(names.begin(), "From");
    }
    return names;
}

std::string_view algorithm_name(DkimAlgorithm a) {
    return a == DkimAlgorithm::ed25519_sha256 ? "ed25519-sha256" : "rsa-sha256";
}

std::string_view canonicalization_name(DkimCanonicalization c) {
    return c == DkimCanonicalization::relaxed ? "relaxed" : "simple";
}

std::string join_names(const std::vector<std::string>& names) {
    std::string out;
    for (const std::string& name : names) {
        out += out.empty() ? "" : ":";
        out += name;
    }
    return out;
}

std::string unix_time(std::chrono::system_clock::time_point when) {
    return std::to_string(
        std::chrono::duration_cast<std::chrono::seconds>(when.time_since_epoch()).count());
}

// RFC 6376 2.11 dkim-quoted-printable, for i=: ';', '=', white space and
// octets outside US-ASCII as =XX.
std::string dkim_quoted_printable(std::string_view text) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (u >= 0x21 && u <= 0x7E && c != ';' && c != '=') {
            out += c;
        } else {
            out += '=';
            out += hex[u >> 4];
            out += hex[u & 0xF];
        }
    }
    return out;
}

void add_tags(const DkimSigner::Settings& s, const SignedHeaders& selected,
              const std::string& body_hash, TagFolder& folder) {
    folder.add("v", "1");
    folder.add("a", algorithm_name(s.key.algorithm()));
    folder.add("c", std::string(canonicalization_name(s.header_c)) + "/" +
                        std::string(canonicalization_name(s.body_c)));
    folder.add("d", s.domain);
    folder.add("s", s.selector);
    if (s.identity) {
        const std::size_t at = s.identity->rfind('@');
        folder.add("i", dkim_quoted_printable(s.identity->substr(0, at)) + s.identity->substr(at));
    }
    const auto now = std::chrono::system_clock::now();
    const auto when = s.timestamp ? *s.timestamp : now;
    if (s.timestamp || s.timestamp_now) {
        folder.add("t", unix_time(when));
    }
    if (s.validity) {
        folder.add("x", unix_time(when + *s.validity));
    }
    folder.add("h", join_names(selected.names));
    folder.add("bh", protocol::sasl::base64_encode(body_hash));
}

}  // namespace

bool select_headers(std::string_view header_section, const std::vector<std::string>& wanted,
                    const std::vector<std::string>& oversigned, SignedHeaders& out,
                    std::error_code& ec) {
    ScannedSection section;
    Failure failure;
    if (!scan_header_section(header_section, HeaderLimits{}, section, failure)) {
        ec = make_error_code(failure.code);
        return false;
    }
    out = {};
    for (const std::string& name : unique_names(wanted)) {
        // Bottom up: the verifier takes the last unused field of a name first.
        const std::size_t before = out.fields.size();
        for (auto it = section.fields.rbegin(); it != section.fields.rend(); ++it) {
            if (field_name_is(it->field.name, name)) {
                out.names.push_back(name);
                out.fields.emplace_back(header_section.substr(it->begin, it->end - it->begin));
            }
        }
        if (field_name_is(name, "From") && out.fields.size() == before) {
            ec = make_error_code(error::dkim_no_from);
            return false;
        }
        if (contains_name(oversigned, name)) {
            out.names.push_back(name);  // signs that there is no further one
        }
    }
    return true;
}

std::string make_signature_field(const DkimSigner::Settings& s, const DkimKey::Impl& key,
                                 const DkimDigest& digest, std::error_code& ec) {
    SignedHeaders selected;
    if (!select_headers(digest.header_section, s.headers, s.oversigned, selected, ec)) {
        return {};
    }
    TagFolder folder("DKIM-Signature");
    add_tags(s, selected, digest.body_hash, folder);
    folder.add("b", "", true);

    std::string hashed;
    for (const std::string& field : selected.fields) {
        hashed += canonical_header(field, s.header_c);
    }
    // RFC 6376 3.7: the signature's own field, b= empty, without its CRLF.
    hashed += canonical_header(folder.text() + "\r\n", s.header_c);
    hashed.resize(hashed.size() - 2);

    std::string signature;
    if (!dkim_sign(key, hashed, signature)) {
        ec = make_error_code(error::dkim_signing_failed);
        return {};
    }
    folder.add_base64(protocol::sasl::base64_encode(signature));
    return folder.text() + "\r\n";
}

TagFolder::TagFolder(std::string_view name) : text_(name), column_(name.size()) {
    text_ += ':';
    ++column_;
}

void TagFolder::put(std::string_view piece) {
    if (column_ + 1 + piece.size() > fold_at) {
        text_ += "\r\n\t";
        column_ = 1;
    } else {
        text_ += ' ';
        ++column_;
    }
    text_ += piece;
    column_ += piece.size();
}

void TagFolder::add(std::string_view tag, std::string_view value, bool last) {
    std::string item = std::string(tag) + "=" + std::string(value) + (last ? "" : ";");
    if (tag != "h") {
        put(item);
        return;
    }
    // h=: FWS is allowed after each colon, so a long list breaks there.
    std::size_t start = 0;
    bool first = true;
    while (start < item.size()) {
        std::size_t colon = item.find(':', start);
        const std::size_t end = colon == std::string::npos ? item.size() : colon + 1;
        const std::string_view piece = std::string_view(item).substr(start, end - start);
        if (first) {
            put(piece);
            first = false;
        } else if (column_ + piece.size() > fold_at) {
            text_ += "\r\n\t";
            text_ += piece;
            column_ = 1 + piece.size();
        } else {
            text_ += piece;
            column_ += piece.size();
        }
        start = end;
    }
}

void TagFolder::add_base64(std::string_view value) {
    while (!value.empty()) {
        if (column_ >= fold_at) {
            text_ += "\r\n\t";
            column_ = 1;
        }
        const std::size_t n = std::min(value.size(), fold_at - column_);
        text_.append(value.substr(0, n));
        column_ += n;
        value.remove_prefix(n);
    }
}

}  // namespace smtpkit::message
