#include "cli/login_secret.hpp"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "cli/file_mode.hpp"

extern char** environ;

namespace smtpkit::cli {
namespace {

void strip_line_end(std::string& line) {
    while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) {
        line.pop_back();
    }
}

// The first line of `path`, without its CR/LF; false with `problem` otherwise.
bool read_first_line(const std::string& about, const std::string& path, std::string& line,
                     SecretProblem& problem) {
    problem.about = "cannot read " + about;
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
        problem.ec = std::make_error_code(std::errc::is_a_directory);
        return false;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in.is_open()) {
        problem.ec = std::error_code(errno != 0 ? errno : ENOENT, std::generic_category());
        return false;
    }
    std::getline(in, line);
    if (in.bad()) {
        problem.ec = std::make_error_code(std::errc::io_error);
        return false;
    }
    strip_line_end(line);
    return true;
}

// Reads what the child writes to `fd` until it closes it; wipes as it goes.
std::string read_all(int fd) {
    std::string out;
    char buf[512];
    while (true) {
        const ssize_t got = ::read(fd, buf, sizeof buf);
        if (got < 0 && errno == EINTR) {
            continue;
        }
        if (got <= 0) {
            break;
        }
        out.append(buf, static_cast<std::size_t>(got));
    }
    OPENSSL_cleanse(buf, sizeof buf);
    return out;
}

// Runs `command` with /bin/sh -c; its first line of output is the secret.
bool run_password_command(const AccountSecret& s, std::string& secret, SecretProblem& problem) {
    problem.about = "password_command (" + s.where + ")";
    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
        problem.ec = std::error_code(errno, std::generic_category());
        return false;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 1);
    const char* argv[] = {"/bin/sh", "-c", s.value.c_str(), nullptr};
    pid_t pid = -1;
    const int spawned =
        ::posix_spawn(&pid, "/bin/sh", &actions, nullptr, const_cast<char* const*>(argv), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(pipe_fds[1]);
    if (spawned != 0) {
        ::close(pipe_fds[0]);
        problem.ec = std::error_code(spawned, std::generic_category());
        return false;
    }
    std::string output = read_all(pipe_fds[0]);
    ::close(pipe_fds[0]);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    secret = output.substr(0, output.find('\n'));
    OPENSSL_cleanse(output.data(), output.size());
    strip_line_end(secret);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        OPENSSL_cleanse(secret.data(), secret.size());
        secret.clear();
        problem.ec = std::make_error_code(std::errc::operation_not_permitted);
        problem.detail =
            WIFEXITED(status)
                ? "the command exited with status " + std::to_string(WEXITSTATUS(status))
                : "the command was killed by signal " + std::to_string(WTERMSIG(status));
        return false;
    }
    return true;
}

// A warning when group or others may read the secret's file.
void warn_if_shared(const std::string& about, const std::string& path,
                    std::vector<std::string>& out) {
    if (readable_by_others(path)) {
        out.push_back("smtpkit: warning: " + about +
                      " can be read by other users; make it private (chmod 600)");
    }
}

bool read_account_secret(const AccountSecret& s, std::string& secret, SecretProblem& problem) {
    switch (s.kind) {
        case AccountSecret::Kind::command:
            return run_password_command(s, secret, problem);
        case AccountSecret::Kind::file: {
            const std::string about = "password_file \"" + s.value + "\" (" + s.where + ")";
            if (const auto mode = readable_by_others(s.value)) {
                problem.about = about;
                problem.ec = std::make_error_code(std::errc::permission_denied);
                problem.detail = "other users can read it (mode " + mode_text(*mode) +
                                 "): run chmod 600 " + s.value;
                return false;
            }
            if (!read_first_line(about, s.value, secret, problem)) {
                return false;
            }
            problem.about = about;
            return true;
        }
        case AccountSecret::Kind::variable: {
            const char* value = std::getenv(s.value.c_str());
            secret = value != nullptr ? value : "";
            problem.about = "password_env " + s.value + " (" + s.where + ")";
            return true;
        }
        case AccountSecret::Kind::password:
            secret = s.value;
            problem.about = "password (" + s.where + ")";
            return true;
    }
    return false;
}

// The secret from the flags or SMTPKIT_PASSWORD; false when they give none.
bool read_flag_secret(const AuthFlags& f, const char* password_env, std::string& secret,
                      SecretProblem& problem, std::vector<std::string>& warnings, bool& ok) {
    const bool token = !f.oauth_token_file.empty();
    const std::string& file = token ? f.oauth_token_file : f.password_file;
    const std::string flag = token ? "--oauth-token-file" : "--password-file";
    if (!file.empty()) {
        const std::string about = flag + " \"" + file + "\"";
        ok = read_first_line(about, file, secret, problem);
        if (ok) {
            problem.about = about;
            warn_if_shared(about, file, warnings);
        }
        return true;
    }
    if (password_env != nullptr && (*password_env != '\0' || !f.account_secret)) {
        secret = password_env;
        problem.about = password_variable;
        ok = true;
        return true;
    }
    return false;
}

}  // namespace

WipedString::~WipedString() {
    OPENSSL_cleanse(value.data(), value.size());
}

bool read_secret(const AuthFlags& f, const char* password_env, std::string& secret,
                 SecretProblem& problem, std::vector<std::string>& warnings) {
    secret.clear();
    if (f.mechanism == "external") {
        return true;
    }
    bool ok = true;
    const char* empty = "its first line is empty";
    if (!read_flag_secret(f, password_env, secret, problem, warnings, ok)) {
        if (f.account_secret) {
            ok = read_account_secret(*f.account_secret, secret, problem);
            if (f.account_secret->kind == AccountSecret::Kind::command) {
                empty = "the command printed nothing";
            } else if (f.account_secret->kind != AccountSecret::Kind::file) {
                empty = "it is empty or not set";
            }
        } else {
            problem.about = password_variable;
        }
    }
    if (problem.about == password_variable) {
        empty = "it is empty or not set";
    }
    if (ok && secret.empty()) {
        problem.ec = std::make_error_code(std::errc::invalid_argument);
        problem.detail = empty;
        return false;
    }
    return ok;
}

}  // namespace smtpkit::cli
