// Small gtest assertions with readable failure messages (the scripted tests
// use GoogleTest alone, without GoogleMock).
#pragma once

#include <gtest/gtest.h>
#include <algorithm>
#include <string>
#include <string_view>

#include "support/script_server.hpp"

namespace smtpkit::test {

inline ::testing::AssertionResult has_substr(std::string_view text, std::string_view part) {
    if (text.find(part) != std::string_view::npos) {
        return ::testing::AssertionSuccess() << "'" << text << "' contains '" << part << "'";
    }
    return ::testing::AssertionFailure() << "'" << text << "' does not contain '" << part << "'";
}

// The script ran as written: call with server.mismatches().
inline ::testing::AssertionResult no_mismatches(const std::vector<std::string>& mismatches) {
    if (mismatches.empty()) {
        return ::testing::AssertionSuccess();
    }
    auto failure = ::testing::AssertionFailure() << "the script was not followed:";
    for (const auto& m : mismatches) {
        failure << "\n  " << m;
    }
    return failure;
}

template <class Container, class T>
::testing::AssertionResult contains(const Container& c, const T& value) {
    if (std::find(c.begin(), c.end(), value) != c.end()) {
        return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure()
           << ::testing::PrintToString(value) << " is not one of " << ::testing::PrintToString(c);
}

}  // namespace smtpkit::test
