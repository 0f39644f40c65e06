#include "smtpkit/envelope.hpp"

#include <algorithm>

namespace smtpkit {

bool DsnRequest::requested(const std::vector<Recipient>& to) const {
    if (ret != DsnReturn::unspecified || !envelope_id.empty()) {
        return true;
    }
    return std::any_of(to.begin(), to.end(), [](const Recipient& r) {
        return r.notify != DsnNotify::unspecified || !r.original_recipient.empty();
    });
}

std::size_t SendResult::accepted_count() const {
    return static_cast<std::size_t>(
        std::count_if(recipients.begin(), recipients.end(),
                      [](const RecipientResult& r) { return r.accepted(); }));
}

const char* to_string(Verdict v) noexcept {
    switch (v) {
        case Verdict::delivered:
            return "delivered";
        case Verdict::not_delivered:
            return "not_delivered";
        case Verdict::unknown:
            return "unknown";
    }
    return "unknown";
}

}  // namespace smtpkit
