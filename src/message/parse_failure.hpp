// Turning a parser's first failure into the public error forms: the code in
// `ec`, the optional ParseError, and the exception the throwing overloads
// raise.
#pragma once

#include <string>
#include <system_error>

#include "address_lexer.hpp"
#include "smtpkit/error.hpp"
#include "smtpkit/parse_error.hpp"

namespace smtpkit::message {

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
