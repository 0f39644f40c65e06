#include "cli/send_batch.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "cli/exit_codes.hpp"
#include "cli/json_output.hpp"

namespace smtpkit::cli {

std::optional<std::string> read_all(const MessageSource& source, std::error_code& ec) {
    constexpr std::size_t block = 64 * 1024;
    MessageSource::Reader reader = source.open(ec);
    if (ec) {
        return std::nullopt;
    }
    std::string out;
    std::string buf(block, '\0');
    while (true) {
        const std::size_t got = reader(buf.data(), buf.size(), ec);
        if (ec) {
            ec = make_error_code(error::source_read_failed);
            return std::nullopt;
        }
        if (got == 0) {
            return out;
        }
        out.append(buf.data(), got);
    }
}

namespace {

// Every copy of a restartable source reads the message from its start. A
// one-shot one (stdin: there is at most one) is read into memory, and its
// copies share that.
bool make_restartable(std::vector<OutgoingMessage>& messages, std::error_code& ec) {
    std::optional<MessageSource> copy;
    for (OutgoingMessage& m : messages) {
        if (m.message.restartable()) {
            continue;
        }
        if (!copy) {
            std::optional<std::string> text = read_all(m.message, ec);
            if (!text) {
                return false;
            }
            copy = MessageSource::from_string(std::move(*text));
        }
        m.message = *copy;
    }
    return true;
}

}  // namespace

void send_batch(Client& client, std::vector<OutgoingMessage> messages, SendOutcome& out) {
    if (!make_restartable(messages, out.ec)) {
        return;
    }
    const auto start = std::chrono::steady_clock::now();
    out.batch = client.send_many(std::move(messages), out.ec);
    out.batch_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (out.batch.empty()) {
        return;
    }
    // The first message that did not fully succeed speaks for the run.
    const auto worst = std::find_if(out.batch.begin(), out.batch.end(), [](const SendResult& r) {
        return r.error || exit_code_for_result(r) != 0;
    });
    out.result = worst != out.batch.end() ? *worst : out.batch.back();
    if (out.ec) {
        out.reply = client.last_reply();
        return;
    }
    // As send() would have said for that message alone.
    out.ec = out.result.error;
    for (const Reply* reply :
         {&out.result.mail_reply, &out.result.data_reply, &out.result.final_reply}) {
        if (!reply->empty() && !reply->positive()) {
            out.reply = *reply;
            break;
        }
    }
}

Json batch_json(const SendOutcome& o) {
    if (o.batch.empty()) {
        return nullptr;
    }
    Json messages = Json::array();
    std::size_t delivered = 0;
    std::size_t round_trips = 0;
    for (const SendResult& r : o.batch) {
        messages.push_back(transaction_json(r));
        delivered += r.delivered() ? 1 : 0;
        round_trips += r.round_trips;
    }
    const double rate =
        o.batch_seconds > 0 ? static_cast<double>(o.batch.size()) / o.batch_seconds : 0.0;
    return {{"count", o.batch.size()},     {"delivered", delivered},
            {"round_trips", round_trips},  {"seconds", o.batch_seconds},
            {"messages_per_second", rate}, {"messages", std::move(messages)}};
}

std::vector<std::string> batch_summary_lines(const SendOutcome& o) {
    if (o.batch.empty()) {
        return {};
    }
    std::size_t delivered = 0;
    std::size_t round_trips = 0;
    for (const SendResult& r : o.batch) {
        delivered += r.delivered() ? 1 : 0;
        round_trips += r.round_trips;
    }
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%.3f", o.batch_seconds);
    return {"messages  " + std::to_string(delivered) + " of " + std::to_string(o.batch.size()) +
            " delivered in " + seconds + " s (" + std::to_string(round_trips) + " round trips)"};
}

}  // namespace smtpkit::cli
