// Invariants of the RFC 5321 side of addresses and commands: what goes into
// MAIL FROM, RCPT TO, EHLO and a raw command line. The input: byte 0 holds
// the rules (bit 0 allow UTF-8, bit 1 allow the null path), the rest is the
// text a caller gave.
//
// What must hold for canonical_address(): an error exactly when nothing is
// returned (the null path aside); the result has no control octet, no
// octet >= 0x80 unless UTF-8 is allowed (and then is valid UTF-8), a local
// part of at most 64 octets and a path of at most 256, and is its own
// canonical form, bare and in angle brackets; allowing UTF-8 never changes
// an ASCII result; the message layer's parser reads "<result>" as the same
// address. For the commands: check() passes for MAIL and RCPT exactly when
// the address is canonical (Postmaster aside), and the line is then
// "MAIL FROM:<canonical>" / "RCPT TO:<canonical>"; EHLO passes exactly for
// a valid domain; no command that passes check() holds CR, LF, NUL or
// another control, or is longer than its limit. is_valid_utf8() agrees
// with a plain decoder written here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

#include "smtpkit/address.hpp"
#include "smtpkit/protocol/address.hpp"
#include "smtpkit/protocol/command.hpp"

namespace smtpkit::fuzz {

// RFC 3629, written out: no overlong forms, no surrogates, at most U+10FFFF.
inline bool reference_utf8(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        std::size_t n = 0;
        std::uint32_t cp = 0;
        if (c < 0x80) {
            ++i;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            n = 1;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            n = 2;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            n = 3;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (i + n >= s.size()) {
            return false;  // cut short
        }
        for (std::size_t k = 1; k <= n; ++k) {
            const auto d = static_cast<unsigned char>(s[i + k]);
            if ((d & 0xC0) != 0x80) {
                return false;
            }
            cp = (cp << 6) | (d & 0x3F);
        }
        const std::uint32_t min = n == 1 ? 0x80 : n == 2 ? 0x800 : 0x10000;
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
            return false;
        }
        i += n + 1;
    }
    return true;
}

inline bool has_control(std::string_view s) {
    for (char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        if (c < 0x20 || c == 0x7F) {
            return true;
        }
    }
    return false;
}

inline bool has_8bit_octet(std::string_view s) {
    for (char ch : s) {
        if (static_cast<unsigned char>(ch) >= 0x80) {
            return true;
        }
    }
    return false;
}

inline std::string check_envelope_address(protocol::AddressRules rules, std::string_view text) {
    using protocol::canonical_address;
    using protocol::Command;
    if (protocol::is_valid_utf8(text) != reference_utf8(text)) {
        return "is_valid_utf8() disagrees with RFC 3629";
    }
    if (protocol::is_utf8_address(text) != has_8bit_octet(text)) {
        return "is_utf8_address() is not \"an octet >= 0x80\"";
    }
    if (protocol::has_forbidden_octet(text) != has_control(text)) {
        return "has_forbidden_octet() is not \"a control octet\"";
    }

    std::error_code ec;
    const std::string c = canonical_address(text, rules, ec);
    const bool null_path = rules.allow_null && (text.empty() || text == "<>");
    if (null_path) {
        if (ec || !c.empty()) {
            return "the null path refused";
        }
    } else if (ec.operator bool() == !c.empty()) {
        return "an error with a result, or neither";
    }
    if (!ec && !c.empty()) {
        if (has_control(c)) {
            return "a control octet in a canonical address";
        }
        if (has_8bit_octet(c) && (!rules.allow_utf8 || !reference_utf8(c))) {
            return "8-bit octets in a canonical address where not allowed, or bad UTF-8";
        }
        if (c.size() + 2 > 256 || c.find('@') == std::string::npos) {
            return "a canonical address too long or without '@'";
        }
        std::error_code again_ec;
        if (canonical_address(c, rules, again_ec) != c || again_ec ||
            canonical_address("<" + c + ">", rules, again_ec) != c || again_ec) {
            return "a canonical address that is not its own canonical form";
        }
        // The local part ends at the first '@' outside its quotes (an
        // address literal may hold '@' too).
        std::size_t at = 0;
        if (c.front() == '"') {
            for (at = 1; at < c.size() && c[at] != '"'; ++at) {
                at += c[at] == '\\' ? 1 : 0;
            }
            ++at;
        } else {
            at = c.find('@');
        }
        if (at > 64 || at >= c.size() || c[at] != '@') {
            return "a local part over 64 octets";
        }
        if (!rules.allow_utf8) {
            if (canonical_address(text, {true, rules.allow_null}, again_ec) != c || again_ec) {
                return "allowing UTF-8 changed an ASCII address";
            }
        }
        std::error_code parse_ec;
        const Mailbox m = parse_mailbox("<" + c + ">", parse_ec);
        if (parse_ec || m.address != c) {
            return "the message parser reads a canonical address differently: " + c;
        }
    }

    Command mail = Command::mail(std::string(text));
    const std::error_code mail_ec = mail.check(rules.allow_utf8);
    const std::string c_null = canonical_address(text, {rules.allow_utf8, true}, ec);
    if (mail_ec.operator bool() != ec.operator bool()) {
        return "MAIL check() disagrees with canonical_address()";
    }
    if (!mail_ec && mail.line() != "MAIL FROM:<" + c_null + ">") {
        return "a MAIL line that is not MAIL FROM:<canonical>";
    }
    Command rcpt = Command::rcpt(std::string(text));
    const std::error_code rcpt_ec = rcpt.check(rules.allow_utf8);
    const std::string c_rcpt = canonical_address(text, {rules.allow_utf8, false}, ec);
    if (!rcpt_ec && rcpt.line() != "RCPT TO:<" + c_rcpt + ">" &&
        rcpt.line() != "RCPT TO:<Postmaster>") {
        return "a RCPT line that is not RCPT TO:<canonical>";
    }
    if (rcpt_ec && !ec) {
        return "RCPT refused a canonical address";
    }

    Command ehlo = Command::ehlo(std::string(text));
    const bool domain_ok = protocol::is_valid_domain(text, rules.allow_utf8);
    const std::error_code ehlo_ec = ehlo.check(rules.allow_utf8);
    if (!ehlo_ec != (domain_ok && text.size() + 7 <= protocol::max_command_line)) {
        return "EHLO check() disagrees with is_valid_domain()";
    }
    if (domain_ok && (has_control(text) || (!rules.allow_utf8 && has_8bit_octet(text)))) {
        return "a valid domain with a control or 8-bit octet";
    }

    for (Command cmd :
         {Command::raw(std::string(text)), Command::vrfy(std::string(text)),
          Command::help(std::string(text)), Command::noop(std::string(text)), mail, rcpt, ehlo}) {
        if (cmd.check(rules.allow_utf8)) {
            continue;
        }
        const std::size_t limit =
            cmd.verb() == protocol::Verb::mail || cmd.verb() == protocol::Verb::rcpt
                ? protocol::max_mail_rcpt_line
                : protocol::max_command_line;
        if (has_control(cmd.line()) || cmd.line().size() + 2 > limit) {
            return "a checked command with a control octet or over its limit";
        }
        if (!rules.allow_utf8 && has_8bit_octet(cmd.line())) {
            return "a checked command with 8-bit octets without SMTPUTF8";
        }
        std::string wire;
        cmd.write_to(wire);
        if (wire != cmd.line() + "\r\n") {
            return "write_to() is not the line and CRLF";
        }
    }
    return {};
}

inline std::string check_envelope_address_input(std::string_view input) {
    protocol::AddressRules rules;
    if (!input.empty()) {
        rules.allow_utf8 = (input.front() & 1) != 0;
        rules.allow_null = (input.front() & 2) != 0;
        input.remove_prefix(1);
    }
    return check_envelope_address(rules, input);
}

}  // namespace smtpkit::fuzz
