// What the scripted CSmtpClient tests share: a facade connected to a
// scripted server the way a SocketTools program connects, and readable
// ST_ERROR_* codes in failure messages.
#pragma once

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "scripted/client_fixture.hpp"
#include "smtpkit/csmtpclient.h"

namespace smtpkit::test {

// "0x80043008" in failure messages.
inline std::string hex(DWORD code) {
    char text[16];
    std::snprintf(text, sizeof text, "0x%08X", code);
    return text;
}

#define EXPECT_ST_ERROR(client, code) EXPECT_EQ(hex((client).GetLastError()), hex(code))

// ESMTP in plaintext, as a SocketTools program asks for it (EXTENDED, no
// TLS); the scripted servers speak no TLS unless a test says so.
inline BOOL connect_esmtp(CSmtpClient& client, const ScriptServer& server, UINT timeout = 2,
                          DWORD options = SMTP_OPTION_EXTENDED) {
    client.SetLocalName(helo_name);
    return client.Connect("127.0.0.1", server.port(), timeout, options);
}

// The event kinds an event queue holds, in order, draining it.
inline std::vector<UINT> drain(SmtpEventQueue& queue) {
    std::vector<UINT> kinds;
    SmtpEventMessage m;
    while (queue.Peek(m)) {
        kinds.push_back(m.nEventId);
    }
    return kinds;
}

inline bool has_kind(const std::vector<UINT>& kinds, UINT kind) {
    return std::find(kinds.begin(), kinds.end(), kind) != kinds.end();
}

}  // namespace smtpkit::test
