// The Mailer's error category. Its codes compare with smtpkit::condition
// (error.hpp) like the core's: queue_full and circuit_open are worth a retry
// later, mailer_closed is the caller's mistake.
#include "smtpkit/error.hpp"
#include "smtpkit/mailer.hpp"

namespace smtpkit {
namespace {

class MailerCategory final : public std::error_category {
  public:
    const char* name() const noexcept override { return "smtpkit.mailer"; }
    std::string message(int ev) const override {
        switch (static_cast<mailer_error>(ev)) {
            case mailer_error::queue_full:
                return "the mailer's queue is full: try again later (or let send() wait for room)";
            case mailer_error::mailer_closed:
                return "the mailer is closed or closing and takes no more messages";
            case mailer_error::circuit_open:
                return "the server failed every recent connection attempt: the mailer fails fast "
                       "until its cool-down ends (see the attempts for why)";
        }
        return "unknown smtpkit.mailer error";
    }
    bool equivalent(int code, const std::error_condition& cond) const noexcept override {
        const auto e = static_cast<mailer_error>(code);
        if (cond == condition::transient) {
            return e == mailer_error::queue_full || e == mailer_error::circuit_open;
        }
        if (cond == condition::misuse) {
            return e == mailer_error::mailer_closed;
        }
        return false;
    }
};

}  // namespace

const std::error_category& mailer_category() noexcept {
    static const MailerCategory category;
    return category;
}

std::error_code make_error_code(mailer_error e) noexcept {
    return {static_cast<int>(e), mailer_category()};
}

}  // namespace smtpkit
