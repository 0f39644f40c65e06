// SCRAM client (RFC 5802 3, 5, 7; RFC 7677 for SHA-256):
//   client-first  n,,n=user,r=cnonce
//   server-first  r=cnonce+snonce,s=salt,i=count[,ext]
//   client-final  c=biws,r=cnonce+snonce,p=proof
//   server-final  v=signature[,ext]  |  e=error
// The server proves it knows the password too (v=); complete() reports an
// error unless that proof arrived and checked out.
#include "scram.hpp"

#include <charconv>
#include <optional>
#include <vector>

#include "crypto.hpp"
#include "mechanisms.hpp"
#include "saslprep.hpp"
#include "smtpkit/error.hpp"

namespace smtpkit::protocol::sasl::detail {
namespace {

struct Attribute {
    char name;
    std::string_view value;
};

bool is_alpha(char c) noexcept {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// RFC 5802 7: attr-val *("," attr-val), attr-val = ALPHA "=" 1*value-char,
// value-char = any UTF-8 but NUL and ','. Nullopt for anything else.
std::optional<std::vector<Attribute>> split_attributes(std::string_view message) {
    if (contains_nul(message)) {
        return std::nullopt;
    }
    std::vector<Attribute> attributes;
    std::size_t pos = 0;
    while (true) {
        const std::size_t comma = message.find(',', pos);
        const std::string_view part = message.substr(pos, comma - pos);
        if (part.size() < 3 || !is_alpha(part[0]) || part[1] != '=') {
            return std::nullopt;
        }
        attributes.push_back({part[0], part.substr(2)});
        if (comma == std::string_view::npos) {
            return attributes;
        }
        pos = comma + 1;
    }
}

// printable = %x21-2B / %x2D-7E (',' is already a separator).
bool printable(std::string_view s) noexcept {
    for (char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x21 || u > 0x7e || c == ',') {
            return false;
        }
    }
    return !s.empty();
}

// posit-number = %x31-39 *DIGIT, within limits.
std::optional<unsigned> parse_iterations(std::string_view text, unsigned max) {
    if (text.empty() || text[0] < '1' || text[0] > '9') {
        return std::nullopt;
    }
    unsigned long long value = 0;
    const auto [end, err] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (err != std::errc{} || end != text.data() + text.size() || value > max) {
        return std::nullopt;
    }
    return static_cast<unsigned>(value);
}

// After the fixed attributes, extensions may follow (RFC 5802 7); one that
// repeats a fixed name, or a mandatory one (m=), is refused.
bool extensions_acceptable(const std::vector<Attribute>& attributes, std::size_t first,
                           std::string_view fixed_names) {
    for (std::size_t i = first; i < attributes.size(); ++i) {
        const char name = attributes[i].name;
        if (name == 'm' || fixed_names.find(name) != std::string_view::npos) {
            return false;
        }
    }
    return true;
}

struct ServerFirst {
    std::string_view nonce;
    std::string salt;
    unsigned iterations = 0;
};

std::optional<ServerFirst> parse_server_first(std::string_view message,
                                              std::string_view client_nonce,
                                              unsigned max_iterations) {
    const auto attributes = split_attributes(message);
    // A leading m= is a mandatory extension we do not know: fail (RFC 5802 5.1).
    if (!attributes || attributes->size() < 3 || (*attributes)[0].name != 'r' ||
        (*attributes)[1].name != 's' || (*attributes)[2].name != 'i' ||
        !extensions_acceptable(*attributes, 3, "rsi")) {
        return std::nullopt;
    }
    ServerFirst first;
    first.nonce = (*attributes)[0].value;
    // The server's nonce must extend ours: otherwise this is a replay or a
    // different exchange.
    if (!printable(first.nonce) || first.nonce.size() <= client_nonce.size() ||
        first.nonce.substr(0, client_nonce.size()) != client_nonce) {
        return std::nullopt;
    }
    auto salt = base64_decode((*attributes)[1].value);
    const auto iterations = parse_iterations((*attributes)[2].value, max_iterations);
    if (!salt || salt->empty() || !iterations) {
        return std::nullopt;
    }
    first.salt = std::move(*salt);
    first.iterations = *iterations;
    return first;
}

void xor_into(std::string& target, std::string_view other) noexcept {
    for (std::size_t i = 0; i < target.size() && i < other.size(); ++i) {
        target[i] = static_cast<char>(target[i] ^ other[i]);
    }
}

class Scram : public Authenticator {
  public:
    Scram(Mechanism mechanism, std::string gs2_header, std::string client_first_bare,
          std::string client_nonce, std::string password, const ScramLimits& limits)
        : mechanism_(mechanism),
          hash_(mechanism == Mechanism::scram_sha_1 ? Hash::sha1 : Hash::sha256),
          gs2_header_(std::move(gs2_header)),
          client_first_bare_(std::move(client_first_bare)),
          client_nonce_(std::move(client_nonce)),
          password_(std::move(password)),
          limits_(limits) {}

    Mechanism mechanism() const override { return mechanism_; }

    std::optional<std::string> initial_response(std::error_code& ec) override {
        if (state_ != State::start && state_ != State::sent_first) {
            fail(error::sasl_bad_challenge, ec);
            return std::nullopt;
        }
        state_ = State::sent_first;
        return gs2_header_ + client_first_bare_;
    }

    std::string respond(std::string_view challenge, std::error_code& ec) override {
        if (challenge_too_large(challenge, ec)) {
            return fail(error::sasl_bad_challenge, ec);
        }
        switch (state_) {
            case State::start:
                // The session left the initial response out (RFC 4954 4).
                if (challenge.empty()) {
                    return *initial_response(ec);
                }
                break;
            case State::sent_first:
                return client_final(challenge, ec);
            case State::sent_final:
                return check_server_final(challenge, ec);
            case State::verified:
            case State::failed:
                break;
        }
        return fail(error::sasl_bad_challenge, ec);
    }

    std::error_code complete() const override {
        return state_ == State::verified ? std::error_code{}
                                         : make_error_code(error::sasl_server_not_verified);
    }

    std::string_view server_error() const noexcept override { return server_error_; }

  private:
    enum class State { start, sent_first, sent_final, verified, failed };

    std::string fail(error e, std::error_code& ec) {
        ec = e;
        state_ = State::failed;
        wipe(password_.str());
        wipe(server_signature_.str());
        return {};
    }

    // RFC 5802 3: SaltedPassword = Hi(password, salt, i); ClientKey =
    // HMAC(SaltedPassword, "Client Key"); StoredKey = H(ClientKey);
    // ClientProof = ClientKey XOR HMAC(StoredKey, AuthMessage);
    // ServerSignature = HMAC(HMAC(SaltedPassword, "Server Key"), AuthMessage).
    std::string client_final(std::string_view server_first, std::error_code& ec) {
        const auto first = parse_server_first(server_first, client_nonce_, limits_.max_iterations);
        if (!first) {
            return fail(error::sasl_bad_challenge, ec);
        }
        std::string without_proof = "c=" + base64_encode(gs2_header_) + ",r=";
        without_proof += first->nonce;
        std::string auth_message = client_first_bare_;
        auth_message.append(1, ',').append(server_first).append(1, ',').append(without_proof);

        Secret salted, client_key, stored_key, proof, server_key;
        const bool ok =
            pbkdf2(hash_, password_.str(), first->salt, first->iterations, salted.str()) &&
            hmac(hash_, salted.str(), "Client Key", client_key.str()) &&
            digest(hash_, client_key.str(), stored_key.str()) &&
            hmac(hash_, stored_key.str(), auth_message, proof.str()) &&
            hmac(hash_, salted.str(), "Server Key", server_key.str()) &&
            hmac(hash_, server_key.str(), auth_message, server_signature_.str());
        wipe(password_.str());  // the keys above are all that is needed now
        if (!ok) {
            return fail(error::auth_failed, ec);
        }
        xor_into(proof.str(), client_key.str());
        state_ = State::sent_final;
        return without_proof + ",p=" + base64_encode(proof.str());
    }

    // RFC 5802 7: server-final-message = (server-error / verifier) ["," extensions].
    // The answer to a good one is empty: SMTP carries it in a 334 challenge
    // that needs a response before the 235 (RFC 4954 4).
    std::string check_server_final(std::string_view server_final, std::error_code& ec) {
        const auto attributes = split_attributes(server_final);
        if (!attributes || !extensions_acceptable(*attributes, 1, "ve")) {
            return fail(error::sasl_bad_challenge, ec);
        }
        const Attribute& first = attributes->front();
        if (first.name == 'e') {
            server_error_.assign(first.value);
            return fail(error::sasl_server_not_verified, ec);
        }
        if (first.name != 'v') {
            return fail(error::sasl_bad_challenge, ec);
        }
        const auto signature = base64_decode(first.value);
        if (!signature) {
            return fail(error::sasl_bad_challenge, ec);
        }
        if (!equal_secret(*signature, server_signature_.str())) {
            return fail(error::sasl_server_not_verified, ec);
        }
        state_ = State::verified;
        return {};
    }

    Mechanism mechanism_;
    Hash hash_;
    std::string gs2_header_;
    std::string client_first_bare_;
    std::string client_nonce_;
    Secret password_;
    Secret server_signature_;
    std::string server_error_;
    ScramLimits limits_;
    State state_ = State::start;
};

}  // namespace

std::string make_scram_nonce(const RandomSource& random, std::error_code& ec) {
    unsigned char bytes[scram_nonce_bytes] = {};
    if (random) {
        random(bytes, sizeof bytes);
    } else if (!random_bytes(bytes, sizeof bytes)) {
        ec = error::auth_failed;
        return {};
    }
    return base64_encode(std::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes));
}

std::unique_ptr<Authenticator> make_scram(Mechanism mechanism, const Credentials& credentials,
                                          std::string client_nonce, std::error_code& ec,
                                          const ScramLimits& limits) {
    const auto user = saslprep(credentials.user);
    auto password = saslprep(credentials.secret);
    const bool usable =
        (mechanism == Mechanism::scram_sha_1 || mechanism == Mechanism::scram_sha_256) && user &&
        !user->empty() && password && printable(client_nonce) && !contains_nul(credentials.authzid);
    if (!usable) {
        if (password) {
            wipe(*password);
        }
        ec = error::sasl_invalid_input;
        return nullptr;
    }
    std::string gs2_header = "n,";
    if (!credentials.authzid.empty()) {
        gs2_header += "a=" + escape_saslname(credentials.authzid);
    }
    gs2_header += ',';
    std::string client_first_bare = "n=" + escape_saslname(*user) + ",r=" + client_nonce;
    return std::make_unique<Scram>(mechanism, std::move(gs2_header), std::move(client_first_bare),
                                   std::move(client_nonce), std::move(*password), limits);
}

}  // namespace smtpkit::protocol::sasl::detail
