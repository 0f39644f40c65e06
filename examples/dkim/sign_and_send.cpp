// DKIM-signs a message and sends it: the README's DKIM example as a program
// (the integration tests run it against Postfix and verify what arrives).
//
//   sign_and_send KEY.pem DOMAIN SELECTOR HOST PORT FROM TO
#include <smtpkit/client.hpp>
#include <smtpkit/dkim.hpp>
#include <smtpkit/message.hpp>

#include <cstdlib>
#include <iostream>
#include <string>

int main(int argc, char** argv) {
    if (argc != 8) {
        std::cerr << "usage: sign_and_send KEY.pem DOMAIN SELECTOR HOST PORT FROM TO\n";
        return 2;
    }
    try {
        smtpkit::Client client;
        smtpkit::ConnectOptions options;
        options.security = smtpkit::Security::plaintext;  // the test's relay on loopback
        client.connect(argv[4], static_cast<std::uint16_t>(std::stoi(argv[5])), options);

        // --- README: DKIM ---
        smtpkit::DkimKey key = smtpkit::DkimKey::from_pem_file(argv[1]);  // RSA or Ed25519
        smtpkit::DkimSigner signer(key, argv[2], argv[3]);                // d= and s=

        smtpkit::Message message;
        message.from(argv[6]).to(argv[7]).subject("Signed").text("Hello, signed world.\n");
        smtpkit::SendResult result = client.send(message.envelope(), signer.sign(message));
        // --- end ---
        if (!result.delivered()) {
            std::cerr << "sign_and_send: not delivered: " << result.error.message() << "\n";
            return 1;
        }

        client.quit();
        std::cout << key.dns_record() << "\n";
    } catch (const std::exception& e) {
        std::cerr << "sign_and_send: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
