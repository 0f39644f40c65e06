// The RFC 5322 3.4 address grammar (address-list, group, mailbox,
// name-addr, angle-addr, addr-spec) with the obsolete forms of 4.4 that cost
// nothing, as a recursive descent over AddressLexer. A run of words is read
// before its meaning is known (display name, group name or local part) and
// interpreted by what follows it, so nothing is ever read twice.
//
// address_grammar.cpp holds the list level (lists, groups, which kind of
// address), addr_spec.cpp the mailbox level (angle-addr, addr-spec, domain).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "address_lexer.hpp"
#include "phrase.hpp"
#include "smtpkit/address.hpp"

namespace smtpkit::message {

class AddressParser {
  public:
    AddressParser(std::string_view text, const AddressListLimits& limits)
        : text_(text), lex_(text, limits.max_comment_depth), limits_(limits) {}

    // The whole text as an address list; empty when failed().
    std::vector<Address> list();
    // The whole text as exactly one mailbox.
    std::optional<Mailbox> single();
    const Failure& failure() const noexcept { return lex_.failure(); }
    bool failed() const noexcept { return lex_.failed(); }

  private:
    // `group_error` is empty where a group may stand, else why it may not.
    std::optional<Address> address(std::string_view group_error);
    std::optional<Address> group(std::string name);
    Phrase phrase();
    bool addr_spec(const Phrase& local, std::size_t start, std::string& address);
    bool angle_addr(std::string& address);
    bool route();
    bool domain(std::string& out);
    bool count_mailbox(std::size_t start);
    bool check_input();

    std::string_view text_;
    AddressLexer lex_;
    AddressListLimits limits_;
    std::size_t mailboxes_ = 0;
};

}  // namespace smtpkit::message
