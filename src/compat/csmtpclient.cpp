// CSmtpClient: the session members (Connect, Disconnect, Authenticate), its
// state, threads and time. Each maps onto smtpkit::Client; the seed's rules
// that differ from smtpkit's own defaults are in connect_plan.cpp.
#include <chrono>

#include "compat/error_codes.hpp"
#include "compat/state.hpp"
#include "compat/thread_numbers.hpp"

namespace smtpkit::compat {
namespace {

std::optional<AuthMechanism> mechanism_for(UINT type) {
    switch (type) {
        case SMTP_AUTH_LOGIN:
            return AuthMechanism::login;
        case SMTP_AUTH_PLAIN:
            return AuthMechanism::plain;
        case SMTP_AUTH_XOAUTH2:
            return AuthMechanism::xoauth2;
        case SMTP_AUTH_BEARER:
            return AuthMechanism::oauthbearer;
        case SMTP_AUTH_CRAM_MD5:
            return AuthMechanism::cram_md5;
        case SMTP_AUTH_SCRAM_SHA1:
            return AuthMechanism::scram_sha_1;
        case SMTP_AUTH_SCRAM_SHA256:
            return AuthMechanism::scram_sha_256;
        case SMTP_AUTH_EXTERNAL:
            return AuthMechanism::external;
        case SMTP_AUTH_AUTOMATIC:
            return AuthMechanism::automatic;
        case SMTP_AUTH_AUTOMATIC_TOKEN:
            return AuthMechanism::automatic_token;
        default:
            return std::nullopt;
    }
}

}  // namespace

CSmtpClient::CSmtpClient() : state_(std::make_unique<State>(*this)) {}

CSmtpClient::~CSmtpClient() = default;

// --- Connect --------------------------------------------------------------------

namespace {

// The blocking Connect: the session is ready (or has failed) on return.
BOOL connect_now(CSmtpClient::State& s, const std::string& host, const ConnectRequest& request) {
    std::error_code ec;
    s.client.connect(host, request.port, request.options, ec);
    s.events.raise(SMTP_EVENT_CONNECT, st_error_for(ec));
    if (ec) {
        return s.fail(ec);
    }
    s.succeed();
    return TRUE;
}

// The asynchronous Connect: a worker takes the instance, connects, gives it
// back and reports SMTP_EVENT_CONNECT. Until then every call of the owner
// fails with ST_ERROR_OPERATION_WOULD_BLOCK; Cancel() ends it.
BOOL connect_in_background(CSmtpClient::State& s, std::string host, ConnectRequest request) {
    const std::thread::id owner = std::this_thread::get_id();
    s.connect_owner.store(owner);
    s.connecting.store(true);
    s.succeed();
    s.worker = std::thread([&s, host = std::move(host), request = std::move(request), owner] {
        s.client.attach_thread();
        std::error_code ec;
        s.client.connect(host, request.port, request.options, ec);
        s.client.attach_thread(owner);
        const DWORD code = st_error_for(ec);
        s.record_for_owner({code, ec, s.client.last_error_detail()});
        s.connecting.store(false);
        s.events.raise(SMTP_EVENT_CONNECT, code);
    });
    return TRUE;
}

}  // namespace

BOOL CSmtpClient::Connect(LPCSTR lpszRemoteHost, UINT nRemotePort, UINT nTimeout, DWORD dwOptions,
                          SmtpEventTarget eventTarget, UINT uEventMsg) {
    Gate gate(*state_);
    if (!gate) {
        return FALSE;
    }
    State& s = *state_;
    s.join_worker();  // an earlier asynchronous Connect, finished
    if (lpszRemoteHost == nullptr || *lpszRemoteHost == '\0') {
        return s.fail(ST_ERROR_INVALID_PARAMETER);
    }
    if (s.client.connected()) {
        return s.fail(ST_ERROR_ALREADY_CONNECTED, make_error_code(error::already_connected));
    }
    DWORD refused = 0;
    auto request = plan_seed_connect(nRemotePort, nTimeout, dwOptions, s.settings, refused);
    if (!request) {
        return s.fail(refused);
    }
    // The seed: an event window makes the session asynchronous, NULL blocking.
    s.events.set_target(std::move(eventTarget), uEventMsg);
    s.free_thread.store((dwOptions & SMTP_OPTION_FREETHREAD) != 0);
    s.timeout_seconds = static_cast<UINT>(request->options.timeout.count());
    s.message_open = false;
    if (s.events.asynchronous()) {
        return connect_in_background(s, lpszRemoteHost, std::move(*request));
    }
    return connect_now(s, lpszRemoteHost, *request);
}

BOOL CSmtpClient::Disconnect() {
    State& s = *state_;
    if (s.caller_is_owner() && s.connecting.load()) {
        s.client.cancel();  // an asynchronous Connect still running
        s.join_worker();
    }
    Gate gate(s);
    if (!gate) {
        return FALSE;
    }
    s.events.set_local_close(true);
    std::error_code ec;
    if (s.message_open) {
        s.client.abort_message(ec);  // RSET, or a close in the middle of DATA
    }
    s.client.quit(ec);  // QUIT, then close whatever QUIT got
    s.events.set_local_close(false);
    s.message_open = false;
    s.succeed();
    return TRUE;
}

INT CSmtpClient::Authenticate(LPCSTR lpszUserName, LPCSTR lpszPassword, UINT nAuthType) {
    Gate gate(*state_);
    if (!gate) {
        return SMTP_ERROR;
    }
    State& s = *state_;
    const auto mechanism = mechanism_for(nAuthType);
    if (!mechanism || lpszUserName == nullptr) {
        return s.fail_int(ST_ERROR_INVALID_PARAMETER);
    }
    std::error_code ec;
    s.client.authenticate(lpszUserName, lpszPassword == nullptr ? "" : lpszPassword, *mechanism,
                          ec);
    if (ec) {
        return s.fail_int(ec);
    }
    s.succeed();
    return 0;
}

// --- state -------------------------------------------------------------------------

BOOL CSmtpClient::IsConnected() {
    Gate gate(*state_);
    return gate && state_->client.connected() ? TRUE : FALSE;
}

BOOL CSmtpClient::IsBlocking() {
    return state_->busy.load() > 0 ? TRUE : FALSE;
}

BOOL CSmtpClient::IsReadable(INT nTimeout, LPDWORD lpdwAvail) {
    Gate gate(*state_);
    if (lpdwAvail != nullptr) {
        *lpdwAvail = 0;
    }
    if (!gate) {
        return FALSE;
    }
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(nTimeout);
    for (;;) {
        if (state_->client.input_pending()) {
            if (lpdwAvail != nullptr) {
                *lpdwAvail = 1;
            }
            return TRUE;
        }
        if (!state_->client.connected() || std::chrono::steady_clock::now() >= until) {
            return FALSE;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
}

BOOL CSmtpClient::IsWritable(INT /*nTimeout*/) {
    Gate gate(*state_);
    // Only this call runs (the gate counts itself): the connection is free.
    return gate && state_->busy.load() == 1 && state_->client.connected() ? TRUE : FALSE;
}

INT CSmtpClient::GetStatus() {
    const State& s = *state_;
    if (s.connecting.load()) {
        return SMTP_STATUS_CONNECT;
    }
    if (s.busy.load() > 0) {
        return s.client.transfer_status().active ? SMTP_STATUS_WRITE : SMTP_STATUS_READ;
    }
    // The session itself is the owner's to look at; from elsewhere, only
    // whether a call is running can be told.
    if (!s.caller_is_owner()) {
        return SMTP_STATUS_IDLE;
    }
    return s.client.connected() ? SMTP_STATUS_IDLE : SMTP_STATUS_UNUSED;
}

UINT CSmtpClient::GetTimeout() {
    Gate gate(*state_);
    return gate ? state_->timeout_seconds : 0;
}

BOOL CSmtpClient::SetTimeout(UINT nTimeout) {
    Gate gate(*state_);
    if (!gate) {
        return FALSE;
    }
    if (nTimeout == 0) {
        return state_->fail(ST_ERROR_INVALID_PARAMETER);
    }
    state_->timeout_seconds = nTimeout;
    state_->client.set_timeout(std::chrono::seconds(nTimeout));
    state_->succeed();
    return TRUE;
}

BOOL CSmtpClient::Cancel() {
    state_->client.cancel();  // any thread: posted to the call in progress
    return TRUE;
}

DWORD CSmtpClient::AttachThread(DWORD dwThreadId) {
    const std::thread::id thread =
        dwThreadId == 0 ? std::this_thread::get_id() : thread_numbered(dwThreadId);
    if (thread == std::thread::id{}) {
        state_->fail(ST_ERROR_INVALID_PARAMETER);
        return 0;
    }
    return number_of(AttachThread(thread));
}

std::thread::id CSmtpClient::AttachThread(std::thread::id thread) {
    State& s = *state_;
    if (s.connecting.load()) {
        s.fail(ST_ERROR_OPERATION_WOULD_BLOCK);  // the worker holds it until Connect is done
        return {};
    }
    return s.client.attach_thread(thread);
}

}  // namespace smtpkit::compat
