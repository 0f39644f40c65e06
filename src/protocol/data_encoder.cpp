#include "smtpkit/protocol/detail/data_encoder.hpp"

#include <algorithm>
#include <cstring>

namespace smtpkit::protocol {
namespace {

const char* find_or_end(const char* p, const char* end, char c) {
    const auto* hit =
        static_cast<const char*>(std::memchr(p, c, static_cast<std::size_t>(end - p)));
    return hit != nullptr ? hit : end;
}

}  // namespace

// A CR is written as CRLF as soon as it is seen; an LF right after it (in
// this chunk or at the start of the next, hence pending_cr_) is then dropped.
// So the output never depends on how the input was chunked. Runs of ordinary
// octets are found with memchr and appended in one piece; the positions of
// the next CR and LF are remembered so each is searched for once per run.
void DataEncoder::encode(std::string_view in, std::string& out) {
    if (in.empty()) {
        return;
    }
    bytes_in_ += in.size();
    const char* p = in.data();
    const char* const end = p + in.size();
    if (pending_cr_) {
        pending_cr_ = false;
        if (*p == '\n') {
            ++p;
        }
    }
    const char* next_cr = find_or_end(p, end, '\r');
    const char* next_lf = find_or_end(p, end, '\n');
    while (p < end) {
        if (next_cr < p) {
            next_cr = find_or_end(p, end, '\r');
        }
        if (next_lf < p) {
            next_lf = find_or_end(p, end, '\n');
        }
        const char* stop = std::min(next_cr, next_lf);
        if (stop != p) {
            if (dot_stuffing_ && at_line_start_ && *p == '.') {
                out += '.';  // RFC 5321 4.5.2 transparency
            }
            out.append(p, static_cast<std::size_t>(stop - p));
            at_line_start_ = false;
            p = stop;
            if (p == end) {
                break;
            }
        }
        // *p is CR or LF: either ends the line.
        out += "\r\n";
        at_line_start_ = true;
        if (*p == '\r') {
            if (p + 1 == end) {
                pending_cr_ = true;
            } else if (p[1] == '\n') {
                ++p;
            }
        }
        ++p;
    }
}

void DataEncoder::finish(std::string& out) {
    finish_text(out);
    out += ".\r\n";
}

void DataEncoder::finish_text(std::string& out) {
    // A pending CR was already written as CRLF, so only an open line needs one.
    if (!at_line_start_) {
        out += "\r\n";
    }
    at_line_start_ = true;
    pending_cr_ = false;
}

}  // namespace smtpkit::protocol
