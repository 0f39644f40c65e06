// The README's Mailer example: many messages through a pool of sessions.
//   bulk_send HOST PORT COUNT
// Plaintext, for a relay on loopback; use Security::tls_required and
// Credentials for a real submission server.
#include <smtpkit/smtpkit.hpp>

#include <cstdio>
#include <string>

int main(int argc, char** argv) {
    if (argc != 4) {
        std::fprintf(stderr, "usage: bulk_send HOST PORT COUNT\n");
        return 64;
    }
    smtpkit::MailerOptions options;
    options.server.host = argv[1];
    options.server.port = static_cast<std::uint16_t>(std::stoul(argv[2]));
    options.server.options.security = smtpkit::Security::plaintext;
    // options.server.credentials = smtpkit::Credentials{"user", "secret"};
    options.max_sessions = 10;               // at most 10 connections at once
    options.max_messages_per_session = 100;  // then QUIT and reconnect
    options.rate.per_second = 200;           // over all sessions
    options.retry.max_attempts = 3;          // 4yz and lost sessions only

    smtpkit::Mailer mailer(options);
    std::vector<smtpkit::OutgoingMessage> messages;
    for (unsigned long i = 0; i < std::stoul(argv[3]); ++i) {
        messages.push_back({smtpkit::Envelope{"me@example.com", {{"you@example.com"}}},
                            smtpkit::MessageSource::from_string(
                                "Subject: note " + std::to_string(i) + "\r\n\r\nHello.\r\n")});
    }
    int failed = 0;
    for (const smtpkit::MailResult& r : mailer.send_all(std::move(messages))) {
        if (!r.delivered()) {
            ++failed;
            std::fprintf(stderr, "not delivered after %zu attempt(s): %s\n", r.attempts.size(),
                         r.error.message().c_str());
        }
    }
    mailer.close(smtpkit::CloseMode::drain);
    return failed == 0 ? 0 : 75;
}
