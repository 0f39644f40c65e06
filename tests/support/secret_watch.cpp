#include "support/secret_watch.hpp"

#include <algorithm>
#include <utility>

#include "smtpkit/protocol/sasl.hpp"

namespace smtpkit::test {
namespace {

using protocol::sasl::base64_encode;

// The base64 letters that any encoding of an octet string holding `secret`
// at an offset of `shift` (mod 3) must contain: the 3-octet groups that lie
// wholly inside the secret. Empty when no whole group fits.
std::string alignment_core(std::string_view secret, std::size_t shift) {
    const std::string encoded = base64_encode(std::string(shift, '\0') + std::string(secret));
    const std::size_t first_group = shift == 0 ? 0 : 1;
    const std::size_t end_group = (shift + secret.size()) / 3;
    if (end_group <= first_group) {
        return {};
    }
    return encoded.substr(4 * first_group, 4 * (end_group - first_group));
}

void add_unique(std::vector<std::string>& forms, std::string form) {
    if (!form.empty() && std::find(forms.begin(), forms.end(), form) == forms.end()) {
        forms.push_back(std::move(form));
    }
}

const char* direction_tag(TraceDirection d) {
    switch (d) {
        case TraceDirection::client:
            return "C";
        case TraceDirection::server:
            return "S";
        case TraceDirection::info:
            break;
    }
    return "*";
}

}  // namespace

std::vector<std::string> secret_forms(std::string_view secret, std::string_view user) {
    std::vector<std::string> forms;
    if (secret.empty()) {
        return forms;
    }
    add_unique(forms, std::string(secret));
    add_unique(forms, base64_encode(secret));
    if (!user.empty()) {
        std::string plain;
        plain.push_back('\0');
        plain.append(user);
        plain.push_back('\0');
        plain.append(secret);
        add_unique(forms, base64_encode(plain));
    }
    // Short secrets have no whole group at every alignment; an empty or
    // partial core would match innocent text, so they get the exact forms only.
    if (secret.size() >= 5) {
        for (std::size_t shift = 0; shift < 3; ++shift) {
            add_unique(forms, alignment_core(secret, shift));
        }
    }
    return forms;
}

SecretWatch::SecretWatch(std::string user) : user_(std::move(user)) {}

TraceHandler SecretWatch::trace_handler() {
    return [this](TraceDirection direction, std::string_view line) {
        add_text(std::string("trace ") + direction_tag(direction), line);
    };
}

void SecretWatch::add_text(std::string_view origin, std::string_view text) {
    const std::lock_guard lock(mutex_);
    entries_.push_back(Entry{std::string(origin), std::string(text)});
}

void SecretWatch::add_error(std::string_view origin, const std::error_code& ec) {
    if (ec) {
        add_text(origin, ec.message());
    }
}

void SecretWatch::add_exception(std::string_view origin, const std::exception& e) {
    add_text(origin, e.what());
}

void SecretWatch::add_client(std::string_view origin, const Client& client) {
    const std::string where(origin);
    add_error(where + " last_error", client.last_error());
    add_text(where + " last_error_detail", client.last_error_detail());
    for (const auto& line : client.last_reply().lines) {
        add_text(where + " last_reply", line);
    }
}

::testing::AssertionResult SecretWatch::free_of(const std::vector<std::string>& secrets) const {
    const std::lock_guard lock(mutex_);
    if (entries_.empty()) {
        return ::testing::AssertionFailure() << "SecretWatch recorded nothing: is it wired up?";
    }
    ::testing::AssertionResult result = ::testing::AssertionSuccess();
    bool leaked = false;
    for (const auto& secret : secrets) {
        const auto forms = secret_forms(secret, user_);
        for (const auto& entry : entries_) {
            for (const auto& form : forms) {
                if (entry.text.find(form) == std::string::npos) {
                    continue;
                }
                if (!leaked) {
                    result = ::testing::AssertionFailure();
                    leaked = true;
                }
                // Name the form, never print the secret itself in clear.
                const bool clear = form == secret;
                result << "\n  a secret " << (clear ? "(in clear)" : "(encoded: " + form + ")")
                       << " in " << entry.origin;
                break;
            }
        }
    }
    return result;
}

void SecretWatch::expect_none_of(const std::vector<std::string>& secrets) const {
    EXPECT_TRUE(free_of(secrets));
}

std::vector<std::string> SecretWatch::texts() const {
    const std::lock_guard lock(mutex_);
    std::vector<std::string> out;
    out.reserve(entries_.size());
    for (const auto& e : entries_) {
        out.push_back(e.origin + ": " + e.text);
    }
    return out;
}

std::size_t SecretWatch::size() const {
    const std::lock_guard lock(mutex_);
    return entries_.size();
}

}  // namespace smtpkit::test
