// Drives a sans-I/O proxy handshake through a script: for each step, what the
// client must have written and what the proxy answers. Each answer is fed
// split at a chosen offset (two reads), so a test can run every split.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "protocol/proxy_handshake.hpp"

namespace smtpkit::protocol::test {

struct Step {
    std::string client;  // expected pending_output()
    std::string proxy;   // what the proxy answers (may run past its reply)
};

struct Outcome {
    bool done = false;
    std::error_code ec;
    std::string detail;
    std::string rest;  // the octets of the last answer the handshake left alone
};

// Splits every answer at `split` (clamped to its size); with `eof`, the
// proxy closes the connection after the last answer.
inline Outcome drive(ProxyHandshake& h, const std::vector<Step>& steps, std::size_t split,
                     bool eof = false) {
    Outcome out;
    for (const Step& step : steps) {
        EXPECT_EQ(std::string(h.pending_output()), step.client) << "split " << split;
        h.consume_output(h.pending_output().size());
        EXPECT_TRUE(h.wants_read() || h.error());
        const std::size_t cut = std::min(split, step.proxy.size());
        std::size_t used = h.feed(std::string_view(step.proxy).substr(0, cut));
        if (used == cut && h.wants_read()) {
            used += h.feed(std::string_view(step.proxy).substr(cut));
        }
        out.rest = step.proxy.substr(used);
        if (h.done() || h.error()) {
            break;
        }
    }
    if (eof) {
        h.feed_eof();
    }
    out.done = h.done();
    out.ec = h.error();
    out.detail = h.detail();
    return out;
}

// Runs the script at every split of the answers (of long answers: the first
// and last 512 offsets and a sample between); every run must give the
// outcome of the first (fed whole).
inline Outcome drive_every_split(const std::function<std::unique_ptr<ProxyHandshake>()>& make,
                                 const std::vector<Step>& steps, bool eof = false) {
    std::size_t longest = 0;
    for (const Step& s : steps) {
        longest = std::max(longest, s.proxy.size());
    }
    auto first = make();
    const Outcome whole = drive(*first, steps, longest, eof);
    constexpr std::size_t every = 512;
    for (std::size_t split = 0; split < longest;
         split += (split < every || split + every >= longest) ? 1 : 97) {
        auto h = make();
        const Outcome o = drive(*h, steps, split, eof);
        EXPECT_EQ(o.done, whole.done) << "split " << split;
        EXPECT_EQ(o.ec, whole.ec) << "split " << split << ": " << o.ec.message();
        EXPECT_EQ(o.detail, whole.detail) << "split " << split;
        EXPECT_EQ(o.rest, whole.rest) << "split " << split;
    }
    return whole;
}

}  // namespace smtpkit::protocol::test
