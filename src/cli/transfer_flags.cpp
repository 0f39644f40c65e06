#include "cli/transfer_flags.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <utility>

namespace smtpkit::cli {
namespace {

constexpr std::size_t max_chunk_size = std::size_t{1} << 30;  // memory holds two chunks
constexpr std::size_t max_window = 100;
constexpr int max_repeat = 1000000;
constexpr long long max_by_time = 999999999;  // RFC 2852: at most 9 digits

const char* const transfer_help =
    R"(

ESMTP extensions are used when the server offers them: PIPELINING and
CHUNKING (BDAT) save round trips (--no-pipelining, --no-chunking turn them
off). --body auto declares BODY=8BITMIME for 8-bit content and
BODY=BINARYMIME (over BDAT) for binary content; content the server cannot
take unaltered, or a message over its SIZE limit, is refused before anything
of it is sent (exit 69). A UTF-8 address needs SMTPUTF8 (exit 65 without it).
The DSN parameters (--dsn-notify, --dsn-ret, --envid), --mt-priority and
--deliver-by are left out when the server does not offer them and listed as
"dropped" (in --json too); --dsn-required makes a missing DSN an error
(exit 69, nothing sent). --requiretls fails (exit 69) unless the session is
TLS and the server offers REQUIRETLS. --deliver-by takes SECONDS, SECONDS;R
(return the message if late, the default) or SECONDS;N (notify), with T
appended for a trace: --deliver-by '3600;NT'.
--repeat N sends the message N times on one session, pipelined across
messages; --json then adds "batch" with each message's result and the rate.)";

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

std::optional<DsnNotify> notify_word(std::string_view word) {
    static constexpr std::array<std::pair<std::string_view, DsnNotify>, 4> words{{
        {"never", DsnNotify::never},
        {"success", DsnNotify::success},
        {"failure", DsnNotify::failure},
        {"delay", DsnNotify::delay},
    }};
    for (const auto& [name, flag] : words) {
        if (word == name) {
            return flag;
        }
    }
    return std::nullopt;
}

DsnReturn dsn_return(const std::string& ret) {
    if (ret.empty()) {
        return DsnReturn::unspecified;
    }
    return ret == "full" ? DsnReturn::full : DsnReturn::headers;
}

BodyType body_type(const std::string& body) {
    if (body == "7bit") {
        return BodyType::seven_bit;
    }
    if (body == "8bitmime") {
        return BodyType::eight_bit_mime;
    }
    return body == "binarymime" ? BodyType::binary_mime : BodyType::automatic;
}

bool dsn_given(const TransferFlags& f) {
    return !f.dsn_notify.empty() || !f.dsn_ret.empty() || !f.envid.empty();
}

// ENVID is xtext-encoded by the library; RFC 3461 limits it to 100
// characters of printable ASCII before encoding.
std::string check_envid(const std::string& envid) {
    constexpr std::size_t max_envid = 100;
    if (envid.size() > max_envid) {
        return "--envid: at most 100 characters";
    }
    const bool printable = std::all_of(envid.begin(), envid.end(),
                                       [](unsigned char c) { return c >= 0x21 && c <= 0x7e; });
    return printable ? std::string() : "--envid: printable ASCII without spaces only";
}

}  // namespace

std::optional<DsnNotify> parse_dsn_notify(std::string_view text) {
    const std::string words = lower(text);
    DsnNotify set = DsnNotify::unspecified;
    std::size_t start = 0;
    while (true) {
        const std::size_t comma = words.find(',', start);
        const std::string_view word = std::string_view(words).substr(
            start, comma == std::string::npos ? comma : comma - start);
        const std::optional<DsnNotify> flag = notify_word(word);
        if (!flag) {
            return std::nullopt;
        }
        set = set | *flag;
        if (comma == std::string::npos) {
            break;
        }
        start = comma + 1;
    }
    // RFC 3461 4.1: NEVER stands alone.
    if (has(set, DsnNotify::never) && set != DsnNotify::never) {
        return std::nullopt;
    }
    return set;
}

std::optional<DeliverBy> parse_deliver_by(std::string_view text) {
    long long seconds = 0;
    const char* first = text.data();
    const char* last = text.data() + text.size();
    const auto [end, err] = std::from_chars(first, last, seconds);
    if (err != std::errc() || end == first || *first == '-' || *first == '+' || seconds < 1 ||
        seconds > max_by_time) {
        return std::nullopt;
    }
    std::string mode = lower(std::string_view(end, static_cast<std::size_t>(last - end)));
    DeliverBy by;
    by.within = std::chrono::seconds(seconds);
    if (mode.empty()) {
        return by;  // R: the RFC's choice for a sender that does not care
    }
    if (mode.front() == ';') {
        mode.erase(0, 1);
    }
    if (mode.empty() || (mode.front() != 'r' && mode.front() != 'n')) {
        return std::nullopt;
    }
    by.return_if_late = mode.front() == 'r';
    mode.erase(0, 1);
    if (mode == "t") {
        by.trace = true;
    } else if (!mode.empty()) {
        return std::nullopt;
    }
    return by;
}

std::string check_transfer_flags(const TransferFlags& f, TlsMode tls_mode) {
    if (!f.dsn_notify.empty() && !parse_dsn_notify(f.dsn_notify)) {
        return "--dsn-notify: \"never\" alone, or a comma list of success, failure, delay";
    }
    if (!f.envid.empty()) {
        if (std::string why = check_envid(f.envid); !why.empty()) {
            return why;
        }
    }
    if (f.dsn_required && !dsn_given(f)) {
        return "--dsn-required needs --dsn-notify, --dsn-ret or --envid";
    }
    if (!f.deliver_by.empty() && !parse_deliver_by(f.deliver_by)) {
        return "--deliver-by: SECONDS (1 to 999999999), optionally followed by ;R or ;N and T";
    }
    if (f.requiretls && tls_mode == TlsMode::none) {
        return "--requiretls needs a TLS session: add --tls starttls or --tls implicit";
    }
    if (f.no_chunking && f.body == "binarymime") {
        return "--body binarymime needs CHUNKING: it cannot go with --no-chunking";
    }
    return {};
}

void add_transfer_flags(CLI::App& cmd, TransferFlags& f) {
    CLI::Option_group* g = cmd.add_option_group(
        "ESMTP extensions", "Each is used only when the server offers it (see below)");
    g->add_option("--dsn-notify", f.dsn_notify,
                  "DSN: when to report on each recipient: never, or success,failure,delay")
        ->type_name("LIST");
    g->add_option("--dsn-ret", f.dsn_ret, "DSN: return the full message or headers only")
        ->type_name("RET")
        ->check(CLI::IsMember({"full", "hdrs"}, CLI::ignore_case));
    g->add_option("--envid", f.envid, "DSN: envelope identifier returned in reports")
        ->type_name("ID");
    g->add_flag("--dsn-required", f.dsn_required,
                "Fail when the server does not offer DSN (default: send without it)");
    g->add_flag("--requiretls", f.requiretls,
                "REQUIRETLS: the message must travel over TLS all the way (needs --tls)");
    g->add_option("--mt-priority", f.mt_priority, "MT-PRIORITY, -9 (lowest) to 9 (highest)")
        ->type_name("N")
        ->check(CLI::Range(-9, 9).description(""));
    g->add_option("--deliver-by", f.deliver_by,
                  "DELIVERBY: deliver within SECONDS, else return (R, default) or notify (N)")
        ->type_name("SECONDS[;R|;N][T]");
    g->add_option("--body", f.body, "BODY= declared (auto: from the content)")
        ->type_name("TYPE")
        ->check(CLI::IsMember({"auto", "7bit", "8bitmime", "binarymime"}, CLI::ignore_case))
        ->capture_default_str();
    g->add_option("--chunk-size", f.chunk_size, "BDAT chunk size (default 1048576)")
        ->type_name("BYTES")
        ->check(CLI::Range(std::size_t{1}, max_chunk_size).description(""));
    g->add_option("--window", f.window,
                  "With --repeat over CHUNKING: messages in flight (default 8)")
        ->type_name("N")
        ->check(CLI::Range(std::size_t{1}, max_window).description(""));
    g->add_flag("--no-pipelining", f.no_pipelining,
                "Do not pipeline even if PIPELINING is offered");
    g->add_flag("--no-chunking", f.no_chunking, "Use DATA even if CHUNKING is offered");
    g->add_option("--repeat", f.repeat, "Send the message N times on one session")
        ->type_name("N")
        ->check(CLI::Range(1, max_repeat).description(""))
        ->capture_default_str();
    cmd.footer(cmd.get_footer() + transfer_help);
}

void apply_transfer_flags(const TransferFlags& f, ConnectOptions& options) {
    options.transfer.pipelining = !f.no_pipelining;
    options.transfer.chunking = !f.no_chunking;
    if (f.chunk_size != 0) {
        options.transfer.chunk_size = f.chunk_size;
    }
    if (f.window != 0) {
        options.transfer.window = f.window;
    }
}

void apply_envelope_flags(const TransferFlags& f, Envelope& envelope) {
    if (!f.dsn_notify.empty()) {
        const DsnNotify notify = parse_dsn_notify(f.dsn_notify).value_or(DsnNotify::unspecified);
        for (Recipient& r : envelope.to) {
            r.notify = notify;
        }
    }
    envelope.dsn.ret = dsn_return(lower(f.dsn_ret));
    envelope.dsn.envelope_id = f.envid;
    envelope.dsn.required = f.dsn_required;
    envelope.body = body_type(lower(f.body));
    envelope.require_tls = f.requiretls;
    envelope.mt_priority = f.mt_priority;
    if (!f.deliver_by.empty()) {
        envelope.deliver_by = parse_deliver_by(f.deliver_by);
    }
}

}  // namespace smtpkit::cli
