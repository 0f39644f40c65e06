// Invariants of the SASL mechanisms other than SCRAM (fuzz_sasl_scram has
// those): PLAIN, LOGIN, CRAM-MD5, XOAUTH2, OAUTHBEARER and EXTERNAL, fed
// server challenges of the fuzzer's choosing: LOGIN's prompts, CRAM-MD5's
// challenge, the OAuth error JSON, anything after the end of an exchange,
// challenges over the size limit. The input: a mechanism, flags, maybe
// credentials, then up to four challenges.
//
// What must hold: the factory refuses exactly the credentials a mechanism
// cannot carry (no NUL in PLAIN's fields, no control character in a token,
// ...), and otherwise the first message is exactly the mechanism's format,
// with no field able to smuggle in another (the \x01 separators of the
// OAuth messages are exactly those of the format); LOGIN answers the first
// prompt with the user and the second with the password, whatever they
// say, and refuses a third; CRAM-MD5 answers one non-empty challenge with
// the user and HMAC-MD5(password, challenge) in lower-case hex (checked
// against OpenSSL's HMAC here) and refuses the rest; the OAuth mechanisms
// answer one error challenge with their fixed reply and keep it verbatim as
// server_error(); PLAIN and EXTERNAL refuse any challenge after their
// message; a challenge over 8 KiB is refused by all; an error always comes
// with an empty answer, and once refused a mechanism refuses everything
// after; complete() is never an error for these mechanisms.
#pragma once

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "fuzz_input.hpp"
#include "smtpkit/error.hpp"
#include "smtpkit/protocol/sasl.hpp"

namespace smtpkit::fuzz {

inline bool any_control(std::string_view s) {
    for (char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        if (c < 0x20 || c == 0x7F) {
            return true;
        }
    }
    return false;
}

inline std::string saslname(std::string_view s) {
    std::string out;
    for (char c : s) {
        out += c == ',' ? "=2C" : c == '=' ? "=3D" : std::string(1, c);
    }
    return out;
}

inline std::string hmac_md5_hex(std::string_view key, std::string_view data) {
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    HMAC(EVP_md5(), key.data(), static_cast<int>(key.size()),
         reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac, &n);
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < n; ++i) {
        out += digits[mac[i] >> 4];
        out += digits[mac[i] & 15];
    }
    return out;
}

// What the factory must say to these credentials, and the first message.
struct Expected {
    bool refused = false;
    std::optional<std::string> initial;  // the initial response
};

inline Expected expected_for(protocol::sasl::Mechanism m, const protocol::sasl::Credentials& c) {
    using protocol::sasl::Mechanism;
    const auto nul = [](std::string_view s) { return s.find('\0') != std::string_view::npos; };
    Expected e;
    switch (m) {
        case Mechanism::plain:
            e.refused = c.user.empty() || c.secret.empty() || nul(c.authzid) || nul(c.user) ||
                        nul(c.secret);
            e.initial = c.authzid + '\0' + c.user + '\0' + c.secret;
            break;
        case Mechanism::login:
            e.refused = c.user.empty() || !c.authzid.empty() || nul(c.user) || nul(c.secret);
            break;
        case Mechanism::cram_md5:
            e.refused = c.user.empty() || !c.authzid.empty() || nul(c.user);
            break;
        case Mechanism::xoauth2:
            e.refused = c.user.empty() || any_control(c.user) || c.secret.empty() ||
                        any_control(c.secret) || !c.authzid.empty();
            e.initial = "user=" + c.user + "\x01" + "auth=Bearer " + c.secret + "\x01\x01";
            break;
        case Mechanism::oauthbearer: {
            const std::string& identity = c.authzid.empty() ? c.user : c.authzid;
            e.refused = any_control(identity) || c.secret.empty() || any_control(c.secret) ||
                        any_control(c.host) || c.port > 65535;
            std::string m1 = "n,";
            if (!identity.empty()) {
                m1 += "a=" + saslname(identity);
            }
            m1 += ",\x01";
            if (!c.host.empty()) {
                m1 += "host=" + c.host + "\x01";
            }
            if (c.port != 0) {
                m1 += "port=" + std::to_string(c.port) + "\x01";
            }
            e.initial = m1 + "auth=Bearer " + c.secret + "\x01\x01";
            break;
        }
        case Mechanism::external:
            e.refused = nul(c.authzid);
            e.initial = c.authzid;
            break;
        default:
            e.refused = true;
            break;
    }
    return e;
}

inline std::string check_sasl_mechanism_input(const std::uint8_t* data, std::size_t size) {
    using protocol::sasl::Mechanism;
    FuzzInput in(data, size);
    static constexpr Mechanism mechanisms[] = {Mechanism::plain,       Mechanism::login,
                                               Mechanism::cram_md5,    Mechanism::xoauth2,
                                               Mechanism::oauthbearer, Mechanism::external};
    const Mechanism m = mechanisms[in.pick(6)];
    const std::uint8_t flags = in.byte();
    protocol::sasl::Credentials c;
    c.user = "user@example.com";
    c.secret = "pencil";
    if ((flags & 1) != 0) {
        c.user = std::string(in.sized(64));
        c.secret = std::string(in.sized(64));
        c.authzid = std::string(in.sized(32));
        c.host = std::string(in.sized(32));
        const unsigned high = in.byte();
        c.port = high << 9 | in.byte();
    }
    const Expected want = expected_for(m, c);
    std::error_code ec;
    std::unique_ptr<protocol::sasl::Authenticator> auth =
        protocol::sasl::make_authenticator(m, c, ec);
    if (want.refused) {
        return !auth && ec == error::sasl_invalid_input ? std::string{}
                                                        : "credentials it cannot carry taken";
    }
    if (!auth || ec) {
        return "usable credentials refused: " + ec.message();
    }
    if (auth->mechanism() != m) {
        return "the wrong mechanism";
    }

    const bool initial_message = want.initial.has_value();
    bool failed = false;
    bool message_sent = false;  // InitialMessage: the message went
    std::size_t answered = 0;   // challenges answered
    std::string server_error;
    if ((flags & 2) != 0 || !initial_message) {
        const std::optional<std::string> first = auth->initial_response(ec);
        if (ec) {
            return "initial_response() failed";
        }
        if (first != want.initial) {
            return "an initial response not in the mechanism's format";
        }
        message_sent = initial_message;
        if (first && m == Mechanism::oauthbearer) {
            // Exactly the separators of the format: after the GS2 header, one
            // per key, and the closing pair.
            const auto kv = std::count(first->begin(), first->end(), '\x01');
            const auto expected_kv = 3 + (c.host.empty() ? 0 : 1) + (c.port == 0 ? 0 : 1);
            if (kv != expected_kv) {
                return "a field smuggled in a separator";
            }
        }
        if (first && m == Mechanism::xoauth2 &&
            std::count(first->begin(), first->end(), '\x01') != 3) {
            return "a field smuggled in a separator";
        }
    }

    const std::size_t challenges = in.pick(5);
    const std::size_t oversize_at = (flags & 4) != 0 ? in.pick(4) : 99;
    for (std::size_t i = 0; i < challenges; ++i) {
        std::string challenge(in.sized());
        if (i == oversize_at) {
            challenge.append(8 * 1024 + 1 - std::min<std::size_t>(challenge.size(), 8 * 1024), 'A');
        }
        ec.clear();
        const std::string answer = auth->respond(challenge, ec);
        if (ec && !answer.empty()) {
            return "an error with an answer";
        }
        const bool too_long = challenge.size() > 8 * 1024;
        std::optional<std::string> expected;  // nullopt: must be refused
        if (!failed && !too_long) {
            switch (m) {
                case Mechanism::login:
                    if (answered == 0) {
                        expected = c.user;
                    } else if (answered == 1) {
                        expected = c.secret;
                    }
                    break;
                case Mechanism::cram_md5:
                    if (answered == 0 && !challenge.empty()) {
                        expected = c.user + ' ' + hmac_md5_hex(c.secret, challenge);
                    }
                    break;
                case Mechanism::xoauth2:
                case Mechanism::oauthbearer:
                    if (!message_sent && challenge.empty()) {
                        expected = want.initial;
                    } else if (message_sent && answered == 0) {
                        expected = m == Mechanism::xoauth2 ? "" : "\x01";
                        server_error = challenge;
                    }
                    break;
                default:  // PLAIN, EXTERNAL
                    if (!message_sent && challenge.empty()) {
                        expected = want.initial;
                    }
                    break;
            }
        }
        if (expected) {
            if (ec || answer != *expected) {
                return "challenge " + std::to_string(i) + " not answered as the mechanism says";
            }
            if (initial_message && !message_sent) {
                message_sent = true;  // the message went in answer to an empty challenge
            } else {
                ++answered;
            }
        } else {
            if (ec != error::sasl_bad_challenge && !(ec == error::auth_failed && !failed)) {
                return "challenge " + std::to_string(i) + " should have been refused";
            }
            failed = true;
        }
    }
    if (auth->server_error() != server_error) {
        return "server_error() is not the error challenge as sent";
    }
    if (auth->complete()) {
        return "complete() is an error";
    }
    return {};
}

}  // namespace smtpkit::fuzz
