#include "smtpkit/protocol/capabilities.hpp"

#include <algorithm>
#include <charconv>
#include <cstddef>

namespace smtpkit::protocol {
namespace {

char to_upper(char c) {
    return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
}

std::string upper(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), to_upper);
    return out;
}

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return to_upper(x) == to_upper(y);
           });
}

bool is_alnum(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// RFC 5321 4.1.1.1: ehlo-keyword = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-")
bool valid_keyword(std::string_view word) {
    return !word.empty() && is_alnum(word.front()) &&
           std::all_of(word.begin(), word.end(), [](char c) { return is_alnum(c) || c == '-'; });
}

std::vector<std::string_view> split_words(std::string_view text) {
    std::vector<std::string_view> words;
    std::size_t pos = 0;
    while (pos < text.size()) {
        const std::size_t start = text.find_first_not_of(" \t", pos);
        if (start == std::string_view::npos) {
            break;
        }
        const std::size_t end = std::min(text.find_first_of(" \t", start), text.size());
        words.push_back(text.substr(start, end - start));
        pos = end;
    }
    return words;
}

// One EHLO line as keyword + parameters; nullopt for a line that names no
// valid keyword (it is skipped: one odd line must not cost the rest).
std::optional<Extension> parse_extension_line(std::string_view line) {
    std::vector<std::string_view> words = split_words(line);
    if (words.empty()) {
        return std::nullopt;
    }
    std::string_view keyword = words.front();
    std::vector<std::string> params;
    // "AUTH=LOGIN PLAIN": the pre-standard form some servers still send.
    if (keyword.size() > 5 && iequals(keyword.substr(0, 5), "AUTH=")) {
        params.emplace_back(keyword.substr(5));
        keyword = keyword.substr(0, 4);
    }
    if (!valid_keyword(keyword)) {
        return std::nullopt;
    }
    for (std::size_t i = 1; i < words.size(); ++i) {
        params.emplace_back(words[i]);
    }
    return Extension{upper(keyword), std::move(params)};
}

void append_new_params(Extension& into, const std::vector<std::string>& params) {
    for (const std::string& param : params) {
        const bool seen = std::any_of(into.params.begin(), into.params.end(),
                                      [&](const std::string& p) { return iequals(p, param); });
        if (!seen) {
            into.params.push_back(param);
        }
    }
}

}  // namespace

Capabilities Capabilities::from_ehlo(const Reply& reply) {
    Capabilities caps;
    if (reply.code != 250 || reply.lines.empty()) {
        return caps;
    }
    const std::vector<std::string_view> greeting = split_words(reply.lines.front());
    if (!greeting.empty()) {
        caps.server_name_ = std::string(greeting.front());
    }
    for (std::size_t i = 1; i < reply.lines.size(); ++i) {
        std::optional<Extension> ext = parse_extension_line(reply.lines[i]);
        if (!ext) {
            continue;
        }
        // A keyword seen twice (AUTH and AUTH=, say) is one extension.
        auto existing = std::find_if(caps.extensions_.begin(), caps.extensions_.end(),
                                     [&](const Extension& e) { return e.keyword == ext->keyword; });
        if (existing != caps.extensions_.end()) {
            append_new_params(*existing, ext->params);
        } else {
            caps.extensions_.push_back(std::move(*ext));
        }
    }
    return caps;
}

bool Capabilities::has(std::string_view keyword) const {
    return params(keyword) != nullptr;
}

const std::vector<std::string>* Capabilities::params(std::string_view keyword) const {
    for (const Extension& ext : extensions_) {
        if (iequals(ext.keyword, keyword)) {
            return &ext.params;
        }
    }
    return nullptr;
}

std::optional<std::uint64_t> Capabilities::size_limit() const {
    const std::vector<std::string>* size = params("SIZE");
    if (size == nullptr || size->empty()) {
        return std::nullopt;
    }
    const std::string& text = size->front();
    std::uint64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size() || value == 0) {
        return std::nullopt;  // "SIZE 0" means no fixed limit (RFC 1870); garbage means none known
    }
    return value;
}

std::vector<std::string> Capabilities::auth_mechanisms() const {
    std::vector<std::string> mechanisms;
    if (const std::vector<std::string>* auth = params("AUTH")) {
        for (const std::string& param : *auth) {
            std::string mechanism = upper(param);
            if (std::find(mechanisms.begin(), mechanisms.end(), mechanism) == mechanisms.end()) {
                mechanisms.push_back(std::move(mechanism));
            }
        }
    }
    return mechanisms;
}

bool Capabilities::supports_auth(std::string_view mechanism) const {
    const std::vector<std::string> mechanisms = auth_mechanisms();
    return std::any_of(mechanisms.begin(), mechanisms.end(),
                       [&](const std::string& m) { return iequals(m, mechanism); });
}

}  // namespace smtpkit::protocol
