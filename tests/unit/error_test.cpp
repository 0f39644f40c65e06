// Error codes say what happened in words, and fall into the conditions a
// caller tests for (timeout, transient, permanent, protocol, misuse).
#include "smtpkit/error.hpp"

#include <gtest/gtest.h>

#include <cerrno>
#include <iterator>
#include <set>
#include <string>

namespace smtpkit {
namespace {

TEST(Error, EveryCodeHasItsOwnMessage) {
    std::set<std::string> seen;
    for (int v = static_cast<int>(error::reply_not_digits);
         v <= static_cast<int>(error::dkim_signing_failed); ++v) {
        const std::string text = make_error_code(static_cast<error>(v)).message();
        EXPECT_NE(text, "unknown smtpkit error") << v;
        EXPECT_TRUE(seen.insert(text).second) << "two codes share: " << text;
    }
    EXPECT_STREQ(make_error_code(error::timeout).category().name(), "smtpkit");
}

// What a caller may rely on for every error: written out here, one row each,
// independently of the library's own table, so a change of classification
// is a change of this test too.
struct Expected {
    error value;
    bool transient;
    bool permanent;
    bool protocol_violation;
    bool misuse;
    bool timeout;
};

// clang-format off
const Expected kExpected[] = {
    {error::reply_not_digits, false, false, true, false, false},
    {error::reply_too_short, false, false, true, false, false},
    {error::reply_bad_separator, false, false, true, false, false},
    {error::reply_code_mismatch, false, false, true, false, false},
    {error::reply_code_out_of_range, false, false, true, false, false},
    {error::reply_line_too_long, false, false, true, false, false},
    {error::reply_too_many_lines, false, false, true, false, false},
    {error::reply_contains_nul, false, false, true, false, false},
    {error::unexpected_reply, false, false, true, false, false},
    {error::connection_closed, true, false, false, false, false},
    {error::greeting_refused, false, true, false, false, false},
    {error::hello_refused, false, true, false, false, false},
    {error::sender_refused, false, true, false, false, false},
    {error::command_refused, false, true, false, false, false},
    {error::no_valid_recipients, false, true, false, false, false},
    {error::message_refused, false, true, false, false, false},
    {error::greeting_deferred, true, false, false, false, false},
    {error::hello_deferred, true, false, false, false, false},
    {error::sender_deferred, true, false, false, false, false},
    {error::command_deferred, true, false, false, false, false},
    {error::recipients_deferred, true, false, false, false, false},
    {error::message_deferred, true, false, false, false, false},
    {error::invalid_character, false, false, false, true, false},
    {error::invalid_address, false, false, false, true, false},
    {error::invalid_domain, false, false, false, true, false},
    {error::command_too_long, false, false, false, true, false},
    {error::invalid_command, false, false, false, true, false},
    {error::utf8_not_allowed, false, false, false, true, false},
    {error::not_connected, false, false, false, true, false},
    {error::already_connected, false, false, false, true, false},
    {error::operation_in_progress, false, false, false, true, false},
    {error::session_failed, true, false, false, false, false},
    {error::no_recipients, false, false, false, true, false},
    {error::not_owner, false, false, false, true, false},
    {error::wrong_mode, false, false, false, true, false},
    {error::moved_from, false, false, false, true, false},
    {error::tls_settings_without_tls, false, false, false, true, false},
    {error::source_already_read, false, false, false, true, false},
    {error::invalid_address_list, false, false, false, true, false},
    {error::invalid_idn, false, false, false, true, false},
    {error::invalid_header, false, false, false, true, false},
    {error::malformed_message, false, false, false, true, false},
    {error::timeout, true, false, false, false, true},
    {error::cancelled, false, false, false, false, false},
    {error::deadline_exceeded, true, false, false, false, true},
    {error::source_truncated, false, false, false, false, false},
    {error::source_grew, false, false, false, false, false},
    {error::source_read_failed, false, false, false, false, false},
    {error::starttls_not_offered, false, true, false, false, false},
    {error::starttls_refused, false, true, false, false, false},
    {error::starttls_deferred, true, false, false, false, false},
    {error::starttls_injection, false, false, true, false, false},
    {error::tls_handshake_failed, false, false, false, false, false},
    {error::tls_version_refused, false, false, false, false, false},
    {error::certificate_expired, false, false, false, false, false},
    {error::certificate_not_yet_valid, false, false, false, false, false},
    {error::certificate_self_signed, false, false, false, false, false},
    {error::certificate_untrusted, false, false, false, false, false},
    {error::certificate_host_mismatch, false, false, false, false, false},
    {error::certificate_invalid, false, false, false, false, false},
    {error::tls_setup_failed, false, false, false, true, false},
    {error::auth_mechanism_not_offered, false, true, false, false, false},
    {error::auth_insecure, false, false, false, true, false},
    {error::auth_credentials_invalid, false, true, false, false, false},
    {error::auth_mechanism_too_weak, false, true, false, false, false},
    {error::auth_encryption_required, false, true, false, false, false},
    {error::auth_temporary_failure, true, false, false, false, false},
    {error::auth_failed, false, true, false, false, false},
    {error::sasl_bad_challenge, false, false, true, false, false},
    {error::sasl_server_not_verified, false, false, false, false, false},
    {error::sasl_invalid_input, false, false, false, true, false},
    {error::already_authenticated, false, false, false, true, false},
    {error::message_too_large, false, true, false, false, false},
    {error::eight_bit_not_offered, false, true, false, false, false},
    {error::binary_not_offered, false, true, false, false, false},
    {error::dsn_not_offered, false, true, false, false, false},
    {error::requiretls_not_possible, false, true, false, false, false},
    {error::invalid_parameter, false, false, false, true, false},
    {error::content_not_as_declared, false, false, false, true, false},
    {error::pipelining_refused, true, false, false, false, false},
    {error::proxy_not_configured, false, false, false, true, false},
    {error::proxy_invalid_settings, false, false, false, true, false},
    {error::proxy_protocol_error, false, false, true, false, false},
    {error::proxy_auth_required, false, true, false, false, false},
    {error::proxy_auth_method_rejected, false, true, false, false, false},
    {error::proxy_auth_failed, false, true, false, false, false},
    {error::proxy_general_failure, true, false, false, false, false},
    {error::proxy_not_allowed, false, true, false, false, false},
    {error::proxy_network_unreachable, true, false, false, false, false},
    {error::proxy_host_unreachable, true, false, false, false, false},
    {error::proxy_connection_refused, true, false, false, false, false},
    {error::proxy_ttl_expired, true, false, false, false, false},
    {error::proxy_command_not_supported, false, true, false, false, false},
    {error::proxy_address_type_not_supported, false, true, false, false, false},
    {error::proxy_refused, false, false, false, false, false},
    {error::dkim_key_unreadable, false, false, false, true, false},
    {error::dkim_key_not_private, false, false, false, true, false},
    {error::dkim_key_unsupported, false, false, false, true, false},
    {error::dkim_invalid_settings, false, false, false, true, false},
    {error::dkim_no_from, false, false, false, true, false},
    {error::dkim_source_not_restartable, false, false, false, true, false},
    {error::dkim_signing_failed, false, false, false, false, false},
};
// clang-format on

TEST(Error, EveryErrorIsClassifiedAsDocumented) {
    ASSERT_EQ(std::size(kExpected), static_cast<std::size_t>(error::dkim_signing_failed))
        << "one row per error";
    for (std::size_t i = 0; i < std::size(kExpected); ++i) {
        const Expected& e = kExpected[i];
        ASSERT_EQ(static_cast<std::size_t>(e.value), i + 1) << "rows in the enum's order";
        const std::error_code ec = make_error_code(e.value);
        SCOPED_TRACE(to_string(e.value));
        EXPECT_EQ(ec == condition::transient, e.transient);
        EXPECT_EQ(ec == condition::permanent, e.permanent);
        EXPECT_EQ(ec == condition::protocol_violation, e.protocol_violation);
        EXPECT_EQ(ec == condition::misuse, e.misuse);
        EXPECT_EQ(ec == condition::timeout, e.timeout);
        EXPECT_FALSE(ec == condition::transient && ec == condition::permanent);
    }
}

TEST(Error, RefusalsAreClassifiedByTheReplyCode) {
    // A 451 to MAIL, a 452 to every RCPT and a 421 greeting are transient;
    // a 550 is permanent.
    EXPECT_EQ(make_error_code(refusal_for(451, error::sender_refused, error::sender_deferred)),
              condition::transient);
    EXPECT_EQ(refusal_for(421, error::greeting_refused, error::greeting_deferred),
              error::greeting_deferred);
    EXPECT_EQ(make_error_code(refusal_for(550, error::sender_refused, error::sender_deferred)),
              condition::permanent);
    EXPECT_EQ(refusal_for(554, error::message_refused, error::message_deferred),
              error::message_refused);
    // Anything but 4yz (a stray 3yz, a 2yz where none belongs) is not "for now".
    EXPECT_EQ(refusal_for(354, error::message_refused, error::message_deferred),
              error::message_refused);
}

TEST(Error, EveryErrorHasAName) {
    std::set<std::string> names;
    for (const Expected& e : kExpected) {
        const std::string name = to_string(e.value);
        EXPECT_NE(name, "unknown");
        EXPECT_TRUE(names.insert(name).second) << name;
    }
    EXPECT_STREQ(to_string(error::certificate_host_mismatch), "certificate_host_mismatch");
}

TEST(Error, SystemRefusalsAndResetsAreTransient) {
    EXPECT_EQ(std::error_code(ECONNREFUSED, std::system_category()), condition::transient);
    EXPECT_NE(std::error_code(ECONNREFUSED, std::system_category()), condition::permanent);
    EXPECT_EQ(std::error_code(ECONNRESET, std::generic_category()), condition::transient);
    EXPECT_EQ(std::error_code(ETIMEDOUT, std::system_category()), condition::timeout);
    EXPECT_NE(std::error_code(ENOENT, std::system_category()), condition::transient);
}

}  // namespace
}  // namespace smtpkit
