// Addresses as people type them on the command line and in the config file:
// "Name <me@example.com>" or me@example.com, lists separated by commas. The
// message layer's RFC 5322 parser reads them; the envelope gets the address
// alone.
#pragma once

#include <string>
#include <system_error>
#include <vector>

namespace smtpkit::cli {

// The address of one mailbox; `allow_null` takes "<>" (a null sender) too.
// "" with `ec` set when it does not parse.
std::string mailbox_address(const std::string& text, bool allow_null, std::error_code& ec);

// Every address of a list, groups flattened; `ec` set when it does not parse.
std::vector<std::string> list_addresses(const std::string& text, std::error_code& ec);

// The display name of a mailbox ("" when it has none or does not parse).
std::string mailbox_name(const std::string& text);

}  // namespace smtpkit::cli
