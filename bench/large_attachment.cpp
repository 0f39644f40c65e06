// One message with a large file attachment, streamed to a server: proves the
// message layer's memory stays flat whatever the attachment's size.
//
//   large_attachment PORT SIZE_MB
//
// Writes a SIZE_MB file of pseudo-random octets, sends it as an attachment
// (smtpkit::Message::attach_file, base64 as it streams) to 127.0.0.1:PORT in
// plaintext, and prints the message size, the time, and the client's peak
// RSS growth while sending (VmHWM after minus VmRSS before, the peak reset
// first). bench/large_attachment.sh runs it against Postfix's smtp-sink.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <smtpkit/smtpkit.hpp>
#include <string>

namespace {

std::uint64_t status_kib(const char* key) {
    std::ifstream in("/proc/self/status");
    std::string line;
    const std::string prefix = std::string(key) + ":";
    while (std::getline(in, line)) {
        if (line.rfind(prefix, 0) == 0) {
            return std::stoull(line.substr(prefix.size()));
        }
    }
    return 0;
}

void write_file(const std::filesystem::path& path, std::uint64_t megabytes) {
    std::ofstream out(path, std::ios::binary);
    std::mt19937_64 random(7);
    std::string block(1 << 20, '\0');
    for (std::uint64_t i = 0; i < megabytes; ++i) {
        for (std::size_t k = 0; k + 8 <= block.size(); k += 8) {
            const std::uint64_t v = random();
            std::memcpy(block.data() + k, &v, 8);
        }
        out.write(block.data(), static_cast<std::streamsize>(block.size()));
    }
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::cerr << "usage: large_attachment PORT SIZE_MB\n";
        return 64;
    }
    const auto port = static_cast<std::uint16_t>(std::stoi(argv[1]));
    const std::uint64_t megabytes = std::stoull(argv[2]);
    const std::filesystem::path file =
        std::filesystem::temp_directory_path() / "smtpkit-large-attachment.bin";
    write_file(file, megabytes);

    smtpkit::Message message;
    message.from("bench@example.com").to("sink@example.com").subject("large").text("attached");
    message.attach_file(file);
    smtpkit::Client client;
    smtpkit::ConnectOptions options;
    options.security = smtpkit::Security::plaintext;  // loopback
    options.transfer.chunk_size = 1 << 20;
    client.connect("127.0.0.1", port, options);

    std::ofstream("/proc/self/clear_refs") << "5";  // the peak starts here
    const std::uint64_t rss_before = status_kib("VmRSS");
    const auto start = std::chrono::steady_clock::now();
    const smtpkit::SendResult result = client.send(message);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const std::uint64_t peak = status_kib("VmHWM");
    client.quit();
    std::filesystem::remove(file);

    const std::uint64_t size = message.source().size().value_or(0);
    std::printf("attachment %llu MB, message %llu octets, %s in %.2f s (%.0f MB/s)\n",
                static_cast<unsigned long long>(megabytes), static_cast<unsigned long long>(size),
                smtpkit::to_string(result.verdict), seconds,
                static_cast<double>(size) / 1e6 / seconds);
    std::printf("client RSS before %llu KiB, peak while sending %llu KiB: growth %llu KiB\n",
                static_cast<unsigned long long>(rss_before), static_cast<unsigned long long>(peak),
                static_cast<unsigned long long>(peak > rss_before ? peak - rss_before : 0));
    return result.delivered() ? 0 : 1;
}
