// What the Mailer's scripted tests share: options for a Mailer against a
// ScriptServer (one session at a time, since the server plays its scripts
// one connection after another), and the dialogue of one message.
#pragma once

#include <future>
#include <string>
#include <utility>

#include "scripted/client_fixture.hpp"
#include "smtpkit/mailer.hpp"

namespace smtpkit::test {

inline MailerOptions mailer_options(std::uint16_t port) {
    MailerOptions o;
    o.server.port = port;
    o.server.options = esmtp_options();
    o.max_sessions = 1;
    o.idle_timeout = 10s;
    o.retry.initial_backoff = 20ms;
    o.retry.max_backoff = 100ms;
    o.breaker.failures = 0;
    return o;
}

// MAIL, RCPT, DATA pipelined; the end of data answered with `final_reply`.
inline Script& one_transaction(Script& s, const std::string& final_reply = "250 2.0.0 queued\r\n") {
    s.expect("MAIL FROM:").expect("RCPT TO:").expect("DATA");
    s.send("250 2.1.0 ok\r\n250 2.1.5 ok\r\n354 go ahead\r\n");
    return s.expect_data().send(final_reply);
}

inline Script mailer_prologue() {
    return Script::esmtp({"PIPELINING", "8BITMIME"});
}

inline Envelope mailer_envelope() {
    return envelope_to({"rcpt@example.com"});
}

// An async_send's outcome, handed to the test's thread.
struct Pending {
    std::promise<std::pair<std::error_code, MailResult>> promise;
    std::future<std::pair<std::error_code, MailResult>> future = promise.get_future();
    auto handler() {
        return [this](std::error_code ec, MailResult r) { promise.set_value({ec, std::move(r)}); };
    }
    bool ready_within(std::chrono::milliseconds d) {
        return future.wait_for(d) == std::future_status::ready;
    }
};

}  // namespace smtpkit::test
