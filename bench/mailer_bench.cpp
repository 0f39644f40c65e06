// Messages per second through smtpkit::Mailer (bench/mailer_throughput.sh):
//   smtpkit_bench_mailer PORT SESSIONS COUNT [PER_SESSION]
// Plaintext to 127.0.0.1:PORT; prints "<messages/s> <delivered>".
#include <smtpkit/mailer.hpp>

#include <chrono>
#include <cstdio>
#include <string>

int main(int argc, char** argv) {
    if (argc < 4) {
        std::fprintf(stderr, "usage: smtpkit_bench_mailer PORT SESSIONS COUNT [PER_SESSION]\n");
        return 64;
    }
    smtpkit::MailerOptions o;
    o.server.port = static_cast<std::uint16_t>(std::stoul(argv[1]));
    o.server.options.security = smtpkit::Security::plaintext;
    o.server.options.helo_name = "bench.smtpkit.test";
    o.max_sessions = std::stoul(argv[2]);
    o.max_messages_per_session = argc > 4 ? std::stoul(argv[4]) : 100;
    o.queue_capacity = 10000;
    const std::size_t count = std::stoul(argv[3]);
    std::vector<smtpkit::OutgoingMessage> messages;
    smtpkit::Envelope envelope;
    envelope.from = "bench@example.com";
    envelope.to.push_back(smtpkit::Recipient{"sink@example.com"});
    for (std::size_t i = 0; i < count; ++i) {
        messages.push_back(
            {envelope, smtpkit::MessageSource::from_string(
                           "Subject: throughput " + std::to_string(i) +
                           "\r\n\r\nA benchmark message.\r\nIt has a few lines of text.\r\n")});
    }
    smtpkit::Mailer mailer(o);
    const auto start = std::chrono::steady_clock::now();
    std::size_t delivered = 0;
    for (const auto& r : mailer.send_all(std::move(messages))) {
        delivered += r.delivered() ? 1 : 0;
    }
    mailer.close();
    const double s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("%.0f %zu\n", static_cast<double>(count) / s, delivered);
    return delivered == count ? 0 : 1;
}
