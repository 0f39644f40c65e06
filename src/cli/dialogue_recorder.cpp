#include "cli/dialogue_recorder.hpp"

#include <algorithm>
#include <cctype>

namespace smtpkit::cli {
namespace {

std::string verb_of(std::string_view line) {
    std::string verb(line.substr(0, line.find(' ')));
    std::transform(verb.begin(), verb.end(), verb.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return verb;
}

}  // namespace

void DialogueRecorder::operator()(TraceDirection direction, std::string_view line) {
    switch (direction) {
        case TraceDirection::client:
            on_command(line);
            return;
        case TraceDirection::server:
            break;
        case TraceDirection::info:
            return;
    }
    std::error_code ec;
    const std::string wire = std::string(line) + "\r\n";
    parser_.feed(wire, ec);
    if (ec) {
        // The client failed the session on this reply too; nothing to record.
        parser_.reset();
        return;
    }
    if (parser_.has_reply()) {
        on_reply(parser_.take());
    }
}

void DialogueRecorder::on_command(std::string_view line) {
    awaiting_.push_back(verb_of(line));
}

void DialogueRecorder::on_reply(Reply reply) {
    if (!greeted_) {
        greeted_ = true;
        greeting_ = std::move(reply);
        return;
    }
    if (awaiting_.empty()) {
        return;  // unsolicited (a 421 before closing): not part of the report
    }
    const std::string verb = std::move(awaiting_.front());
    awaiting_.pop_front();
    if (verb == "EHLO" || verb == "HELO") {
        // A refused EHLO followed by HELO: the later one is what counted.
        (tls_ ? after_tls_ : before_tls_) = HelloRecord{verb, std::move(reply)};
    } else if (verb == "STARTTLS") {
        tls_ = reply.code == 220;  // what follows is over TLS (or nothing at all)
        starttls_reply_ = std::move(reply);
    }
}

}  // namespace smtpkit::cli
