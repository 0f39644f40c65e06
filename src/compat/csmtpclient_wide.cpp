// CSmtpClient's wide forms: each converts its strings to UTF-8, calls the
// ANSI form, and converts what it gives back. Nothing else happens here.
#include <cwchar>

#include "compat/state.hpp"
#include "compat/submission.hpp"
#include "compat/wide_string.hpp"

namespace smtpkit::compat {
namespace {

// A wide argument as UTF-8, null kept null.
class Utf8 {
  public:
    explicit Utf8(const wchar_t* text) : text_(to_utf8(text)), null_(text == nullptr) {}
    const char* get() const { return null_ ? nullptr : text_.c_str(); }
    const std::string& str() const { return text_; }

  private:
    std::string text_;
    bool null_;
};

}  // namespace

BOOL CSmtpClient::Connect(LPCWSTR lpszRemoteHost, UINT nRemotePort, UINT nTimeout, DWORD dwOptions,
                          SmtpEventTarget eventTarget, UINT uEventMsg) {
    return Connect(Utf8(lpszRemoteHost).get(), nRemotePort, nTimeout, dwOptions,
                   std::move(eventTarget), uEventMsg);
}

INT CSmtpClient::Authenticate(LPCWSTR lpszUserName, LPCWSTR lpszPassword, UINT nAuthType) {
    return Authenticate(Utf8(lpszUserName).get(), Utf8(lpszPassword).get(), nAuthType);
}

// In memory with a size: octets, sent as they are. In memory without one: a
// wide string, sent as UTF-8. A file: its wide name.
INT CSmtpClient::SendMessage(LPCWSTR lpszFrom, LPCWSTR lpszRecipients, LPCVOID lpvMessage,
                             DWORD dwMessageSize, DWORD dwOptions) {
    const auto* wide = static_cast<const wchar_t*>(lpvMessage);
    const bool wide_text =
        lpvMessage != nullptr && (dwOptions == SMTP_MESSAGE_FILE ||
                                  (dwOptions == SMTP_MESSAGE_MEMORY && dwMessageSize == 0));
    const std::string converted = wide_text ? to_utf8(wide) : std::string();
    const LPCVOID message = wide_text ? converted.c_str() : lpvMessage;
    const DWORD size = wide_text && dwOptions == SMTP_MESSAGE_MEMORY
                           ? static_cast<DWORD>(converted.size())
                           : dwMessageSize;
    return SendMessage(Utf8(lpszFrom).get(), Utf8(lpszRecipients).get(), message, size, dwOptions);
}

BOOL CSmtpClient::SubmitMessage(const SMTPMESSAGEEXW* lpMessage, const SMTPSERVERW* lpServer) {
    if (lpMessage == nullptr || lpServer == nullptr) {
        return SubmitMessage(static_cast<const SMTPMESSAGEEXA*>(nullptr), nullptr);
    }
    const Submission m = submission_of(*lpMessage);
    const SubmissionServer s = server_of(*lpServer);
    SMTPMESSAGEEXA message;
    message.dwSize = lpMessage->dwSize == sizeof(*lpMessage) ? sizeof(message) : 0;
    message.lpszFrom = m.from.c_str();
    message.lpszTo = m.to.c_str();
    message.lpszCc = m.cc.c_str();
    message.lpszBcc = m.bcc.c_str();
    message.lpszDate = m.date.c_str();
    message.lpszSubject = m.subject.c_str();
    message.lpszHeaders = m.headers.c_str();
    message.lpszText = m.text.c_str();
    message.lpszHTML = m.html.c_str();
    message.lpszAttach = m.attach.c_str();
    message.nCharSet = m.charset;
    message.nEncType = m.encoding;
    const SMTPSERVERA server{s.host.c_str(), s.user.c_str(), s.password.c_str(),  s.port,
                             s.timeout,      s.options,      lpServer->dwReserved};
    return SubmitMessage(&message, &server);
}

INT CSmtpClient::CreateMessage(LPCWSTR lpszSender, DWORD dwMessageSize) {
    return CreateMessage(Utf8(lpszSender).get(), dwMessageSize);
}

INT CSmtpClient::AddRecipient(LPCWSTR lpszAddress) {
    return AddRecipient(Utf8(lpszAddress).get());
}

// The return value counts the wide characters given, as the caller knows them.
INT CSmtpClient::Write(LPCWSTR lpszText) {
    if (lpszText == nullptr) {
        return Write(static_cast<LPCSTR>(nullptr));
    }
    const std::string utf8 = to_utf8(lpszText);
    const INT written = Write(static_cast<LPCVOID>(utf8.data()), static_cast<INT>(utf8.size()));
    return written < 0 ? written : static_cast<INT>(std::wcslen(lpszText));
}

BOOL CSmtpClient::VerifyAddress(LPCWSTR lpszAddress) {
    return VerifyAddress(Utf8(lpszAddress).get());
}

INT CSmtpClient::Command(LPCWSTR lpszCommand, LPCWSTR lpszParameter) {
    return Command(Utf8(lpszCommand).get(), Utf8(lpszParameter).get());
}

BOOL CSmtpClient::SetDeliveryOptions(DWORD dwOptions, LPCWSTR lpszEnvelopeId) {
    return SetDeliveryOptions(dwOptions, Utf8(lpszEnvelopeId).get());
}

BOOL CSmtpClient::EnableTrace(LPCWSTR lpszTraceFile, DWORD dwTraceFlags) {
    return EnableTrace(Utf8(lpszTraceFile).get(), dwTraceFlags);
}

BOOL CSmtpClient::SetProxy(UINT nProxyType, LPCWSTR lpszHost, UINT nPort, LPCWSTR lpszUserName,
                           LPCWSTR lpszPassword) {
    return SetProxy(nProxyType, Utf8(lpszHost).get(), nPort, Utf8(lpszUserName).get(),
                    Utf8(lpszPassword).get());
}

BOOL CSmtpClient::SetLocalName(LPCWSTR lpszLocalName) {
    return SetLocalName(Utf8(lpszLocalName).get());
}

BOOL CSmtpClient::SetSecurityCredentials(LPCWSTR lpszCaFile, LPCWSTR lpszCertFile,
                                         LPCWSTR lpszKeyFile, LPCWSTR lpszKeyPassword) {
    return SetSecurityCredentials(Utf8(lpszCaFile).get(), Utf8(lpszCertFile).get(),
                                  Utf8(lpszKeyFile).get(), Utf8(lpszKeyPassword).get());
}

}  // namespace smtpkit::compat
