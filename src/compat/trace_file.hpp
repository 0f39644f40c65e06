// EnableTrace's log: the dialogue smtpkit's trace gives (commands, replies,
// notes; AUTH arguments already "<redacted>"), appended to a file, one
// flushed line each, so that a crash keeps what came before it.
#pragma once

#include <fstream>
#include <memory>
#include <mutex>
#include <string>

#include "smtpkit/client.hpp"

namespace smtpkit::compat {

class TraceFile {
  public:
    // False when the file cannot be opened for appending.
    bool open(const std::string& path);
    void close();
    // A handler for Client::set_trace that writes to this file.
    TraceHandler handler();

    static std::string default_path();  // <temporary directory>/smtpkit-trace.log

  private:
    struct Sink {
        std::mutex mutex;
        std::ofstream out;
    };
    std::shared_ptr<Sink> sink_;  // shared with the handler, which may outlive a close
};

}  // namespace smtpkit::compat
