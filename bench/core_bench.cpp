// Core micro-benchmarks: how fast the sans-I/O pieces turn bytes around.
//   - the reply parser on a stream of typical replies (EHLO lists, 250s,
//     enhanced codes), fed in network-sized reads;
//   - the DATA encoder (CRLF normalisation and dot-stuffing, streaming) on
//     a 1 MiB text message, against a naive whole-string replace-based
//     dot-stuffer as the in-process peer; the ratio is printed at the end.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <map>
#include <string>
#include <string_view>
#include <system_error>

#include "smtpkit/protocol/detail/data_encoder.hpp"
#include "smtpkit/protocol/reply_parser.hpp"

namespace {

using smtpkit::protocol::DataEncoder;
using smtpkit::protocol::ReplyParser;

// A session's worth of server replies, repeated to about 1 MiB.
std::string reply_stream() {
    const std::string session =
        "220 mail.example.com ESMTP Postfix (Debian/GNU)\r\n"
        "250-mail.example.com\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-VRFY\r\n"
        "250-ETRN\r\n250-STARTTLS\r\n250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n"
        "250-DSN\r\n250-SMTPUTF8\r\n250 CHUNKING\r\n"
        "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n550 5.1.1 <nobody@example.com>: Recipient address "
        "rejected: User unknown in local recipient table\r\n"
        "354 End data with <CR><LF>.<CR><LF>\r\n250 2.0.0 Ok: queued as 4Xk2p51Zxwz9sWq\r\n"
        "221 2.0.0 Bye\r\n";
    std::string out;
    while (out.size() < (std::size_t{1} << 20)) {
        out += session;
    }
    return out;
}

// About 1 MiB of mail text with CRLF line ends; every 40th line starts
// with a dot (quoted text, signatures, lists of file names).
std::string message_text() {
    std::string out;
    const std::string line = "The quick brown fox jumps over the lazy dog; pack my box with jugs.";
    for (std::size_t i = 0; out.size() < (std::size_t{1} << 20); ++i) {
        if (i % 40 == 0) {
            out += '.';
        }
        out += line;
        out += "\r\n";
    }
    return out;
}

void BM_ReplyParser(benchmark::State& state) {
    const std::string stream = reply_stream();
    const auto read_size = static_cast<std::size_t>(state.range(0));
    std::size_t replies = 0;
    for (auto _ : state) {
        ReplyParser parser;
        std::error_code ec;
        for (std::size_t at = 0; at < stream.size();) {
            const std::string_view read =
                std::string_view(stream).substr(at, std::min(read_size, stream.size() - at));
            std::size_t used = 0;
            while (used < read.size()) {
                used += parser.feed(read.substr(used), ec);
                if (parser.has_reply()) {
                    benchmark::DoNotOptimize(parser.take());
                    ++replies;
                }
            }
            at += read.size();
        }
        if (ec) {
            state.SkipWithError("the reply stream did not parse");
            break;
        }
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * stream.size()));
    state.counters["replies/s"] =
        benchmark::Counter(static_cast<double>(replies), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ReplyParser)->Arg(1460)->Arg(16384);

// The library's encoder, fed in 64 KiB pieces as a file would be.
void BM_DataEncoder(benchmark::State& state) {
    const std::string text = message_text();
    constexpr std::size_t piece = 64 * 1024;
    std::string wire;
    wire.reserve(text.size() + text.size() / 32);
    for (auto _ : state) {
        wire.clear();
        DataEncoder encoder;
        for (std::size_t at = 0; at < text.size(); at += piece) {
            encoder.encode(std::string_view(text).substr(at, piece), wire);
        }
        encoder.finish(wire);
        benchmark::DoNotOptimize(wire.data());
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_DataEncoder);

// The naive peer: the whole message in one string, every "\r\n." found and a
// dot inserted in place, then the terminator appended. (It also trusts the
// input's line ends, which the real encoder does not.)
std::string naive_dot_stuff(std::string s) {
    if (!s.empty() && s.front() == '.') {
        s.insert(0, 1, '.');
    }
    for (std::size_t at = s.find("\r\n."); at != std::string::npos; at = s.find("\r\n.", at + 4)) {
        s.replace(at, 3, "\r\n..");
    }
    if (s.size() < 2 || s.compare(s.size() - 2, 2, "\r\n") != 0) {
        s += "\r\n";
    }
    s += ".\r\n";
    return s;
}

void BM_NaiveDotStuffer(benchmark::State& state) {
    const std::string text = message_text();
    for (auto _ : state) {
        std::string wire = naive_dot_stuff(text);
        benchmark::DoNotOptimize(wire.data());
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_NaiveDotStuffer);

// Keeps bytes/s per benchmark so main() can print the ratio.
class RecordingReporter : public benchmark::ConsoleReporter {
  public:
    void ReportRuns(const std::vector<Run>& runs) override {
        for (const Run& run : runs) {
            const auto it = run.counters.find("bytes_per_second");
            if (it != run.counters.end()) {
                rates[run.benchmark_name()] = it->second.value;
            }
        }
        ConsoleReporter::ReportRuns(runs);
    }
    std::map<std::string, double> rates;
};

}  // namespace

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) {
        return 1;
    }
    RecordingReporter reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);
    const auto encoder = reporter.rates.find("BM_DataEncoder");
    const auto naive = reporter.rates.find("BM_NaiveDotStuffer");
    if (encoder != reporter.rates.end() && naive != reporter.rates.end() && naive->second > 0) {
        std::printf("\nDATA encoder %.0f MB/s, naive replace-based dot-stuffer %.0f MB/s: %.2fx\n",
                    encoder->second / 1e6, naive->second / 1e6, encoder->second / naive->second);
    }
    benchmark::Shutdown();
    return 0;
}
