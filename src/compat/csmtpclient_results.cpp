// CSmtpClient: the last reply, the last error, the transfer's progress and
// the TLS session, and the modern view behind them.
#include <algorithm>
#include <cstdio>

#include "compat/error_codes.hpp"
#include "compat/state.hpp"
#include "compat/wide_string.hpp"

namespace smtpkit::compat {
namespace {

DWORD clamp32(std::uint64_t value) {
    return static_cast<DWORD>(std::min<std::uint64_t>(value, 0xFFFFFFFFu));
}

DWORD seconds_of(std::chrono::milliseconds ms) {
    return clamp32(static_cast<std::uint64_t>(std::max<std::int64_t>(ms.count(), 0) / 1000));
}

// The code's fixed words, and for the caller's last error smtpkit's own:
// which error it was and why.
std::string describe(DWORD code, const ErrorRecord& last) {
    std::string text = st_error_description(code);
    if (text.empty()) {
        char unknown[40];
        std::snprintf(unknown, sizeof unknown, "Unknown error 0x%08X", code);
        text = unknown;
    }
    if (code != 0 && code == last.code && last.ec) {
        text += " (" + last.ec.message();
        if (!last.detail.empty()) {
            text += ": " + last.detail;
        }
        text += ")";
    }
    return text;
}

template <class C>
void fill(BasicSecurityInfo<C>& out, const SecurityInfo& in) {
    out = {};
    out.dwSize = sizeof(out);
    out.bSecure = in.active ? TRUE : FALSE;
    out.bImplicit = in.implicit ? TRUE : FALSE;
    out.bVerified = in.verified ? TRUE : FALSE;
    out.dwCipherStrength = static_cast<DWORD>(std::max(in.cipher_bits, 0));
    const auto put = [](const std::string& text, auto& field) {
        copy_out(text, field, static_cast<INT>(std::size(field)));
    };
    put(in.protocol, out.szProtocol);
    put(in.cipher, out.szCipher);
    put(in.peer_subject, out.szCertSubject);
    put(in.peer_issuer, out.szCertIssuer);
    put(in.not_before, out.szCertValidFrom);
    put(in.not_after, out.szCertValidTo);
    put(in.sha256_fingerprint, out.szCertFingerprint);
    put(in.verify_result, out.szVerifyResult);
}

template <class C>
BOOL security_information(CSmtpClient::State& s, BasicSecurityInfo<C>* info) {
    if (info == nullptr) {
        return s.fail(ST_ERROR_INVALID_PARAMETER);
    }
    if (!s.client.connected()) {
        return s.fail(ST_ERROR_NOT_CONNECTED);
    }
    fill(*info, s.client.security_info());
    s.succeed();
    return TRUE;
}

template <class C>
INT result_string(CSmtpClient::State& s, C* buffer, INT max_length) {
    const INT n = copy_out(s.client.last_reply().text(), buffer, max_length);
    return n < 0 ? s.fail_int(ST_ERROR_INVALID_PARAMETER) : n;
}

template <class C>
INT error_string(CSmtpClient::State& s, DWORD code, C* buffer, INT max_length) {
    return copy_out(describe(code, s.last_error()), buffer, max_length);
}

}  // namespace

INT CSmtpClient::GetResultCode() {
    Gate gate(*state_);
    return gate ? state_->client.last_reply().code : SMTP_ERROR;
}

INT CSmtpClient::GetResultString(LPSTR lpszResult, INT nMaxLength) {
    Gate gate(*state_);
    return gate ? result_string(*state_, lpszResult, nMaxLength) : SMTP_ERROR;
}

INT CSmtpClient::GetResultString(LPWSTR lpszResult, INT nMaxLength) {
    Gate gate(*state_);
    return gate ? result_string(*state_, lpszResult, nMaxLength) : SMTP_ERROR;
}

DWORD CSmtpClient::GetLastError() {
    return state_->last_error().code;
}

std::error_code CSmtpClient::GetLastErrorCode() {
    return state_->last_error().ec;
}

INT CSmtpClient::GetErrorString(DWORD dwErrorCode, LPSTR lpszDescription, INT nMaxLength) {
    return error_string(*state_, dwErrorCode, lpszDescription, nMaxLength);
}

INT CSmtpClient::GetErrorString(DWORD dwErrorCode, LPWSTR lpszDescription, INT nMaxLength) {
    return error_string(*state_, dwErrorCode, lpszDescription, nMaxLength);
}

// Any thread, as the seed allows: smtpkit's transfer status is safe to read
// while a send runs.
BOOL CSmtpClient::GetTransferStatus(LPSMTPTRANSFERSTATUS lpStatus) {
    if (lpStatus == nullptr) {
        state_->fail(ST_ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    const TransferStatus t = state_->client.transfer_status();
    lpStatus->dwBytesTotal = clamp32(t.total);
    lpStatus->dwBytesCopied = clamp32(t.copied);
    lpStatus->dwBytesPerSecond = clamp32(t.bytes_per_second);
    lpStatus->dwTimeElapsed = seconds_of(t.elapsed);
    lpStatus->dwTimeEstimated = seconds_of(t.estimated);
    return TRUE;
}

BOOL CSmtpClient::GetSecurityInformation(SECURITYINFOA* lpSecurityInfo) {
    Gate gate(*state_);
    return gate ? security_information(*state_, lpSecurityInfo) : FALSE;
}

BOOL CSmtpClient::GetSecurityInformation(SECURITYINFOW* lpSecurityInfo) {
    Gate gate(*state_);
    return gate ? security_information(*state_, lpSecurityInfo) : FALSE;
}

const SendResult& CSmtpClient::GetLastSendResult() const {
    return state_->last_send;
}

Client& CSmtpClient::GetClient() {
    return state_->client;
}

}  // namespace smtpkit::compat
