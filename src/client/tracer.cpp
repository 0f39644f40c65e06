#include "client/tracer.hpp"

namespace smtpkit::client {

void Tracer::on_event(const protocol::Event& event) {
    if (!handler_) {
        return;
    }
    if (const auto* sent = std::get_if<protocol::CommandSent>(&event)) {
        handler_(TraceDirection::client, sent->line);
        return;
    }
    if (const auto* got = std::get_if<protocol::ReplyReceived>(&event)) {
        const Reply& reply = got->reply;
        const std::string code = std::to_string(reply.code);
        for (std::size_t i = 0; i < reply.lines.size(); ++i) {
            const char sep = i + 1 < reply.lines.size() ? '-' : ' ';
            handler_(TraceDirection::server, code + sep + reply.lines[i]);
        }
    }
}

void Tracer::info(const std::string& line) {
    if (handler_) {
        handler_(TraceDirection::info, line);
    }
}

}  // namespace smtpkit::client
