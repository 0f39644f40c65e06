// CSmtpClient: the step-by-step transaction (CreateMessage, AddRecipient,
// Write, CloseMessage) on smtpkit::Client's begin_message, add_recipient,
// write_message and end_message.
#include <cstring>

#include "compat/state.hpp"

namespace smtpkit::compat {

INT CSmtpClient::CreateMessage(LPCSTR lpszSender, DWORD dwMessageSize) {
    Gate gate(*state_);
    if (!gate) {
        return SMTP_ERROR;
    }
    State& s = *state_;
    if (lpszSender == nullptr) {
        return s.fail_int(ST_ERROR_INVALID_PARAMETER);
    }
    Envelope envelope;
    envelope.from = lpszSender;
    s.delivery.apply(envelope);
    const std::optional<std::uint64_t> size =
        dwMessageSize == 0 ? std::nullopt : std::optional<std::uint64_t>(dwMessageSize);
    std::error_code ec;
    s.client.begin_message(envelope, size, ec);
    if (ec) {
        return s.fail_int(ec);
    }
    s.message_open = true;
    s.succeed();
    return 0;
}

// A refused recipient is that recipient's answer: this call fails with
// ST_ERROR_RECIPIENT_REFUSED (GetResultCode() has the server's code) and
// the transaction goes on with the others.
INT CSmtpClient::AddRecipient(LPCSTR lpszAddress) {
    Gate gate(*state_);
    if (!gate) {
        return SMTP_ERROR;
    }
    State& s = *state_;
    if (lpszAddress == nullptr) {
        return s.fail_int(ST_ERROR_INVALID_PARAMETER);
    }
    Recipient recipient(lpszAddress);
    s.delivery.apply(recipient);
    std::error_code ec;
    const Reply reply = s.client.add_recipient(recipient, ec);
    if (ec) {
        return s.fail_int(ec);
    }
    if (!reply.positive_completion()) {
        return s.fail_int(ST_ERROR_RECIPIENT_REFUSED);
    }
    s.succeed();
    return 0;
}

INT CSmtpClient::Write(LPCVOID lpvBuffer, INT cbBuffer) {
    Gate gate(*state_);
    if (!gate) {
        return SMTP_ERROR;
    }
    State& s = *state_;
    if (lpvBuffer == nullptr || cbBuffer < 0) {
        return s.fail_int(ST_ERROR_INVALID_PARAMETER);
    }
    std::error_code ec;
    s.client.write_message(
        std::string_view(static_cast<const char*>(lpvBuffer), static_cast<std::size_t>(cbBuffer)),
        ec);
    if (ec) {
        // No recipient accepted, the message refused mid-stream or the
        // connection lost: the transaction is over either way.
        s.message_open = false;
        return s.fail_int(ec);
    }
    s.succeed();
    return cbBuffer;
}

INT CSmtpClient::Write(LPCSTR lpszText) {
    if (lpszText == nullptr) {
        return Write(static_cast<LPCVOID>(nullptr), 0);
    }
    return Write(static_cast<LPCVOID>(lpszText), static_cast<INT>(std::strlen(lpszText)));
}

INT CSmtpClient::CloseMessage() {
    Gate gate(*state_);
    if (!gate) {
        return SMTP_ERROR;
    }
    State& s = *state_;
    std::error_code ec;
    SendResult result = s.client.end_message(ec);
    s.message_open = false;
    return s.settle_send(std::move(result), ec);
}

}  // namespace smtpkit::compat
