#include "cli/send_report.hpp"

#include "cli/printable.hpp"
#include "cli/send_batch.hpp"
#include "cli/terminal.hpp"
#include "cli/transfer_report.hpp"
#include "smtpkit/error.hpp"

namespace smtpkit::cli {
namespace {

std::string reply_text(const Reply& reply) {
    return reply.empty() ? std::string() : printable(reply.summary());
}

std::string message_line(const SendResult& r) {
    switch (r.verdict) {
        case Verdict::delivered:
            return "message   delivered: " + reply_text(r.final_reply);
        case Verdict::unknown:
            return "message   unknown: the connection was lost before the server answered";
        case Verdict::not_delivered:
            break;
    }
    const Reply& refusal = !r.final_reply.empty() ? r.final_reply : r.data_reply;
    if (!refusal.empty() && !refusal.positive()) {
        return "message   not delivered: " + reply_text(refusal);
    }
    return "message   not delivered";
}

// The error in words; a few system messages are reworded for this context.
std::string describe(std::error_code ec) {
    if (ec == std::errc::illegal_byte_sequence) {
        return "not valid UTF-8";
    }
    return ec.message();
}

std::string join(std::initializer_list<std::string> parts) {
    std::string out = "smtpkit";
    for (const std::string& part : parts) {
        if (!part.empty()) {
            out += ": ";
            out += part;
        }
    }
    return out;
}

}  // namespace

std::vector<std::string> summary_lines(const SendOutcome& o) {
    if (!has_transaction(o)) {
        return {};
    }
    const SendResult& r = o.result;
    std::vector<std::string> lines;
    if (!r.mail_reply.positive()) {
        lines.push_back("sender    rejected: " + reply_text(r.mail_reply));
    }
    for (const RecipientResult& rcpt : r.recipients) {
        lines.push_back((rcpt.accepted() ? "accepted  " : "rejected  ") + printable(rcpt.address) +
                        ": " + reply_text(rcpt.reply));
    }
    if (r.mail_reply.positive() && r.accepted_count() > 0) {
        lines.push_back(message_line(r));
    }
    for (auto& more : {transfer_summary_lines(r), batch_summary_lines(o)}) {
        lines.insert(lines.end(), more.begin(), more.end());
    }
    return lines;
}

std::vector<std::string> error_lines(const SendOutcome& o) {
    std::vector<std::string> lines;
    for (const RecipientResult& rcpt : o.result.recipients) {
        if (!rcpt.accepted()) {
            lines.push_back(
                join({"recipient rejected", printable(rcpt.address), reply_text(rcpt.reply)}));
        }
    }
    if (!o.ec) {
        if (o.result.delivered() || o.result.recipients.empty()) {
            return lines;
        }
        // Not delivered without an error: say so rather than exit silently.
        lines.push_back(join({"the message was not delivered", reply_text(o.result.final_reply)}));
        return lines;
    }
    if (o.result.verdict == Verdict::unknown) {
        lines.push_back(
            join({"the connection failed after the message was sent; it may have "
                  "been delivered",
                  describe(o.ec)}));
        return lines;
    }
    // The server's refusal says why; the recipients' ones are listed above.
    const bool show_reply =
        !o.reply.empty() && !o.reply.positive() && o.ec != error::no_valid_recipients;
    if (!o.fix.empty()) {
        // The subject names the cause in the user's terms; then what to do.
        lines.push_back(join({printable(o.subject), o.fix}));
        return lines;
    }
    lines.push_back(join({printable(o.subject), describe(o.ec), printable(o.detail),
                          show_reply ? reply_text(o.reply) : std::string()}));
    return lines;
}

std::string paint_summary_line(const std::string& line, bool colour) {
    for (const auto& [word, c] :
         {std::pair{"accepted", Colour::green}, std::pair{"rejected", Colour::red}}) {
        if (colour && line.starts_with(word)) {
            return paint(word, c, true) + line.substr(std::string_view(word).size());
        }
    }
    return line;
}

}  // namespace smtpkit::cli
