#include "cli/transfer_report.hpp"

#include <array>
#include <utility>

namespace smtpkit::cli {
namespace {

using Named = std::pair<ExtendedOption, const char*>;

constexpr std::array<Named, 25> option_names{{
    {ExtendedOption::pipelining, "pipelining"},
    {ExtendedOption::size, "size"},
    {ExtendedOption::eight_bit_mime, "8bitmime"},
    {ExtendedOption::binary_mime, "binarymime"},
    {ExtendedOption::chunking, "chunking"},
    {ExtendedOption::smtputf8, "smtputf8"},
    {ExtendedOption::dsn, "dsn"},
    {ExtendedOption::starttls, "starttls"},
    {ExtendedOption::enhanced_status_codes, "enhancedstatuscodes"},
    {ExtendedOption::requiretls, "requiretls"},
    {ExtendedOption::mt_priority, "mt-priority"},
    {ExtendedOption::deliverby, "deliverby"},
    {ExtendedOption::vrfy, "vrfy"},
    {ExtendedOption::expn, "expn"},
    {ExtendedOption::etrn, "etrn"},
    {ExtendedOption::help, "help"},
    {ExtendedOption::auth, "auth"},
    {ExtendedOption::auth_plain, "auth_plain"},
    {ExtendedOption::auth_login, "auth_login"},
    {ExtendedOption::auth_cram_md5, "auth_cram_md5"},
    {ExtendedOption::auth_scram_sha_1, "auth_scram_sha_1"},
    {ExtendedOption::auth_scram_sha_256, "auth_scram_sha_256"},
    {ExtendedOption::auth_xoauth2, "auth_xoauth2"},
    {ExtendedOption::auth_oauthbearer, "auth_oauthbearer"},
    {ExtendedOption::auth_external, "auth_external"},
}};

std::string join(const std::vector<std::string>& items, const char* separator) {
    std::string out;
    for (const std::string& item : items) {
        if (!out.empty()) {
            out += separator;
        }
        out += item;
    }
    return out;
}

}  // namespace

void add_transfer_json(Json& doc, const SendResult& r) {
    doc["chunked"] = r.chunked;
    doc["body"] = r.body;
    doc["dropped"] = r.dropped;
}

std::vector<std::string> transfer_summary_lines(const SendResult& r) {
    if (r.dropped.empty()) {
        return {};
    }
    return {"dropped   " + join(r.dropped, ", ") + ": not offered by the server"};
}

std::vector<std::string> extended_option_names(ExtendedOption flags) {
    std::vector<std::string> names;
    for (const auto& [flag, name] : option_names) {
        if (has(flags, flag)) {
            names.emplace_back(name);
        }
    }
    return names;
}

}  // namespace smtpkit::cli
