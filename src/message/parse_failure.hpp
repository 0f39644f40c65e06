// Turning a parser's first failure into the public error forms: the code in
// `ec`, the optional ParseError, and the exception the throwing overloads
// raise.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <system_error>

#include "smtpkit/error.hpp"
#include "smtpkit/parse_error.hpp"

namespace smtpkit::message {

// A parser's first failure, kept without allocating (the reason is always a
// string literal) until a caller asks for a ParseError.
struct Failure {
    error code = error::invalid_address_list;
    std::size_t offset = 0;
    std::string_view reason;
};

inline void report(const Failure& failure, std::error_code& ec, ParseError* where) {
    ec = make_error_code(failure.code);
    if (where != nullptr) {
        *where = ParseError{failure.offset, std::string(failure.reason)};
    }
}

inline void report_success(std::error_code& ec, ParseError* where) {
    ec.clear();
    if (where != nullptr) {
        *where = ParseError{};
    }
}

[[noreturn]] inline void throw_parse_error(std::error_code ec, const ParseError& where) {
    std::string what = where.reason.empty() ? ec.message() : where.reason;
    what += " (at offset " + std::to_string(where.offset) + ")";
    throw system_error(ec, what);
}

}  // namespace smtpkit::message
