#include "compat/thread_numbers.hpp"

#include <map>
#include <mutex>

#include "smtpkit/compat/csmtpclient_class.hpp"

namespace smtpkit::compat {
namespace {

struct Registry {
    std::mutex mutex;
    std::map<std::thread::id, DWORD> numbers;
    std::map<DWORD, std::thread::id> threads;
};

Registry& registry() {
    static Registry r;
    return r;
}

}  // namespace

DWORD number_of(std::thread::id thread) {
    if (thread == std::thread::id{}) {
        return 0;
    }
    Registry& r = registry();
    std::lock_guard lock(r.mutex);
    const auto [at, added] =
        r.numbers.try_emplace(thread, static_cast<DWORD>(r.numbers.size() + 1));
    if (added) {
        r.threads.emplace(at->second, thread);
    }
    return at->second;
}

std::thread::id thread_numbered(DWORD number) {
    Registry& r = registry();
    std::lock_guard lock(r.mutex);
    const auto at = r.threads.find(number);
    return at == r.threads.end() ? std::thread::id{} : at->second;
}

DWORD GetCurrentThreadId() {
    return number_of(std::this_thread::get_id());
}

}  // namespace smtpkit::compat
