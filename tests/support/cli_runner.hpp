// Runs the built smtpkit tool as a user would, for the CLI tests that need
// more than arguments: a private HOME and XDG_CONFIG_HOME (a developer's own
// ~/.config/smtpkit/config.toml or SMTPKIT_PASSWORD must not change a run),
// extra environment variables, text on stdin, and another program name (a
// `sendmail` link). Header-only: each test file has its own fixture.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "support/server_process.hpp"

namespace smtpkit::test {

struct CliRun {
    int status = -1;  // the exit status; -1 when it did not exit by itself
    std::string out;
    std::string err;
};

inline std::string describe(const CliRun& r) {
    return "exit " + std::to_string(r.status) + "\n--- stdout ---\n" + r.out +
           "\n--- stderr ---\n" + r.err;
}

class CliRunner {
  public:
    explicit CliRunner(std::string_view prefix) : dir_(prefix) {
        std::filesystem::create_directories(config_dir());
    }

    const std::filesystem::path& dir() const { return dir_.path(); }
    // $XDG_CONFIG_HOME/smtpkit: where config.toml is looked for.
    std::filesystem::path config_dir() const { return dir_.path() / "xdg" / "smtpkit"; }

    // A file in the private directory, with `mode` (0600 by default).
    std::filesystem::path file(const std::string& name, const std::string& content,
                               std::filesystem::perms mode = std::filesystem::perms::owner_read |
                                                             std::filesystem::perms::owner_write) {
        const auto path = dir_.path() / name;
        std::filesystem::create_directories(path.parent_path());
        write_file(path, content);
        std::filesystem::permissions(path, mode);
        return path;
    }

    // Runs `program args` (program: the tool, or a link to it) with the
    // private environment plus `env` ("NAME=value"), stdin from `input`
    // (else /dev/null).
    CliRun run(const std::vector<std::string>& args, const std::optional<std::string>& input = {},
               const std::vector<std::string>& env = {},
               const std::string& program = SMTPKIT_CLI_PATH) {
        std::vector<std::string> argv{"/usr/bin/env",
                                      "-u",
                                      "SMTPKIT_PASSWORD",
                                      "-u",
                                      "SMTPKIT_PROXY_PASSWORD",
                                      "-u",
                                      "NO_COLOR",
                                      "HOME=" + dir_.path().string(),
                                      "XDG_CONFIG_HOME=" + (dir_.path() / "xdg").string()};
        argv.insert(argv.end(), env.begin(), env.end());
        if (input) {
            // sh -c 'exec "$@" < file' file program args...
            const auto stdin_file = file("stdin-" + std::to_string(runs_++), *input);
            argv.insert(argv.end(), {"/bin/sh", "-c", "exec \"$@\" < \"$0\"", stdin_file.string()});
        }
        argv.push_back(program);
        argv.insert(argv.end(), args.begin(), args.end());
        const CommandOutput output = run_capture(argv, std::chrono::seconds(30));
        return CliRun{output.exit_code, output.out, output.err};
    }

  private:
    TempDir dir_;
    int runs_ = 0;
};

}  // namespace smtpkit::test
