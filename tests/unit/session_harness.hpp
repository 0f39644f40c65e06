// A protocol::Session driven the way a transport would drive it, for tests
// that play the server's side byte by byte.
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "smtpkit/protocol/session.hpp"

namespace smtpkit::protocol {

inline const char* const ehlo_plain =
    "250-mx.example.org hello\r\n250-SIZE 1000000\r\n250 8BITMIME\r\n";
inline const char* const ehlo_pipelining =
    "250-mx.example.org hello\r\n250-PIPELINING\r\n250-SIZE 1000000\r\n250 8BITMIME\r\n";

inline SessionConfig make_config(bool extended = true) {
    SessionConfig c;
    c.helo_name = "client.example.com";
    c.extended = extended;
    return c;
}

// Drives a Session the way a transport would, recording everything.
class Harness {
  public:
    explicit Harness(SessionConfig config = make_config()) : session(std::move(config)) {}

    // Takes everything the session wants written, as one client write.
    std::string written() {
        std::string out(session.pending_output());
        session.consume_output(out.size());
        if (!out.empty()) {
            writes.push_back(out);
        }
        return out;
    }

    void server(std::string_view bytes) { EXPECT_EQ(session.feed(bytes), bytes.size()); }

    // Drains events; returns the completion, if any.
    std::optional<Event> completion() {
        std::optional<Event> done;
        while (auto e = session.next_event()) {
            if (is_completion(*e)) {
                EXPECT_FALSE(done) << "two completion events";
                done = std::move(*e);
            }
        }
        return done;
    }

    void greet_and_hello(const char* ehlo_reply) {
        server("220 mx.example.org ESMTP\r\n");
        ASSERT_TRUE(completion().has_value());
        session.hello();
        EXPECT_EQ(written(), "EHLO client.example.com\r\n");
        server(ehlo_reply);
        auto done = completion();
        ASSERT_TRUE(done && std::holds_alternative<HelloDone>(*done));
        writes.clear();
    }

    Session session;
    std::vector<std::string> writes;
};

inline Envelope envelope(std::vector<Recipient> to) {
    return Envelope{"sender@example.com", std::move(to)};
}

}  // namespace smtpkit::protocol
