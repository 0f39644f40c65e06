#include "support/server_process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <utility>

extern char** environ;

namespace smtpkit::test {
namespace {

using Clock = std::chrono::steady_clock;

[[noreturn]] void throw_errno(const std::string& what) {
    throw std::system_error(errno, std::generic_category(), what);
}

int remaining_ms(Clock::time_point deadline) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

// posix_spawn attributes that give the child default signal handling and an
// empty mask, whatever the test runner set up for itself.
class SpawnAttributes {
  public:
    SpawnAttributes() {
        posix_spawnattr_init(&attr_);
        sigset_t none;
        sigemptyset(&none);
        posix_spawnattr_setsigmask(&attr_, &none);
        sigset_t defaults;
        sigemptyset(&defaults);
        for (int sig : {SIGPIPE, SIGTERM, SIGINT, SIGHUP, SIGCHLD, SIGQUIT}) {
            sigaddset(&defaults, sig);
        }
        posix_spawnattr_setsigdefault(&attr_, &defaults);
        posix_spawnattr_setflags(&attr_, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    }
    ~SpawnAttributes() { posix_spawnattr_destroy(&attr_); }
    SpawnAttributes(const SpawnAttributes&) = delete;
    SpawnAttributes& operator=(const SpawnAttributes&) = delete;
    const posix_spawnattr_t* get() const { return &attr_; }

  private:
    posix_spawnattr_t attr_;
};

class FileActions {
  public:
    FileActions() { posix_spawn_file_actions_init(&actions_); }
    ~FileActions() { posix_spawn_file_actions_destroy(&actions_); }
    FileActions(const FileActions&) = delete;
    FileActions& operator=(const FileActions&) = delete;
    posix_spawn_file_actions_t* get() { return &actions_; }

  private:
    posix_spawn_file_actions_t actions_;
};

pid_t spawn(const std::vector<std::string>& argv, posix_spawn_file_actions_t* actions) {
    if (argv.empty()) {
        throw std::invalid_argument("spawn: empty argv");
    }
    std::vector<char*> args;
    for (const auto& a : argv) {
        args.push_back(const_cast<char*>(a.c_str()));
    }
    args.push_back(nullptr);
    SpawnAttributes attr;
    pid_t pid = -1;
    const bool has_path = argv[0].find('/') != std::string::npos;
    const int rc = has_path
                       ? posix_spawn(&pid, args[0], actions, attr.get(), args.data(), environ)
                       : posix_spawnp(&pid, args[0], actions, attr.get(), args.data(), environ);
    if (rc != 0) {
        throw std::system_error(rc, std::generic_category(), "cannot start " + argv[0]);
    }
    return pid;
}

// Forks and executes `argv` with stdin from /dev/null and stdout/stderr on
// the given descriptors. Unlike posix_spawn this lets the child ask the
// kernel for SIGTERM when the test process dies (PR_SET_PDEATHSIG): a test
// killed by a timeout leaves no server behind.
pid_t fork_exec(const std::vector<std::string>& argv, int out_fd, int err_fd) {
    if (argv.empty()) {
        throw std::invalid_argument("fork_exec: empty argv");
    }
    // Everything the child needs is prepared here: after fork() in a
    // threaded process it may only make async-signal-safe calls.
    std::vector<char*> args;
    for (const auto& a : argv) {
        args.push_back(const_cast<char*>(a.c_str()));
    }
    args.push_back(nullptr);
    const bool has_path = argv[0].find('/') != std::string::npos;
    int report[2];  // the child writes its errno here when exec fails
    if (pipe2(report, O_CLOEXEC) != 0) {
        throw_errno("pipe");
    }
    const int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (null_fd < 0) {
        const int saved = errno;
        close(report[0]);
        close(report[1]);
        errno = saved;
        throw_errno("open /dev/null");
    }
    const pid_t parent = getpid();
    const pid_t pid = fork();
    if (pid == 0) {
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, nullptr);
        struct sigaction dfl {};
        dfl.sa_handler = SIG_DFL;
        for (int sig : {SIGPIPE, SIGTERM, SIGINT, SIGHUP, SIGCHLD, SIGQUIT}) {
            sigaction(sig, &dfl, nullptr);
        }
        dup2(null_fd, 0);
        dup2(out_fd, 1);
        dup2(err_fd, 2);
        int err = 0;
        if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0 || getppid() != parent) {
            err = ECHILD;  // the test process is already gone
        } else {
            has_path ? execv(args[0], args.data()) : execvp(args[0], args.data());
            err = errno;
        }
        [[maybe_unused]] const ssize_t n = write(report[1], &err, sizeof err);
        _exit(127);
    }
    const int fork_errno = errno;
    close(null_fd);
    close(report[1]);
    if (pid < 0) {
        close(report[0]);
        errno = fork_errno;
        throw_errno("fork");
    }
    int child_errno = 0;
    ssize_t n = 0;
    do {
        n = read(report[0], &child_errno, sizeof child_errno);  // EOF: exec worked
    } while (n < 0 && errno == EINTR);
    close(report[0]);
    if (n == static_cast<ssize_t>(sizeof child_errno)) {
        int status = 0;
        waitpid(pid, &status, 0);
        throw std::system_error(child_errno, std::generic_category(), "cannot start " + argv[0]);
    }
    return pid;
}

}  // namespace

// ---- TempDir -----------------------------------------------------------------

TempDir::TempDir(std::string_view prefix) {
    std::string pattern = (std::filesystem::temp_directory_path() / prefix).string() + "XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) {
        throw_errno("mkdtemp " + pattern);
    }
    path_ = pattern;
    if (chmod(path_.c_str(), 0755) != 0) {
        throw_errno("chmod " + pattern);
    }
}

TempDir::~TempDir() {
    // A server process that is still exiting may create a file while we
    // delete; try again briefly rather than leak the directory.
    for (int attempt = 0; attempt < 5; ++attempt) {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
        if (!ec) {
            return;
        }
        std::this_thread::sleep_for(50ms);
    }
}

// ---- ChildProcess ------------------------------------------------------------

ChildProcess::ChildProcess(const std::vector<std::string>& argv,
                           const std::filesystem::path& stdout_file,
                           const std::filesystem::path& stderr_file) {
    const int flags = O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC;
    const int out_fd = open(stdout_file.c_str(), flags, 0644);
    const int err_fd = out_fd < 0 ? -1 : open(stderr_file.c_str(), flags, 0644);
    if (out_fd < 0 || err_fd < 0) {
        const int saved = errno;
        if (out_fd >= 0) {
            close(out_fd);
        }
        errno = saved;
        throw_errno("cannot open " + stdout_file.string() + " / " + stderr_file.string());
    }
    try {
        pid_ = fork_exec(argv, out_fd, err_fd);
    } catch (...) {
        close(out_fd);
        close(err_fd);
        throw;
    }
    close(out_fd);
    close(err_fd);
}

ChildProcess::~ChildProcess() {
    stop();
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)), status_(std::exchange(other.status_, std::nullopt)) {}

ChildProcess& ChildProcess::operator=(ChildProcess&& other) noexcept {
    if (this != &other) {
        stop();
        pid_ = std::exchange(other.pid_, -1);
        status_ = std::exchange(other.status_, std::nullopt);
    }
    return *this;
}

bool ChildProcess::running() {
    if (pid_ <= 0 || status_) {
        return false;
    }
    int status = 0;
    const pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
        status_ = status;
        return false;
    }
    if (r < 0 && errno == ECHILD) {
        status_ = 0;  // reaped elsewhere: treat as gone
        return false;
    }
    return true;
}

bool ChildProcess::wait_for_exit(std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    while (running()) {
        if (Clock::now() >= deadline) {
            return false;
        }
        std::this_thread::sleep_for(10ms);
    }
    return true;
}

void ChildProcess::stop(std::chrono::milliseconds grace, bool group) noexcept {
    if (!running()) {
        return;
    }
    const bool leads_group = group && getpgid(pid_) == pid_;
    kill(pid_, SIGTERM);
    // Watch for the exit without reaping: while the child is a zombie its
    // PID (and so its process group ID) cannot be reused, which makes the
    // group kill below safe.
    const auto deadline = Clock::now() + grace;
    bool exited = false;
    while (!exited && Clock::now() < deadline) {
        siginfo_t info{};
        exited = waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
                 info.si_pid == pid_;
        if (!exited) {
            std::this_thread::sleep_for(10ms);
        }
    }
    if (leads_group) {
        // Postfix's master leaves daemons behind for a few seconds (they try
        // to log its death to a logger that is gone): end them with it.
        kill(-pid_, SIGKILL);
    } else if (!exited) {
        kill(pid_, SIGKILL);
    }
    wait_for_exit(5s);
}

// ---- commands and files ------------------------------------------------------

CommandOutput run_capture(const std::vector<std::string>& argv, std::chrono::milliseconds timeout) {
    int out_fds[2];
    int err_fds[2];
    if (pipe2(out_fds, O_CLOEXEC) != 0) {
        throw_errno("pipe");
    }
    if (pipe2(err_fds, O_CLOEXEC) != 0) {
        close(out_fds[0]);
        close(out_fds[1]);
        throw_errno("pipe");
    }
    pid_t pid = -1;
    try {
        FileActions actions;
        posix_spawn_file_actions_addopen(actions.get(), 0, "/dev/null", O_RDONLY, 0);
        posix_spawn_file_actions_adddup2(actions.get(), out_fds[1], 1);
        posix_spawn_file_actions_adddup2(actions.get(), err_fds[1], 2);
        pid = spawn(argv, actions.get());
    } catch (...) {
        for (int fd : {out_fds[0], out_fds[1], err_fds[0], err_fds[1]}) {
            close(fd);
        }
        throw;
    }
    close(out_fds[1]);
    close(err_fds[1]);

    CommandOutput result;
    // Read both pipes as they fill, so that neither side blocks the child.
    pollfd pfds[2] = {{out_fds[0], POLLIN, 0}, {err_fds[0], POLLIN, 0}};
    std::string* sinks[2] = {&result.out, &result.err};
    const auto deadline = Clock::now() + timeout;
    bool timed_out = false;
    while (pfds[0].fd >= 0 || pfds[1].fd >= 0) {
        const int ms = remaining_ms(deadline);
        if (ms == 0 || poll(pfds, 2, ms) == 0) {
            timed_out = true;
            break;
        }
        for (int i = 0; i < 2; ++i) {
            if (pfds[i].fd < 0 || pfds[i].revents == 0) {
                continue;
            }
            char buf[4096];
            const ssize_t n = read(pfds[i].fd, buf, sizeof buf);
            if (n > 0) {
                sinks[i]->append(buf, static_cast<std::size_t>(n));
            } else if (n == 0 || errno != EINTR) {
                close(pfds[i].fd);
                pfds[i].fd = -1;  // poll ignores negative descriptors
            }
        }
    }
    for (const auto& pfd : pfds) {
        if (pfd.fd >= 0) {
            close(pfd.fd);
        }
    }
    if (timed_out) {
        kill(pid, SIGKILL);
        result.err += "\n[" + argv[0] + " timed out and was killed]\n";
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    result.status = status;
    if (!timed_out && WIFEXITED(status)) {
        result.exit_code = WEXITSTATUS(status);
    }
    return result;
}

std::string run_command(const std::vector<std::string>& argv, int& exit_code,
                        std::chrono::milliseconds timeout) {
    CommandOutput r = run_capture(argv, timeout);
    exit_code = r.exit_code;
    return r.out + r.err;
}

std::string describe_wait_status(int status) {
    if (WIFEXITED(status)) {
        return "exited with " + std::to_string(WEXITSTATUS(status));
    }
    if (WIFSIGNALED(status)) {
        return "killed by signal " + std::to_string(WTERMSIG(status));
    }
    return "stopped (status " + std::to_string(status) + ")";
}

std::uint16_t free_loopback_port() {
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        throw_errno("socket");
    }
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof addr;
    if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
        const int saved = errno;
        close(fd);
        errno = saved;
        throw_errno("bind 127.0.0.1:0");
    }
    close(fd);
    return ntohs(addr.sin_port);
}

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return {};
    }
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

void write_file(const std::filesystem::path& path, std::string_view content) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    if (!out.flush()) {
        throw std::runtime_error("cannot write " + path.string());
    }
}

// ---- SmtpLineConnection ------------------------------------------------------

SmtpLineConnection::SmtpLineConnection(std::uint16_t port, std::chrono::milliseconds timeout)
    : timeout_(timeout) {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd_ < 0) {
        throw_errno("socket");
    }
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port);
    const std::string where = "127.0.0.1:" + std::to_string(port);
    if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        if (errno != EINPROGRESS) {
            const int saved = errno;
            close(fd_);
            errno = saved;
            throw_errno("connect " + where);
        }
        pollfd pfd{fd_, POLLOUT, 0};
        int err = 0;
        socklen_t len = sizeof err;
        if (poll(&pfd, 1, static_cast<int>(timeout_.count())) != 1 ||
            getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0) {
            close(fd_);
            errno = err != 0 ? err : ETIMEDOUT;
            throw_errno("connect " + where);
        }
    }
}

SmtpLineConnection::~SmtpLineConnection() {
    if (fd_ >= 0) {
        close(fd_);
    }
}

void SmtpLineConnection::send_raw(std::string_view bytes) {
    const auto deadline = Clock::now() + timeout_;
    while (!bytes.empty()) {
        const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n > 0) {
            bytes.remove_prefix(static_cast<std::size_t>(n));
            continue;
        }
        if (n < 0 && errno != EAGAIN && errno != EINTR) {
            throw_errno("send");
        }
        pollfd pfd{fd_, POLLOUT, 0};
        if (poll(&pfd, 1, remaining_ms(deadline)) == 0) {
            throw std::runtime_error("send: timed out");
        }
    }
}

std::string SmtpLineConnection::read_line() {
    const auto deadline = Clock::now() + timeout_;
    for (;;) {
        if (const auto eol = buffer_.find("\r\n"); eol != std::string::npos) {
            std::string line = buffer_.substr(0, eol + 2);
            buffer_.erase(0, eol + 2);
            return line;
        }
        pollfd pfd{fd_, POLLIN, 0};
        if (poll(&pfd, 1, remaining_ms(deadline)) == 0) {
            throw std::runtime_error("no reply line within the timeout; got so far: " + buffer_);
        }
        char buf[4096];
        const ssize_t n = recv(fd_, buf, sizeof buf, 0);
        if (n == 0) {
            throw std::runtime_error("connection closed by the server; got so far: " + buffer_);
        }
        if (n < 0) {
            if (errno == EAGAIN || errno == EINTR) {
                continue;
            }
            throw_errno("recv");
        }
        buffer_.append(buf, static_cast<std::size_t>(n));
    }
}

std::string SmtpLineConnection::read_reply() {
    std::string reply;
    for (;;) {
        const std::string line = read_line();
        reply += line;
        // "NNN-text" continues a multi-line reply; "NNN text" or "NNN" ends it.
        if (line.size() < 6 || line[3] != '-') {
            return reply;
        }
    }
}

int SmtpLineConnection::reply_code(std::string_view reply) {
    if (reply.size() < 3) {
        return 0;
    }
    int code = 0;
    for (char c : reply.substr(0, 3)) {
        if (c < '0' || c > '9') {
            return 0;
        }
        code = code * 10 + (c - '0');
    }
    return code;
}

}  // namespace smtpkit::test
