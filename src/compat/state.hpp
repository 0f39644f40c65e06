// What a CSmtpClient holds: the smtpkit::Client it drives, the settings the
// seed passes outside Connect, the event bridge, the trace file, the last
// error, and the worker of an asynchronous Connect. Every member of the
// facade begins with a Gate: the seed's thread rules at the door.
#pragma once

#include <atomic>
#include <mutex>
#include <string>
#include <system_error>
#include <thread>

#include "compat/connect_plan.hpp"
#include "compat/delivery_options.hpp"
#include "compat/error_record.hpp"
#include "compat/event_bridge.hpp"
#include "compat/trace_file.hpp"
#include "smtpkit/client.hpp"
#include "smtpkit/compat/csmtpclient_class.hpp"

namespace smtpkit::compat {

struct CSmtpClient::State {
    explicit State(CSmtpClient& self);
    ~State();

    Client client;
    EventBridge events;
    FacadeSettings settings;
    DeliveryDefaults delivery;
    TraceFile trace;
    UINT timeout_seconds = default_timeout_seconds;
    bool message_open = false;  // CreateMessage began a transaction that is not over
    SendResult last_send;
    std::atomic<bool> free_thread{false};  // the connection was made with FREETHREAD

    // An asynchronous Connect runs on `worker`; the thread that called it
    // owns the instance again once it is done.
    std::thread worker;
    std::atomic<bool> connecting{false};
    std::atomic<std::thread::id> connect_owner{};
    std::atomic<int> busy{0};  // calls in progress (IsBlocking, GetStatus)

    // The thread that owns the instance as the seed sees it.
    std::thread::id owner() const;
    bool caller_is_owner() const;
    void join_worker();

    // Failure and success of the caller's call: FALSE (and SMTP_ERROR
    // through fail_int) with the error recorded for GetLastError().
    BOOL fail(DWORD code, std::error_code ec = {}, std::string detail = {});
    BOOL fail(std::error_code ec);  // mapped, with the client's detail
    INT fail_int(DWORD code) { return fail(code) ? 0 : SMTP_ERROR; }
    INT fail_int(std::error_code ec) { return fail(ec) ? 0 : SMTP_ERROR; }
    void succeed() { record({}); }
    // A finished send's outcome (SendMessage, SubmitMessage, CloseMessage):
    // 0 when delivered; a reply lost after the end of data is
    // ST_ERROR_DELIVERY_STATUS_UNKNOWN, never a plain failure.
    INT settle_send(SendResult result, std::error_code ec);
    void record(ErrorRecord error);
    void record_for_owner(ErrorRecord error);  // from the worker of an asynchronous Connect
    ErrorRecord last_error() const;  // the caller's: the owner's, or a foreign thread's own

  private:
    mutable std::mutex error_mutex_;
    ErrorRecord owner_error_;
};

// Admits a call: a thread that does not own the instance is refused with
// ST_ERROR_NOT_HANDLE_OWNER (recorded for that thread only, the owner's
// state untouched), and any call while an asynchronous Connect runs with
// ST_ERROR_OPERATION_WOULD_BLOCK. Counts the call in progress.
class Gate {
  public:
    explicit Gate(CSmtpClient::State& state);
    ~Gate();
    Gate(const Gate&) = delete;
    Gate& operator=(const Gate&) = delete;
    explicit operator bool() const noexcept { return admitted_; }

  private:
    CSmtpClient::State& state_;
    bool admitted_ = false;
};

}  // namespace smtpkit::compat
