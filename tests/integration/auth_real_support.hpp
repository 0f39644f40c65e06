// What the real-server authentication tests share: Postfix with Dovecot as
// its SASL provider, a window on Postfix's log, a client trace recorder that
// also keeps error texts, and the check that no credential shows in any of
// them (in clear or base64, alone or in the PLAIN message).
#pragma once

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <chrono>
#include <ostream>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "smtpkit/client.hpp"
#include "support/dovecot_server.hpp"
#include "support/postfix_server.hpp"
#include "support/secret_watch.hpp"
#include "support/test_certs.hpp"

namespace smtpkit {

// Test names and failure messages say "PLAIN", not "4-byte object".
inline void PrintTo(AuthMechanism m, std::ostream* os) {
    *os << to_string(m);
}

}  // namespace smtpkit

namespace smtpkit::test {

inline std::string base64(std::string_view bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<const unsigned char*>(bytes.data()),
                                  static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

// Every trace line of a client and every error text the test saw, for
// checks on the dialogue (has) and the secret check (SecretWatch, which
// also finds a secret inside any base64 text).
class TraceRecorder {
  public:
    // `user`: the login name, checked in clear and in base64 as well (the
    // client promises to show it nowhere either).
    explicit TraceRecorder(std::string user) : user_(user), watch_(std::move(user)) {}

    TraceHandler handler() {
        return [this, watched = watch_.trace_handler()](TraceDirection direction,
                                                        std::string_view line) {
            const char* prefix = direction == TraceDirection::client   ? "C: "
                                 : direction == TraceDirection::server ? "S: "
                                                                       : "I: ";
            texts_.push_back(prefix + std::string(line));
            watched(direction, line);
        };
    }
    void add(std::string text) {
        watch_.add_text("test", text);
        texts_.push_back(std::move(text));
    }
    // An error and what the client said about it.
    void add(const Client& client, const std::error_code& ec) {
        watch_.add_error("error", ec);
        watch_.add_client("client", client);
        texts_.push_back("E: " + ec.message());
        texts_.push_back("E: " + client.last_error_detail());
        texts_.push_back("E: " + client.last_reply().summary());
    }

    bool has(std::string_view needle) const {
        for (const auto& t : texts_) {
            if (t.find(needle) != std::string::npos) {
                return true;
            }
        }
        return false;
    }
    std::string dump() const {
        std::string all;
        for (const auto& t : texts_) {
            all += t + "\n";
        }
        return all;
    }

    // Neither the secret (in any form a mechanism puts on the wire) nor the
    // user name appears anywhere.
    void expect_no_credentials(std::string_view secret) const {
        watch_.expect_no_secret(std::string(secret));
        for (const auto& f : {user_, base64(user_)}) {
            EXPECT_FALSE(has(f)) << "\"" << f << "\" in:\n" << dump();
        }
    }

  private:
    std::string user_;
    std::vector<std::string> texts_;
    SecretWatch watch_;
};

// The queue ID in Postfix's "250 2.0.0 Ok: queued as 4Xyz..." (empty if
// the reply has none).
inline std::string postfix_queue_id(const Reply& reply) {
    static constexpr std::string_view marker = "queued as ";
    for (const auto& line : reply.lines) {
        if (const auto pos = line.find(marker); pos != std::string::npos) {
            return line.substr(pos + marker.size());
        }
    }
    return {};
}

// A private Postfix offering AUTH over STARTTLS (the test CA's "good"
// certificate), with a private Dovecot checking the passwords. Dovecot
// starts first, so that Postfix finds its SASL socket; members are
// destroyed in reverse order, so Postfix stops first.
struct SaslPostfix {
    DovecotServer dovecot;
    PostfixServer postfix;

    explicit SaslPostfix(DovecotOptions users = {})
        : dovecot(std::move(users)), postfix(postfix_options(dovecot.auth_socket())) {}

    static PostfixOptions postfix_options(const std::filesystem::path& socket) {
        PostfixOptions options;
        options.tls = PostfixTls{test_certificates().good.chain, test_certificates().good.key};
        options.dovecot_sasl = socket;
        return options;
    }
};

// The part of Postfix's log written since this object was made (tests that
// share one server look only at their own part).
class LogSince {
  public:
    explicit LogSince(const PostfixServer& server) : server_(server), start_(server.log().size()) {}

    std::string text() const { return server_.log().substr(start_); }

    // Waits until `needle` is in the new part; returns that part.
    std::string wait_for(std::string_view needle,
                         std::chrono::milliseconds timeout = std::chrono::seconds(10)) const {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        for (;;) {
            std::string now = text();
            if (now.find(needle) != std::string::npos ||
                std::chrono::steady_clock::now() >= deadline) {
                return now;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
    }

  private:
    const PostfixServer& server_;
    std::size_t start_;
};

}  // namespace smtpkit::test
