// Sends one message: send_one HOST PORT FROM TO < message.eml
#include <smtpkit/smtpkit.hpp>

#include <iostream>
#include <string>

int main(int argc, char** argv) {
    if (argc != 5) {
        std::cerr << "usage: send_one HOST PORT FROM TO < message\n";
        return 64;
    }
    smtpkit::Client client;
    smtpkit::ConnectOptions options;  // TLS required and verified (implicit on 465)
    std::error_code ec;
    client.connect(argv[1], static_cast<std::uint16_t>(std::stoi(argv[2])), options, ec);
    if (ec) {
        std::cerr << "connect: " << ec.message() << "\n";
        return 75;
    }
    const smtpkit::SendResult result =
        client.send({argv[3], {argv[4]}}, smtpkit::MessageSource::from_stream(std::cin), ec);
    if (ec) {
        std::cerr << "send: " << ec.message() << "\n";
    }
    client.quit(ec);
    std::cout << smtpkit::to_string(result.verdict) << "\n";
    return result.delivered() ? 0 : 69;
}
