#include "cli/send_plan.hpp"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>

#include "cli/address_input.hpp"
#include "cli/compose_flags.hpp"
#include "cli/message_input.hpp"
#include "cli/send_command.hpp"
#include "smtpkit/header_reader.hpp"

namespace smtpkit::cli {
namespace {

// What the flags say about every file's envelope: nullopt when the file's
// header must tell.
struct FlagEnvelope {
    std::optional<std::string> from;
    std::vector<std::string> to;
};

bool bad_input(SendOutcome& out, std::error_code ec, std::string subject, std::string detail = {}) {
    out.stage = Stage::check_input;
    out.ec = ec;
    out.subject = std::move(subject);
    out.detail = std::move(detail);
    return false;
}

bool flag_envelope(const SendOptions& o, FlagEnvelope& e, SendOutcome& out) {
    std::error_code ec;
    for (const std::string& list : o.to) {
        for (std::string& address : list_addresses(list, ec)) {
            e.to.push_back(std::move(address));
        }
        if (ec) {
            return bad_input(out, ec, "bad recipient address \"" + list + "\"");
        }
    }
    if (!o.from.empty()) {
        // A ready message may go with a null sender (a bounce): --from '<>'.
        e.from = mailbox_address(o.from, true, ec);
        if (ec) {
            return bad_input(out, ec, "bad sender address \"" + o.from + "\"");
        }
    }
    return true;
}

// A file sent exactly as it is: --to and the sender given. Stdin is kept in
// memory when the message is signed (`twice`: DKIM reads it before sending).
bool plan_file_as_is(const std::string& spec, bool twice, PlannedMessage& p, SendOutcome& out) {
    if (spec == "-") {
        p.source = twice ? MessageSource::from_string(
                               std::string(std::istreambuf_iterator<char>(std::cin), {}))
                         : MessageSource::from_stream(std::cin);
        return true;
    }
    const std::filesystem::path path(spec);
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
        out.ec = std::make_error_code(std::errc::is_a_directory);
    } else if (std::ifstream probe(path, std::ios::binary); !probe.is_open()) {
        out.ec = std::error_code(errno != 0 ? errno : ENOENT, std::generic_category());
    } else {
        p.source = MessageSource::from_file(path);
        return true;
    }
    out.stage = Stage::read_message;
    out.subject = "cannot read message file \"" + spec + "\"";
    return false;
}

// A file whose header gives the recipients, the sender or both.
bool plan_file_from_header(const std::string& spec, const FlagEnvelope& flags, bool twice,
                           PlannedMessage& p, SendOutcome& out) {
    MessageInput input;
    InputProblem problem;
    if (!read_message_input(spec, std::cin, false, input, problem)) {
        out.stage =
            problem.ec == error::malformed_message ? Stage::check_input : Stage::read_message;
        out.ec = problem.ec;
        out.subject = problem.about;
        out.detail = problem.detail;
        return false;
    }
    std::error_code ec;
    ParseError where;
    const HeaderRecipients header = header_recipients(input.fields, ec, &where);
    if (ec) {
        return bad_input(out, ec, "bad address in the header of " + input.label, where.reason);
    }
    const std::optional<std::string> sender = flags.from ? flags.from : envelope_sender(header);
    if (!sender) {
        return bad_input(out, make_error_code(error::invalid_address),
                         "no sender: " + input.label + " has no From or Sender",
                         "give --from ADDR");
    }
    p.envelope.from = *sender;
    std::string head = input.head;
    std::vector<std::string> to = flags.to;
    if (to.empty()) {
        to = envelope_recipients(header);
        if (to.empty()) {
            return bad_input(out, make_error_code(error::no_recipients),
                             "no recipients in the To, Cc or Bcc of " + input.label,
                             "give --to ADDR");
        }
        head = header_section_without_bcc(input.head);  // read once already: cannot fail
    }
    for (std::string& address : to) {
        p.envelope.to.emplace_back(std::move(address));
    }
    if (twice) {
        keep_body_in_memory(input);
    }
    p.source = message_with_head(input, std::move(head));
    return true;
}

}  // namespace

bool plan_messages(const SendOptions& o, std::vector<PlannedMessage>& plan, SendOutcome& out) {
    if (o.message_files.empty()) {
        std::optional<Message> m = compose(o.from, o.to, o.compose, out);
        if (!m) {
            return false;
        }
        plan.push_back({{}, std::nullopt, std::move(m)});
        return true;
    }
    FlagEnvelope flags;
    if (!flag_envelope(o, flags, out)) {
        return false;
    }
    const bool signing = !o.dkim.key_file.empty();
    for (const std::string& spec : o.message_files) {
        PlannedMessage p;
        if (flags.from && !flags.to.empty()) {
            p.envelope.from = *flags.from;
            for (const std::string& address : flags.to) {
                p.envelope.to.emplace_back(address);
            }
            if (!plan_file_as_is(spec, signing, p, out)) {
                return false;
            }
        } else if (!plan_file_from_header(spec, flags, signing, p, out)) {
            return false;
        }
        plan.push_back(std::move(p));
    }
    return true;
}

std::vector<OutgoingMessage> outgoing_messages(const Client& client,
                                               const std::vector<PlannedMessage>& plan,
                                               const TransferFlags& transfer) {
    std::vector<OutgoingMessage> out;
    for (const PlannedMessage& p : plan) {
        OutgoingMessage m{p.envelope, p.source.value_or(MessageSource::from_string({}))};
        if (p.composed) {
            const RenderOptions render = client.render_options(*p.composed);
            m.envelope = p.composed->envelope(render.smtputf8);
            m.message = p.composed->source(render);
        }
        apply_envelope_flags(transfer, m.envelope);
        for (int i = 0; i < transfer.repeat; ++i) {
            out.push_back(m);
        }
    }
    return out;
}

}  // namespace smtpkit::cli
