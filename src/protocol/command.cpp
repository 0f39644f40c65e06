#include "smtpkit/protocol/command.hpp"

#include <array>

#include "smtpkit/error.hpp"
#include "smtpkit/protocol/address.hpp"

namespace smtpkit::protocol {
namespace {

bool is_alpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_alnum(char c) {
    return is_alpha(c) || (c >= '0' && c <= '9');
}
bool is_8bit(char c) {
    return static_cast<unsigned char>(c) >= 0x80;
}

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        const char x = is_alpha(a[i]) ? static_cast<char>(a[i] | 0x20) : a[i];
        const char y = is_alpha(b[i]) ? static_cast<char>(b[i] | 0x20) : b[i];
        if (x != y) {
            return false;
        }
    }
    return true;
}

bool has_8bit(std::string_view s) {
    for (char c : s) {
        if (is_8bit(c)) {
            return true;
        }
    }
    return false;
}

// Octets >= 0x80 in free text (VRFY, EXPN, NOOP, HELP, raw, parameter
// values) only go out when SMTPUTF8 is in use (RFC 6531 3.3); malformed
// UTF-8 never does.
std::error_code check_8bit_text(std::string_view text, bool allow_utf8) {
    if (!has_8bit(text)) {
        return {};
    }
    if (!allow_utf8) {
        return error::utf8_not_allowed;
    }
    return is_valid_utf8(text) ? std::error_code{} : error::invalid_command;
}

// esmtp-param = esmtp-keyword ["=" esmtp-value] (RFC 5321 4.1.2)
// esmtp-keyword = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-")
// esmtp-value = 1*(%d33-60 / %d62-126), plus UTF8-non-ascii (RFC 6531 3.3)
std::error_code check_param(std::string_view param, bool allow_utf8) {
    const auto eq = param.find('=');
    const auto keyword = param.substr(0, eq);
    if (keyword.empty() || !is_alnum(keyword.front())) {
        return error::invalid_command;
    }
    for (char c : keyword) {
        if (!is_alnum(c) && c != '-') {
            return error::invalid_command;
        }
    }
    if (eq == std::string_view::npos) {
        return {};
    }
    const auto value = param.substr(eq + 1);
    if (value.empty()) {
        return error::invalid_command;
    }
    for (char c : value) {
        if (!is_8bit(c) && (c < 33 || c > 126 || c == '=')) {
            return error::invalid_command;
        }
    }
    return check_8bit_text(value, allow_utf8);
}

// Verbs a raw line may not carry: each changes the session's state in a way
// only its own method can follow (data mode, TLS, authentication, hello).
bool is_reserved_raw_verb(std::string_view verb) {
    constexpr std::array<std::string_view, 7> reserved = {"DATA", "BDAT", "STARTTLS", "AUTH",
                                                          "EHLO", "HELO", "QUIT"};
    for (auto r : reserved) {
        if (iequals(verb, r)) {
            return true;
        }
    }
    return false;
}

std::string strip_angles(std::string_view s) {
    if (s.size() >= 2 && s.front() == '<' && s.back() == '>') {
        s = s.substr(1, s.size() - 2);
    }
    return std::string(s);
}

}  // namespace

const char* to_string(Verb v) noexcept {
    switch (v) {
        case Verb::ehlo:
            return "EHLO";
        case Verb::helo:
            return "HELO";
        case Verb::mail:
            return "MAIL";
        case Verb::rcpt:
            return "RCPT";
        case Verb::data:
            return "DATA";
        case Verb::rset:
            return "RSET";
        case Verb::noop:
            return "NOOP";
        case Verb::vrfy:
            return "VRFY";
        case Verb::expn:
            return "EXPN";
        case Verb::help:
            return "HELP";
        case Verb::quit:
            return "QUIT";
        case Verb::starttls:
            return "STARTTLS";
        case Verb::auth:
            return "AUTH";
        case Verb::raw:
            return "RAW";
        case Verb::bdat:
            return "BDAT";
    }
    return "RAW";
}

bool has_forbidden_octet(std::string_view text) noexcept {
    for (char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (c < 0x20 || c == 0x7F) {
            return true;
        }
    }
    return false;
}

Command Command::ehlo(std::string domain) {
    return Command(Verb::ehlo, std::move(domain));
}
Command Command::helo(std::string domain) {
    return Command(Verb::helo, std::move(domain));
}
Command Command::mail(std::string address, std::vector<std::string> params) {
    return Command(Verb::mail, std::move(address), std::move(params));
}
Command Command::rcpt(std::string address, std::vector<std::string> params) {
    return Command(Verb::rcpt, std::move(address), std::move(params));
}
Command Command::data() {
    return Command(Verb::data, {});
}
Command Command::rset() {
    return Command(Verb::rset, {});
}
Command Command::noop(std::string text) {
    return Command(Verb::noop, std::move(text));
}
Command Command::vrfy(std::string text) {
    return Command(Verb::vrfy, std::move(text));
}
Command Command::expn(std::string text) {
    return Command(Verb::expn, std::move(text));
}
Command Command::help(std::string topic) {
    return Command(Verb::help, std::move(topic));
}
Command Command::quit() {
    return Command(Verb::quit, {});
}

Command Command::starttls() {
    return Command(Verb::starttls, {});
}
Command Command::raw(std::string line) {
    return Command(Verb::raw, std::move(line));
}

std::error_code Command::check(bool allow_utf8) {
    checked_ = false;
    line_.clear();

    // Controls anywhere come first, so an injection attempt always reports
    // invalid_character whatever else is wrong.
    if (has_forbidden_octet(arg_)) {
        return error::invalid_character;
    }
    for (const auto& p : params_) {
        if (has_forbidden_octet(p)) {
            return error::invalid_character;
        }
    }

    std::error_code ec;
    std::string line;
    std::size_t limit = max_command_line;
    switch (verb_) {
        case Verb::ehlo:
        case Verb::helo:
            if (!is_valid_domain(arg_, allow_utf8)) {
                return error::invalid_domain;
            }
            line = std::string(to_string(verb_)) + ' ' + arg_;
            break;
        case Verb::mail:
        case Verb::rcpt: {
            std::string address;
            // RFC 5321 4.1.1.3: RCPT TO:<Postmaster> without a domain.
            if (verb_ == Verb::rcpt && iequals(strip_angles(arg_), "Postmaster")) {
                address = "Postmaster";
            } else {
                const AddressRules rules{allow_utf8, verb_ == Verb::mail};
                address = canonical_address(arg_, rules, ec);
                if (ec) {
                    return ec;
                }
            }
            line = verb_ == Verb::mail ? "MAIL FROM:<" : "RCPT TO:<";
            line += address;
            line += '>';
            for (const auto& p : params_) {
                if ((ec = check_param(p, allow_utf8))) {
                    return ec;
                }
                line += ' ';
                line += p;
            }
            limit = max_mail_rcpt_line;
            break;
        }
        case Verb::data:
        case Verb::rset:
        case Verb::quit:
        case Verb::starttls:
            line = to_string(verb_);
            break;
        case Verb::vrfy:
        case Verb::expn:
        case Verb::noop:
        case Verb::help:
            if (arg_.empty() && (verb_ == Verb::vrfy || verb_ == Verb::expn)) {
                return error::invalid_command;
            }
            if ((ec = check_8bit_text(arg_, allow_utf8))) {
                return ec;
            }
            line = to_string(verb_);
            if (!arg_.empty()) {
                line += ' ';
                line += arg_;
            }
            break;
        case Verb::raw: {
            const auto verb = std::string_view(arg_).substr(0, arg_.find(' '));
            if (verb.empty() || is_reserved_raw_verb(verb)) {
                return error::invalid_command;
            }
            for (char c : verb) {
                if (!is_alpha(c)) {
                    return error::invalid_command;
                }
            }
            if ((ec = check_8bit_text(arg_, allow_utf8))) {
                return ec;
            }
            line = arg_;
            break;
        }
        case Verb::bdat:
            // BDAT is followed by its chunk: only the session frames it.
            return error::invalid_command;
        case Verb::auth:
            // AUTH lines carry secrets and are built by the session's SASL
            // exchange, never as a Command.
            return error::invalid_command;
    }
    if (line.size() + 2 > limit) {
        return error::command_too_long;
    }
    line_ = std::move(line);
    checked_ = true;
    return {};
}

// Writes nothing unless check() succeeded: an unchecked or rejected command
// must never reach the wire, and an empty write is the safe failure.
void Command::write_to(std::string& out) const {
    if (!checked_) {
        return;
    }
    out += line_;
    out += "\r\n";
}

}  // namespace smtpkit::protocol
