// CSmtpClient: VRFY, EXPN, any command, RSET, the offered extensions and the
// session's DSN defaults.
#include "compat/extended_options.hpp"
#include "compat/state.hpp"
#include "compat/wide_string.hpp"

namespace smtpkit::compat {
namespace {

// The reply's lines as mailboxes ("Name <a@b>" or "<a@b>" each, RFC 5321
// 3.5.2); a line that is no mailbox is left out.
std::vector<Mailbox> mailboxes_in(const Reply& reply) {
    std::vector<Mailbox> out;
    const std::string text = reply.text();
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t end = std::min(text.find('\n', start), text.size());
        std::error_code ec;
        Mailbox m = parse_mailbox(std::string_view(text).substr(start, end - start), ec);
        if (!ec) {
            out.push_back(std::move(m));
        }
        start = end + 1;
    }
    return out;
}

std::string address_list(const std::vector<Mailbox>& mailboxes) {
    std::string list;
    for (const Mailbox& m : mailboxes) {
        list += (list.empty() ? "" : ", ") + m.address;
    }
    return list;
}

// A refusal to a simple command is an answer: the call fails with
// ST_ERROR_COMMAND_REFUSED, GetResultCode() has the code.
bool answered(CSmtpClient::State& s, const Reply& reply, std::error_code ec) {
    if (ec) {
        s.fail(ec);
        return false;
    }
    if (!reply.positive()) {
        s.fail(ST_ERROR_COMMAND_REFUSED, s.client.last_error());
        return false;
    }
    s.succeed();
    return true;
}

}  // namespace

BOOL CSmtpClient::VerifyAddress(LPCSTR lpszAddress) {
    Gate gate(*state_);
    if (!gate) {
        return FALSE;
    }
    if (lpszAddress == nullptr) {
        return state_->fail(ST_ERROR_INVALID_PARAMETER);
    }
    std::error_code ec;
    const Reply reply = state_->client.verify(lpszAddress, ec);
    return answered(*state_, reply, ec) ? TRUE : FALSE;
}

std::vector<Mailbox> CSmtpClient::ExpandAddress(LPCSTR lpszAddress) {
    Gate gate(*state_);
    if (!gate) {
        return {};
    }
    if (lpszAddress == nullptr) {
        state_->fail(ST_ERROR_INVALID_PARAMETER);
        return {};
    }
    std::error_code ec;
    const Reply reply = state_->client.expand(lpszAddress, ec);
    return answered(*state_, reply, ec) ? mailboxes_in(reply) : std::vector<Mailbox>{};
}

namespace {

// EXPN into the caller's buffer: the addresses found, separated by commas.
template <class C>
INT expand_into(CSmtpClient& self, CSmtpClient::State& s, const std::vector<Mailbox>& found,
                C* buffer, INT max_length) {
    if (self.GetLastError() != 0) {
        return SMTP_ERROR;
    }
    const std::string list = address_list(found);
    if (!fits(list, buffer, max_length)) {
        return s.fail_int(ST_ERROR_BUFFER_TOO_SMALL);
    }
    copy_out(list, buffer, max_length);
    return static_cast<INT>(found.size());
}

template <class C>
BOOL envelope_id_into(CSmtpClient::State& s, C* buffer, INT max_length) {
    if (!fits(s.delivery.envelope_id, buffer, max_length)) {
        return s.fail(ST_ERROR_BUFFER_TOO_SMALL);
    }
    copy_out(s.delivery.envelope_id, buffer, max_length);
    return TRUE;
}

}  // namespace

INT CSmtpClient::ExpandAddress(LPCSTR lpszAddress, LPSTR lpszBuffer, INT nMaxLength) {
    return expand_into(*this, *state_, ExpandAddress(lpszAddress), lpszBuffer, nMaxLength);
}

INT CSmtpClient::ExpandAddress(LPCWSTR lpszAddress, LPWSTR lpszBuffer, INT nMaxLength) {
    const std::string address = to_utf8(lpszAddress);
    const std::vector<Mailbox> found =
        ExpandAddress(lpszAddress == nullptr ? nullptr : address.c_str());
    return expand_into(*this, *state_, found, lpszBuffer, nMaxLength);
}

INT CSmtpClient::Command(LPCSTR lpszCommand, LPCSTR lpszParameter) {
    Gate gate(*state_);
    if (!gate) {
        return SMTP_ERROR;
    }
    if (lpszCommand == nullptr) {
        return state_->fail_int(ST_ERROR_INVALID_PARAMETER);
    }
    std::string line = lpszCommand;
    if (lpszParameter != nullptr && *lpszParameter != '\0') {
        line += std::string(" ") + lpszParameter;
    }
    std::error_code ec;
    const Reply reply = state_->client.command(line, ec);
    if (ec) {
        return state_->fail_int(ec);
    }
    answered(*state_, reply, ec);  // a refusal is still the command's reply
    return reply.code;
}

BOOL CSmtpClient::Reset() {
    Gate gate(*state_);
    if (!gate) {
        return FALSE;
    }
    State& s = *state_;
    std::error_code ec;
    if (s.message_open) {
        s.message_open = false;
        s.client.abort_message(ec);  // RSET, or a close in the middle of DATA
        if (ec) {
            return s.fail(ec);
        }
        s.succeed();
        return TRUE;
    }
    const Reply reply = s.client.reset(ec);
    return answered(s, reply, ec) ? TRUE : FALSE;
}

BOOL CSmtpClient::GetExtendedOptions(LPDWORD lpdwOptions) {
    Gate gate(*state_);
    if (!gate) {
        return FALSE;
    }
    if (lpdwOptions == nullptr) {
        return state_->fail(ST_ERROR_INVALID_PARAMETER);
    }
    if (!state_->client.connected()) {
        return state_->fail(ST_ERROR_NOT_CONNECTED);
    }
    *lpdwOptions = extended_options_of(state_->client.extended_options());
    state_->succeed();
    return TRUE;
}

BOOL CSmtpClient::SetDeliveryOptions(DWORD dwOptions, LPCSTR lpszEnvelopeId) {
    Gate gate(*state_);
    if (!gate) {
        return FALSE;
    }
    if (!DeliveryDefaults::valid(dwOptions)) {
        return state_->fail(ST_ERROR_INVALID_OPTION);
    }
    state_->delivery = {dwOptions, lpszEnvelopeId == nullptr ? "" : lpszEnvelopeId};
    state_->succeed();
    return TRUE;
}

BOOL CSmtpClient::GetDeliveryOptions(LPDWORD lpdwOptions) {
    Gate gate(*state_);
    if (!gate) {
        return FALSE;
    }
    if (lpdwOptions == nullptr) {
        return state_->fail(ST_ERROR_INVALID_PARAMETER);
    }
    *lpdwOptions = state_->delivery.flags;
    state_->succeed();
    return TRUE;
}

BOOL CSmtpClient::GetDeliveryOptions(LPDWORD lpdwOptions, LPSTR lpszEnvelopeId, INT nMaxLength) {
    return GetDeliveryOptions(lpdwOptions) ? envelope_id_into(*state_, lpszEnvelopeId, nMaxLength)
                                           : FALSE;
}

BOOL CSmtpClient::GetDeliveryOptions(LPDWORD lpdwOptions, LPWSTR lpszEnvelopeId, INT nMaxLength) {
    return GetDeliveryOptions(lpdwOptions) ? envelope_id_into(*state_, lpszEnvelopeId, nMaxLength)
                                           : FALSE;
}

}  // namespace smtpkit::compat
