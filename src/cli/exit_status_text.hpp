// What each exit status of the tool means, in words: the one table the
// help of every command, the README's table and the man page are held to
// (tests compare them). exit_codes.hpp decides which status a run gets.
#pragma once

#include <initializer_list>
#include <string>
#include <vector>

namespace smtpkit::cli {

struct ExitStatus {
    int code;
    const char* name;     // sysexits.h: "EX_TEMPFAIL"
    const char* meaning;  // one paragraph
};

// Every status the tool can return, in ascending order.
const std::vector<ExitStatus>& exit_statuses();

// "Exit status:" and the listed codes, wrapped for --help.
std::string exit_status_help(std::initializer_list<int> codes);

}  // namespace smtpkit::cli
