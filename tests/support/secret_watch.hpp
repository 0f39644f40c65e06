// SecretWatch: the suite-wide check that no credential leaks. A test routes
// everything a user or a log could see through one SecretWatch and, at the
// end, asserts that none of it holds a secret:
//
//   SecretWatch watch("tim");                 // the user name, for PLAIN's form
//   Client client;
//   client.set_trace(watch.trace_handler());  // every trace line is recorded
//   client.connect(...);
//   client.authenticate("tim", "Sup3r-s3cret", AuthMechanism::plain, ec);
//   watch.add_error("authenticate", ec);      // ec.message()
//   watch.add_client("after auth", client);   // last_error(), last_error_detail(), last_reply()
//   watch.add_text("cli stderr", run.err);    // any other text: what(), CLI output, logs
//   watch.expect_no_secret("Sup3r-s3cret");   // one gtest failure per leak, naming where
//
// A secret is found not only as itself but in every encoding that carries it
// on the wire: base64 of the secret alone (LOGIN, the OAuth token), of
// "\0user\0secret" (PLAIN), and, for secrets of 5 octets or more, base64 of
// ANY octet string that contains the secret at any offset (XOAUTH2's
// "user=..\1auth=Bearer <token>\1\1", OAUTHBEARER's GS2 header, a PLAIN with
// an authorisation identity): base64 turns each aligned 3-octet group into 4
// letters, so an embedded secret always shows one of three fixed "cores",
// one per alignment. Matching is exact (case-sensitive).
//
// The trace handler may be called from any thread; all methods lock.
#pragma once

#include <gtest/gtest.h>

#include <exception>
#include <mutex>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "smtpkit/client.hpp"

namespace smtpkit::test {

// The texts that give `secret` away: the secret itself, base64 of it, of
// "\0user\0secret" (when `user` is not empty) and the alignment cores.
std::vector<std::string> secret_forms(std::string_view secret, std::string_view user = {});

class SecretWatch {
  public:
    // `user`: the login name, so that PLAIN's "\0user\0secret" is checked as
    // a whole too (the cores already cover it for longer secrets).
    explicit SecretWatch(std::string user = {});

    // Records every trace line of a Client (set_trace(watch.trace_handler())).
    // The watch must outlive the client's use of the handler.
    TraceHandler trace_handler();

    // Any text a user could see; `origin` names it in failure messages.
    void add_text(std::string_view origin, std::string_view text);
    // ec.message() (nothing for an empty code).
    void add_error(std::string_view origin, const std::error_code& ec);
    // e.what().
    void add_exception(std::string_view origin, const std::exception& e);
    // The client's failure report: last_error().message(),
    // last_error_detail() and every line of last_reply().
    void add_client(std::string_view origin, const Client& client);

    // Fails the current test (EXPECT, not ASSERT) once per text that holds
    // any form of any secret, naming the origin and the form found. Empty
    // secrets are ignored. Also fails when nothing at all was recorded, so
    // a test whose watch was never wired up cannot pass by accident.
    template <typename... Secrets>
    void expect_no_secret(const Secrets&... secrets) const {
        expect_none_of(std::vector<std::string>{std::string(secrets)...});
    }
    void expect_none_of(const std::vector<std::string>& secrets) const;

    // The same check as a value, for EXPECT_TRUE(watch.free_of({...})).
    ::testing::AssertionResult free_of(const std::vector<std::string>& secrets) const;

    // Everything recorded, "origin: text" per entry (trace lines as
    // "trace C: ...").
    std::vector<std::string> texts() const;
    std::size_t size() const;

  private:
    struct Entry {
        std::string origin;
        std::string text;
    };
    std::string user_;
    mutable std::mutex mutex_;
    std::vector<Entry> entries_;
};

}  // namespace smtpkit::test
