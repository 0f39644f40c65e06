#include "compat/state.hpp"

#include "compat/error_codes.hpp"

namespace smtpkit::compat {
namespace {

// A refused foreign thread's error: its own, as the seed keeps errors per
// thread, so the owner's GetLastError() is never overwritten by it.
struct ForeignError {
    const CSmtpClient::State* state = nullptr;
    ErrorRecord error;
};
thread_local ForeignError foreign_error;

}  // namespace

CSmtpClient::State::State(CSmtpClient& self) : events(self) {
    client.set_event_handler([this](const Event& e) { events.on_smtpkit_event(e); });
}

CSmtpClient::State::~State() {
    client.cancel();
    join_worker();
    if (foreign_error.state == this) {
        foreign_error = {};
    }
}

std::thread::id CSmtpClient::State::owner() const {
    return connecting.load() ? connect_owner.load() : client.owner_thread();
}

bool CSmtpClient::State::caller_is_owner() const {
    return free_thread.load() || owner() == std::this_thread::get_id();
}

void CSmtpClient::State::join_worker() {
    if (worker.joinable() && worker.get_id() != std::this_thread::get_id()) {
        worker.join();
    }
}

void CSmtpClient::State::record(ErrorRecord error) {
    if (!caller_is_owner()) {
        foreign_error = {this, std::move(error)};
        return;
    }
    record_for_owner(std::move(error));
}

void CSmtpClient::State::record_for_owner(ErrorRecord error) {
    std::lock_guard lock(error_mutex_);
    owner_error_ = std::move(error);
}

BOOL CSmtpClient::State::fail(DWORD code, std::error_code ec, std::string detail) {
    record({code, ec, std::move(detail)});
    return FALSE;
}

BOOL CSmtpClient::State::fail(std::error_code ec) {
    return fail(st_error_for(ec), ec, client.last_error_detail());
}

ErrorRecord CSmtpClient::State::last_error() const {
    if (!caller_is_owner()) {
        return foreign_error.state == this ? foreign_error.error : ErrorRecord{};
    }
    std::lock_guard lock(error_mutex_);
    return owner_error_;
}

Gate::Gate(CSmtpClient::State& state) : state_(state) {
    if (!state.caller_is_owner()) {
        state.fail(ST_ERROR_NOT_HANDLE_OWNER, make_error_code(error::not_owner));
        return;
    }
    if (state.connecting.load()) {
        state.fail(ST_ERROR_OPERATION_WOULD_BLOCK);
        return;
    }
    admitted_ = true;
    state.busy.fetch_add(1);
}

Gate::~Gate() {
    if (admitted_) {
        state_.busy.fetch_sub(1);
    }
}

}  // namespace smtpkit::compat
