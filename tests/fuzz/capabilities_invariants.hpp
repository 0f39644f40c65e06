// Invariants of Capabilities::from_ehlo() on any reply: the first input
// byte picks the code (mostly 250), the rest are the reply's lines, split at
// LF, as they would reach from_ehlo() from any source (the reply parser
// never hands out CR, LF or NUL in a line; from_ehlo() is public, so it is
// fed those too).
//
// What must hold: it never throws; a reply other than a 250 with lines
// gives an empty set; the server name is the greeting's first word; every
// extension has an RFC 5321 ehlo-keyword, upper-cased, seen once, found by
// has() and params() in any case, and comes from a line that names it;
// every line naming a valid keyword gives one; parameters are words
// (non-empty, no white space); size_limit() is the first SIZE parameter
// when that is a positive decimal number, nothing otherwise;
// auth_mechanisms() are the AUTH parameters upper-cased, without repeats;
// flags() agrees with has() and supports_auth(); and writing the set back
// as an EHLO reply reads back as the same set.
#pragma once

#include <algorithm>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "smtpkit/protocol/capabilities.hpp"
#include "smtpkit/reply.hpp"

namespace smtpkit::fuzz {

inline std::string ascii_upper(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        c = c >= 'a' && c <= 'z' ? char(c - 'a' + 'A') : c;
    }
    return out;
}

inline std::string ascii_lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        c = c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c;
    }
    return out;
}

inline bool is_ehlo_keyword(std::string_view k) {
    const auto alnum = [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    };
    return !k.empty() && alnum(k.front()) &&
           std::all_of(k.begin(), k.end(), [&](char c) { return alnum(c) || c == '-'; });
}

// The words of a line as the EHLO grammar splits them (SP and HTAB).
inline std::vector<std::string_view> ehlo_words(std::string_view line) {
    std::vector<std::string_view> words;
    std::size_t pos = 0;
    while (pos < line.size()) {
        const std::size_t start = line.find_first_not_of(" \t", pos);
        if (start == std::string_view::npos) {
            break;
        }
        const std::size_t end = std::min(line.find_first_of(" \t", start), line.size());
        words.push_back(line.substr(start, end - start));
        pos = end;
    }
    return words;
}

// The keyword a line names, as the server wrote it ("AUTH=" counts as AUTH).
inline std::string_view named_keyword(std::string_view line) {
    const std::vector<std::string_view> words = ehlo_words(line);
    if (words.empty()) {
        return {};
    }
    std::string_view k = words.front();
    if (k.size() > 5 && ascii_upper(k.substr(0, 5)) == "AUTH=") {
        k = k.substr(0, 4);
    }
    return k;
}

inline bool same_extensions(const protocol::Capabilities& a, const protocol::Capabilities& b) {
    const auto& x = a.all();
    const auto& y = b.all();
    return x.size() == y.size() &&
           std::equal(x.begin(), x.end(), y.begin(), [](const auto& e, const auto& f) {
               return e.keyword == f.keyword && e.params == f.params;
           });
}

inline std::string check_capabilities(const Reply& reply) {
    using protocol::Capabilities;
    using protocol::ExtendedOption;
    const Capabilities caps = Capabilities::from_ehlo(reply);
    if (reply.code != 250 || reply.lines.empty()) {
        return caps.empty() && caps.server_name().empty() ? std::string{}
                                                          : "capabilities from a non-250 reply";
    }
    const std::vector<std::string_view> greeting = ehlo_words(reply.lines.front());
    if (caps.server_name() != (greeting.empty() ? std::string_view{} : greeting.front())) {
        return "the server name is not the greeting's first word";
    }
    std::vector<std::string> keywords;
    for (const protocol::Extension& e : caps.all()) {
        if (!is_ehlo_keyword(e.keyword) || e.keyword != ascii_upper(e.keyword)) {
            return "a keyword that is no upper-cased ehlo-keyword: " + e.keyword;
        }
        if (std::find(keywords.begin(), keywords.end(), e.keyword) != keywords.end()) {
            return "a keyword listed twice: " + e.keyword;
        }
        keywords.push_back(e.keyword);
        if (!caps.has(e.keyword) || !caps.has(ascii_lower(e.keyword)) ||
            caps.params(ascii_lower(e.keyword)) != &e.params) {
            return "an extension that has() or params() cannot find: " + e.keyword;
        }
        for (const std::string& p : e.params) {
            if (p.empty() || p.find_first_of(" \t") != std::string::npos) {
                return "a parameter that is no word";
            }
        }
        const bool named = std::any_of(
            reply.lines.begin() + 1, reply.lines.end(),
            [&](const std::string& line) { return ascii_upper(named_keyword(line)) == e.keyword; });
        if (!named) {
            return "an extension no line names: " + e.keyword;
        }
    }
    for (std::size_t i = 1; i < reply.lines.size(); ++i) {
        const std::string_view k = named_keyword(reply.lines[i]);
        if (is_ehlo_keyword(k) && !caps.has(k)) {
            return "a line naming " + std::string(k) + " was lost";
        }
    }
    if (caps.has("NO-SUCH-EXTENSION-") || caps.has("")) {
        return "has() finds what no keyword can be";
    }

    const std::vector<std::string>* size = caps.params("SIZE");
    std::optional<std::uint64_t> expected_size;
    if (size != nullptr && !size->empty()) {
        const std::string& text = size->front();
        std::uint64_t value = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (ec == std::errc{} && end == text.data() + text.size() && value > 0) {
            expected_size = value;
        }
    }
    if (caps.size_limit() != expected_size) {
        return "size_limit() is not the first SIZE parameter";
    }

    const std::vector<std::string> mechanisms = caps.auth_mechanisms();
    const std::vector<std::string>* auth = caps.params("AUTH");
    for (std::size_t i = 0; i < mechanisms.size(); ++i) {
        if (mechanisms[i] != ascii_upper(mechanisms[i]) ||
            std::count(mechanisms.begin(), mechanisms.end(), mechanisms[i]) != 1) {
            return "auth_mechanisms() not upper-cased or repeated";
        }
        if (!caps.supports_auth(mechanisms[i]) || !caps.supports_auth(ascii_lower(mechanisms[i]))) {
            return "a listed mechanism that supports_auth() denies";
        }
    }
    if (auth != nullptr) {
        for (const std::string& p : *auth) {
            if (std::find(mechanisms.begin(), mechanisms.end(), ascii_upper(p)) ==
                mechanisms.end()) {
                return "an AUTH parameter missing from auth_mechanisms()";
            }
        }
    } else if (!mechanisms.empty()) {
        return "mechanisms without AUTH";
    }

    const ExtendedOption flags = caps.flags();
    const std::pair<const char*, ExtendedOption> keyword_flags[] = {
        {"PIPELINING", ExtendedOption::pipelining},
        {"SIZE", ExtendedOption::size},
        {"8BITMIME", ExtendedOption::eight_bit_mime},
        {"BINARYMIME", ExtendedOption::binary_mime},
        {"CHUNKING", ExtendedOption::chunking},
        {"SMTPUTF8", ExtendedOption::smtputf8},
        {"DSN", ExtendedOption::dsn},
        {"STARTTLS", ExtendedOption::starttls},
        {"ENHANCEDSTATUSCODES", ExtendedOption::enhanced_status_codes},
        {"REQUIRETLS", ExtendedOption::requiretls},
        {"MT-PRIORITY", ExtendedOption::mt_priority},
        {"DELIVERBY", ExtendedOption::deliverby},
        {"VRFY", ExtendedOption::vrfy},
        {"EXPN", ExtendedOption::expn},
        {"ETRN", ExtendedOption::etrn},
        {"HELP", ExtendedOption::help},
    };
    for (const auto& [keyword, flag] : keyword_flags) {
        if (protocol::has(flags, flag) != caps.has(keyword)) {
            return std::string("flags() disagrees with has(") + keyword + ")";
        }
    }
    const std::pair<const char*, ExtendedOption> auth_flags[] = {
        {"PLAIN", ExtendedOption::auth_plain},
        {"LOGIN", ExtendedOption::auth_login},
        {"CRAM-MD5", ExtendedOption::auth_cram_md5},
        {"SCRAM-SHA-1", ExtendedOption::auth_scram_sha_1},
        {"SCRAM-SHA-256", ExtendedOption::auth_scram_sha_256},
        {"XOAUTH2", ExtendedOption::auth_xoauth2},
        {"OAUTHBEARER", ExtendedOption::auth_oauthbearer},
        {"EXTERNAL", ExtendedOption::auth_external},
    };
    for (const auto& [mechanism, flag] : auth_flags) {
        if (protocol::has(flags, flag) != caps.supports_auth(mechanism)) {
            return std::string("flags() disagrees with supports_auth(") + mechanism + ")";
        }
    }
    if (protocol::has(flags, ExtendedOption::auth) == mechanisms.empty()) {
        return "flags() disagrees with auth_mechanisms() on AUTH";
    }
    if (caps.pipelining() != caps.has("pipelining") || caps.starttls() != caps.has("StartTLS") ||
        caps.chunking() != caps.has("CHUNKING") || caps.smtputf8() != caps.has("SMTPUTF8")) {
        return "a named accessor disagrees with has()";
    }

    // Written back as an EHLO reply, the set reads back as itself.
    Reply again{250, std::nullopt, {caps.server_name().empty() ? "x" : caps.server_name()}};
    for (const protocol::Extension& e : caps.all()) {
        std::string line = e.keyword;
        for (const std::string& p : e.params) {
            line += ' ' + p;
        }
        again.lines.push_back(line);
    }
    if (!same_extensions(Capabilities::from_ehlo(again), caps)) {
        return "the set written back as an EHLO reply reads differently";
    }
    return {};
}

// The fuzz input: byte 0 picks the code (250 unless it is 0xFF or 0xFE),
// the rest is the text, one line per LF.
inline std::string check_capabilities_input(std::string_view input) {
    Reply reply;
    reply.code = 250;
    if (!input.empty()) {
        const auto first = static_cast<unsigned char>(input.front());
        reply.code = first == 0xFF ? 220 : first == 0xFE ? 550 : 250;
        input.remove_prefix(1);
    }
    std::size_t pos = 0;
    while (pos <= input.size() && !input.empty()) {
        const std::size_t end = std::min(input.find('\n', pos), input.size());
        reply.lines.emplace_back(input.substr(pos, end - pos));
        pos = end + 1;
    }
    return check_capabilities(reply);
}

}  // namespace smtpkit::fuzz
