#include "cli/file_mode.hpp"

#include <sys/stat.h>

#include <cstdio>

namespace smtpkit::cli {

std::string mode_text(mode_t mode) {
    char text[8];
    std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
    return text;
}

std::optional<mode_t> readable_by_others(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0 || (st.st_mode & (S_IRGRP | S_IROTH)) == 0) {
        return std::nullopt;
    }
    return st.st_mode;
}

}  // namespace smtpkit::cli
