// CSmtpClient: SendMessage (a finished message to a recipient string) and
// SubmitMessage (compose, connect, log in, send, disconnect in one call).
#include <cstring>

#include "compat/error_codes.hpp"
#include "compat/state.hpp"
#include "compat/submission.hpp"
#include "smtpkit/address.hpp"

namespace smtpkit::compat {
namespace {

// The reverse-path: "" or "<>" is the null sender, anything else one
// mailbox ("Name <a@b>" allowed).
std::optional<std::string> sender_address(std::string_view from, std::error_code& ec) {
    if (from.empty() || from == "<>") {
        return std::string();
    }
    Mailbox m = parse_mailbox(from, ec);
    return ec ? std::nullopt : std::optional<std::string>(std::move(m.address));
}

// The envelope for SendMessage: the sender and every address of the
// recipient string (commas or semicolons), the session's DSN defaults.
std::optional<Envelope> envelope_for(CSmtpClient::State& s, std::string_view from,
                                     std::string_view recipients) {
    std::error_code ec;
    const auto sender = sender_address(from, ec);
    std::vector<Mailbox> to;
    if (sender) {
        to = parse_address_list(recipients, ec);
    }
    if (ec) {
        s.fail(ec);
        return std::nullopt;
    }
    Envelope envelope;
    envelope.from = *sender;
    for (Mailbox& m : to) {
        envelope.to.emplace_back(std::move(m.address));
    }
    s.delivery.apply(envelope);
    return envelope;
}

std::optional<MessageSource> source_for(CSmtpClient::State& s, LPCVOID message, DWORD size,
                                        DWORD where, const std::string& file_name) {
    if (message == nullptr) {
        s.fail(ST_ERROR_INVALID_PARAMETER);
        return std::nullopt;
    }
    if (where == SMTP_MESSAGE_FILE) {
        return MessageSource::from_file(file_name);
    }
    if (where != SMTP_MESSAGE_MEMORY) {
        s.fail(ST_ERROR_INVALID_PARAMETER);
        return std::nullopt;
    }
    const auto* octets = static_cast<const char*>(message);
    return MessageSource::from_string(std::string(octets, size != 0 ? size : std::strlen(octets)));
}

}  // namespace

// Success when the server took the message (some recipients may have been
// refused: GetLastSendResult() has each reply). A reply lost after the end
// of data is ST_ERROR_DELIVERY_STATUS_UNKNOWN, never a plain failure.
INT CSmtpClient::State::settle_send(SendResult result, std::error_code ec) {
    last_send = std::move(result);
    const SendResult& r = last_send;
    if (r.delivered()) {
        succeed();
        return 0;
    }
    const std::error_code why = ec ? ec : r.error;
    if (r.verdict == Verdict::unknown) {
        fail(ST_ERROR_DELIVERY_STATUS_UNKNOWN, why, client.last_error_detail());
        return SMTP_ERROR;
    }
    return fail_int(why);
}

namespace {

INT send_message(CSmtpClient::State& s, std::string_view from, std::string_view recipients,
                 LPCVOID message, DWORD size, DWORD where, const std::string& file_name) {
    auto envelope = envelope_for(s, from, recipients);
    if (!envelope) {
        return SMTP_ERROR;
    }
    const auto source = source_for(s, message, size, where, file_name);
    if (!source) {
        return SMTP_ERROR;
    }
    std::error_code ec;
    SendResult result = s.client.send(*envelope, *source, ec);
    return s.settle_send(std::move(result), ec);
}

}  // namespace

INT CSmtpClient::SendMessage(LPCSTR lpszFrom, LPCSTR lpszRecipients, LPCVOID lpvMessage,
                             DWORD dwMessageSize, DWORD dwOptions) {
    Gate gate(*state_);
    if (!gate) {
        return SMTP_ERROR;
    }
    if (lpszFrom == nullptr || lpszRecipients == nullptr) {
        return state_->fail_int(ST_ERROR_INVALID_PARAMETER);
    }
    const std::string file = dwOptions == SMTP_MESSAGE_FILE && lpvMessage != nullptr
                                 ? static_cast<const char*>(lpvMessage)
                                 : "";
    return send_message(*state_, lpszFrom, lpszRecipients, lpvMessage, dwMessageSize, dwOptions,
                        file);
}

// --- SubmitMessage ------------------------------------------------------------------

namespace {

BOOL connect_and_log_in(CSmtpClient::State& s, const SubmissionServer& server) {
    DWORD refused = 0;
    const DWORD options = server.options | (server.user.empty() ? 0 : SMTP_OPTION_EXTENDED);
    auto request = plan_seed_connect(server.port, server.timeout, options, s.settings, refused);
    if (!request) {
        return s.fail(refused);
    }
    s.free_thread.store((options & SMTP_OPTION_FREETHREAD) != 0);
    std::error_code ec;
    s.client.connect(server.host, request->port, request->options, ec);
    s.events.raise(SMTP_EVENT_CONNECT, st_error_for(ec));
    if (!ec && !server.user.empty()) {
        s.client.authenticate(server.user, server.password, AuthMechanism::automatic, ec);
    }
    return ec ? s.fail(ec) : TRUE;
}

BOOL submit_message(CSmtpClient::State& s, const Submission& submission,
                    const SubmissionServer& server) {
    if (server.host.empty()) {
        return s.fail(ST_ERROR_INVALID_PARAMETER);
    }
    if (s.client.connected()) {
        return s.fail(ST_ERROR_ALREADY_CONNECTED, make_error_code(error::already_connected));
    }
    ErrorRecord bad;
    const std::optional<Message> message = compose_submission(submission, bad);
    if (!message) {
        return s.fail(bad.code, bad.ec, bad.detail);
    }
    if (!connect_and_log_in(s, server)) {
        std::error_code ignored;
        s.client.quit(ignored);
        return FALSE;
    }
    Envelope envelope = message->envelope(s.client.render_options(*message).smtputf8);
    s.delivery.apply(envelope);
    std::error_code ec;
    SendResult result = s.client.send(envelope, *message, ec);
    const INT sent = s.settle_send(std::move(result), ec);
    s.events.set_local_close(true);
    std::error_code ignored;
    s.client.quit(ignored);
    s.events.set_local_close(false);
    return sent == 0 ? TRUE : FALSE;
}

}  // namespace

BOOL CSmtpClient::SubmitMessage(const SMTPMESSAGEEXA* lpMessage, const SMTPSERVERA* lpServer) {
    Gate gate(*state_);
    if (!gate) {
        return FALSE;
    }
    if (lpMessage == nullptr || lpServer == nullptr || lpMessage->dwSize != sizeof(*lpMessage)) {
        return state_->fail(ST_ERROR_INVALID_PARAMETER);
    }
    return submit_message(*state_, submission_of(*lpMessage), server_of(*lpServer));
}

}  // namespace smtpkit::compat
