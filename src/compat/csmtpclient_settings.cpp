// CSmtpClient: events, the trace, and the settings SocketTools takes outside
// Connect (proxy, local name, TLS credentials, insecure AUTH).
#include "compat/state.hpp"

namespace smtpkit::compat {

BOOL CSmtpClient::EnableEvents() {
    Gate gate(*state_);
    if (!gate) {
        return FALSE;
    }
    state_->events.enable(true);
    state_->succeed();
    return TRUE;
}

BOOL CSmtpClient::EnableEvents(SmtpEventTarget eventTarget, UINT uEventMsg) {
    Gate gate(*state_);
    if (!gate) {
        return FALSE;
    }
    state_->events.set_target(std::move(eventTarget), uEventMsg);
    state_->events.enable(true);
    state_->succeed();
    return TRUE;
}

BOOL CSmtpClient::DisableEvents() {
    Gate gate(*state_);
    if (!gate) {
        return FALSE;
    }
    state_->events.enable(false);
    state_->succeed();
    return TRUE;
}

BOOL CSmtpClient::FreezeEvents(BOOL bFreeze) {
    Gate gate(*state_);
    if (!gate) {
        return FALSE;
    }
    state_->events.freeze(bFreeze != FALSE);
    state_->succeed();
    return TRUE;
}

BOOL CSmtpClient::RegisterEvent(UINT nEventId, SMTPEVENTPROC lpEventProc, DWORD_PTR dwParam) {
    Gate gate(*state_);
    if (!gate) {
        return FALSE;
    }
    if (!state_->events.register_callback(nEventId, lpEventProc, dwParam)) {
        return state_->fail(ST_ERROR_INVALID_PARAMETER);
    }
    state_->succeed();
    return TRUE;
}

// --- trace ------------------------------------------------------------------------

BOOL CSmtpClient::EnableTrace() {
    return EnableTrace(static_cast<LPCSTR>(nullptr));
}

// The flags are accepted as the seed's; smtpkit's trace is always the
// dialogue, with credentials redacted and without message content.
BOOL CSmtpClient::EnableTrace(LPCSTR lpszTraceFile, DWORD /*dwTraceFlags*/) {
    Gate gate(*state_);
    if (!gate) {
        return FALSE;
    }
    State& s = *state_;
    const std::string path = lpszTraceFile == nullptr || *lpszTraceFile == '\0'
                                 ? TraceFile::default_path()
                                 : std::string(lpszTraceFile);
    s.trace.close();
    if (!s.trace.open(path)) {
        s.client.set_trace(nullptr);
        return s.fail(ST_ERROR_FILE_READ_FAILED, std::make_error_code(std::errc::permission_denied),
                      "cannot open the trace file " + path);
    }
    s.client.set_trace(s.trace.handler());
    s.succeed();
    return TRUE;
}

BOOL CSmtpClient::DisableTrace() {
    Gate gate(*state_);
    if (!gate) {
        return FALSE;
    }
    state_->client.set_trace(nullptr);
    state_->trace.close();
    state_->succeed();
    return TRUE;
}

// --- settings --------------------------------------------------------------------

BOOL CSmtpClient::SetProxy(UINT nProxyType, LPCSTR lpszHost, UINT nPort, LPCSTR lpszUserName,
                           LPCSTR lpszPassword) {
    Gate gate(*state_);
    if (!gate) {
        return FALSE;
    }
    static constexpr ProxyKind kinds[] = {ProxyKind::none, ProxyKind::socks5,
                                          ProxyKind::http_connect, ProxyKind::port_forward};
    const bool none = nProxyType == SMTP_PROXY_NONE;
    if (nProxyType > SMTP_PROXY_FORWARD || nPort > 65535 ||
        (!none && (lpszHost == nullptr || *lpszHost == '\0' || nPort == 0))) {
        return state_->fail(ST_ERROR_INVALID_PARAMETER);
    }
    ProxyOptions proxy;
    if (!none) {
        proxy = {kinds[nProxyType], lpszHost, static_cast<std::uint16_t>(nPort),
                 lpszUserName == nullptr ? "" : lpszUserName,
                 lpszPassword == nullptr ? "" : lpszPassword};
    }
    state_->settings.proxy = std::move(proxy);
    state_->succeed();
    return TRUE;
}

BOOL CSmtpClient::SetLocalName(LPCSTR lpszLocalName) {
    Gate gate(*state_);
    if (!gate) {
        return FALSE;
    }
    state_->settings.local_name = lpszLocalName == nullptr ? "" : lpszLocalName;
    state_->succeed();
    return TRUE;
}

BOOL CSmtpClient::SetSecurityCredentials(LPCSTR lpszCaFile, LPCSTR lpszCertFile, LPCSTR lpszKeyFile,
                                         LPCSTR lpszKeyPassword) {
    Gate gate(*state_);
    if (!gate) {
        return FALSE;
    }
    const auto text = [](LPCSTR s) { return s == nullptr ? std::string() : std::string(s); };
    TlsOptions& tls = state_->settings.tls;
    tls.ca_file = text(lpszCaFile);
    tls.cert_file = text(lpszCertFile);
    tls.key_file = text(lpszKeyFile);
    tls.key_password = text(lpszKeyPassword);
    state_->succeed();
    return TRUE;
}

BOOL CSmtpClient::AllowInsecureAuthentication(BOOL bAllow) {
    Gate gate(*state_);
    if (!gate) {
        return FALSE;
    }
    state_->settings.allow_insecure_auth = bAllow != FALSE;
    state_->succeed();
    return TRUE;
}

}  // namespace smtpkit::compat
