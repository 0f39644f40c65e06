// The README's campaign example: COUNT personalised, DKIM-signed messages
// through a Mailer (10 sessions, 100 messages each, a rate limit, retries),
// then a summary of the verdicts.
//
//   dkim_campaign HOST PORT COUNT KEY.pem SELECTOR DOMAIN [PER_SECOND]
//
// KEY.pem: an RSA or Ed25519 private key; its public half goes in DNS as the
// TXT record printed last, at SELECTOR._domainkey.DOMAIN. PER_SECOND:
// messages started per second over all sessions (default 200; 0: no limit).
// Exit status: 0 when every message was delivered, 75 when some were not
// (each has a line on stderr), 64 for bad arguments, 1 when the key cannot
// be used.
//
// Plaintext, for a relay on loopback (the integration tests run it against
// Postfix's smtp-sink). For a real submission server: its name and port (587),
// options.server.options.security = Security::tls_required and
// options.server.credentials.
#include <smtpkit/smtpkit.hpp>

#include <chrono>
#include <cstdio>
#include <exception>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

// Reader n's letter. A real campaign takes its readers from a list.
smtpkit::Message letter(const std::string& domain, std::size_t n) {
    const std::string name = "Reader " + std::to_string(n);
    const std::string address = "reader+" + std::to_string(n) + "@example.net";
    smtpkit::Message message;
    message.from("Newsletter <news@" + domain + ">")
        .to(name + " <" + address + ">")
        .subject("Your letter, " + name)
        .text("Dear " + name + ",\n\nthis letter was written for " + address + " alone.\n")
        .html("<p>Dear " + name + ",</p><p>this letter was written for " + address +
              " alone.</p>\n");
    return message;
}

// Each letter signed once, up front: what the Mailer sends (and may send
// again after a 4yz) is exactly what was signed.
std::vector<smtpkit::OutgoingMessage> signed_letters(const smtpkit::DkimSigner& signer,
                                                     const std::string& domain, std::size_t count) {
    std::vector<smtpkit::OutgoingMessage> messages;
    messages.reserve(count);
    for (std::size_t n = 1; n <= count; ++n) {
        smtpkit::Message message = letter(domain, n);
        messages.push_back({message.envelope(), signer.sign(message)});
    }
    return messages;
}

smtpkit::MailerOptions pool(const std::string& host, const std::string& port, double per_second) {
    smtpkit::MailerOptions options;
    options.server.host = host;
    options.server.port = static_cast<std::uint16_t>(std::stoul(port));
    options.server.options.security = smtpkit::Security::plaintext;  // loopback: see the top
    options.max_sessions = 10;               // at most 10 connections at once
    options.max_messages_per_session = 100;  // then QUIT and reconnect
    options.rate.per_second = per_second;    // over all sessions; burst: 0.1 s worth
    options.retry.max_attempts = 3;          // 4yz and lost sessions only
    return options;
}

struct Summary {
    std::size_t delivered = 0;
    std::size_t not_delivered = 0;
    std::size_t unknown = 0;  // the server may have it: the reply was lost
    std::size_t retries = 0;  // attempts beyond the first
};

const char* verdict_name(smtpkit::Verdict verdict) {
    switch (verdict) {
        case smtpkit::Verdict::delivered:
            return "delivered";
        case smtpkit::Verdict::not_delivered:
            return "not delivered";
        case smtpkit::Verdict::unknown:
            break;
    }
    return "unknown";
}

// Counts the verdicts; a line on stderr for each message not delivered.
Summary summarise(const std::vector<smtpkit::MailResult>& results) {
    Summary s;
    for (std::size_t i = 0; i < results.size(); ++i) {
        const smtpkit::MailResult& r = results[i];
        s.retries += r.attempts.empty() ? 0 : r.attempts.size() - 1;
        if (r.verdict == smtpkit::Verdict::delivered) {
            ++s.delivered;
            continue;
        }
        ++(r.verdict == smtpkit::Verdict::unknown ? s.unknown : s.not_delivered);
        std::fprintf(stderr, "letter %zu: %s after %zu attempt(s): %s\n", i + 1,
                     verdict_name(r.verdict), r.attempts.size(), r.error.message().c_str());
    }
    return s;
}

void print_summary(const Summary& s, const smtpkit::Mailer::Stats& stats, double seconds) {
    const std::size_t count = s.delivered + s.not_delivered + s.unknown;
    std::printf("%zu messages: %zu delivered, %zu not delivered, %zu unknown\n", count, s.delivered,
                s.not_delivered, s.unknown);
    std::printf("%zu attempts beyond the first, %zu sessions opened\n", s.retries,
                stats.sessions_opened);
    std::printf("%.2f s, %.0f messages/s\n", seconds,
                seconds > 0 ? static_cast<double>(count) / seconds : 0.0);
}

int campaign(char** argv, double per_second) {
    const std::size_t count = std::stoul(argv[3]);
    const std::string domain = argv[6];
    const smtpkit::MailerOptions options = pool(argv[1], argv[2], per_second);
    const smtpkit::DkimKey key = smtpkit::DkimKey::from_pem_file(argv[4]);  // RSA or Ed25519
    smtpkit::DkimSigner signer(key, domain, argv[5]);                       // d= and s=
    std::vector<smtpkit::OutgoingMessage> messages = signed_letters(signer, domain, count);

    smtpkit::Mailer mailer(options);
    const auto start = std::chrono::steady_clock::now();
    std::vector<smtpkit::MailResult> results = mailer.send_all(std::move(messages));
    mailer.close(smtpkit::CloseMode::drain);
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;

    const Summary summary = summarise(results);
    print_summary(summary, mailer.stats(), elapsed.count());
    std::printf("%s._domainkey.%s TXT \"%s\"\n", argv[5], domain.c_str(), key.dns_record().c_str());
    return summary.delivered == count ? 0 : 75;
}

}  // namespace

int main(int argc, char** argv) {
    const char* usage =
        "usage: dkim_campaign HOST PORT COUNT KEY.pem SELECTOR DOMAIN [PER_SECOND]\n";
    if (argc != 7 && argc != 8) {
        std::fputs(usage, stderr);
        return 64;
    }
    try {
        return campaign(argv, argc == 8 ? std::stod(argv[7]) : 200.0);
    } catch (const std::logic_error&) {  // a number that is not one
        std::fputs(usage, stderr);
        return 64;
    } catch (const std::exception& e) {  // the key, the domain or the selector
        std::fprintf(stderr, "dkim_campaign: %s\n", e.what());
        return 1;
    }
}
