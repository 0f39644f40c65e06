// Plumbing shared by the real-server fixtures (PostfixServer, AiosmtpdServer)
// and the tests that drive processes: a private temporary directory, a child
// process that is always stopped, a raw loopback SMTP line connection, and
// small file helpers. POSIX only; everything is bounded in time.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace smtpkit::test {

using namespace std::chrono_literals;

// A fresh directory made by mkdtemp and opened to 0755 (Postfix's daemons run
// as another user and must reach sockets in it). Removed with its contents
// when destroyed.
class TempDir {
  public:
    explicit TempDir(std::string_view prefix);
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::filesystem::path& path() const { return path_; }

  private:
    std::filesystem::path path_;
};

// A child process started with posix_spawn, stdin from /dev/null and its
// stdout and stderr appended to files. The destructor stops it.
class ChildProcess {
  public:
    ChildProcess() = default;
    ChildProcess(const std::vector<std::string>& argv, const std::filesystem::path& stdout_file,
                 const std::filesystem::path& stderr_file);
    ~ChildProcess();
    ChildProcess(ChildProcess&& other) noexcept;
    ChildProcess& operator=(ChildProcess&& other) noexcept;

    pid_t pid() const { return pid_; }
    // False once the process has exited (it is reaped here).
    bool running();
    // The raw wait status once it has exited.
    std::optional<int> wait_status() const { return status_; }
    // Waits up to `timeout` for the process to exit on its own.
    bool wait_for_exit(std::chrono::milliseconds timeout);
    // SIGTERM, up to `grace` to exit, then SIGKILL. With `group` (when the
    // child leads a process group), the whole group gets SIGKILL once the
    // child has exited, so that nothing it started outlives it.
    void stop(std::chrono::milliseconds grace = 5s, bool group = false) noexcept;

  private:
    pid_t pid_ = -1;
    std::optional<int> status_;
};

struct CommandOutput {
    int exit_code = -1;  // -1: killed (by a signal, or for taking too long)
    int status = 0;      // the raw wait status
    std::string out;     // stdout
    std::string err;     // stderr
};

// Runs a command to completion, killing it after `timeout`.
CommandOutput run_capture(const std::vector<std::string>& argv,
                          std::chrono::milliseconds timeout = 60s);

// Runs a command to completion (bounded); returns its output (stdout, then
// stderr) and sets `exit_code` (-1 when it did not exit normally).
std::string run_command(const std::vector<std::string>& argv, int& exit_code,
                        std::chrono::milliseconds timeout = 60s);

// "exited with 3", "killed by signal 9".
std::string describe_wait_status(int status);

// A loopback port that was free a moment ago (bind port 0, read, close).
std::uint16_t free_loopback_port();

std::string read_file(const std::filesystem::path& path);
void write_file(const std::filesystem::path& path, std::string_view content);

// A plain TCP connection to 127.0.0.1 that speaks SMTP line by line, for
// fixture self-tests and readiness probes. Every call is bounded by the
// timeout; failures throw std::runtime_error.
class SmtpLineConnection {
  public:
    SmtpLineConnection(std::uint16_t port, std::chrono::milliseconds timeout = 10s);
    ~SmtpLineConnection();
    SmtpLineConnection(const SmtpLineConnection&) = delete;
    SmtpLineConnection& operator=(const SmtpLineConnection&) = delete;

    // Sends the bytes exactly as given.
    void send_raw(std::string_view bytes);
    // Sends a command line, adding CRLF.
    void send_line(std::string_view line) { send_raw(std::string(line) + "\r\n"); }
    // Reads one complete reply (every line of a multi-line reply, each with
    // its CRLF).
    std::string read_reply();
    // The code of the reply read by read_reply(): its first three digits.
    static int reply_code(std::string_view reply);

  private:
    std::string read_line();

    int fd_ = -1;
    std::chrono::milliseconds timeout_;
    std::string buffer_;
};

}  // namespace smtpkit::test
