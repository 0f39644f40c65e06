#include "cli/exit_status_text.hpp"

#include <algorithm>
#include <sstream>

namespace smtpkit::cli {
namespace {

constexpr std::size_t help_width = 80;
constexpr std::size_t indent = 6;

// `text` wrapped at help_width, every line but the first indented.
std::string wrap(const std::string& text) {
    std::istringstream words(text);
    std::string out;
    std::string word;
    std::size_t column = indent;
    while (words >> word) {
        if (column > indent && column + 1 + word.size() > help_width) {
            out += "\n" + std::string(indent, ' ');
            column = indent;
        } else if (column > indent) {
            out += ' ';
            ++column;
        }
        out += word;
        column += word.size();
    }
    return out;
}

}  // namespace

const std::vector<ExitStatus>& exit_statuses() {
    static const std::vector<ExitStatus> table{
        {0, "EX_OK",
         "success: every recipient was accepted and the server took the message (probe: the "
         "session, and TLS when asked for, was set up; verify and expand: the server confirmed "
         "the address)"},
        {64, "EX_USAGE", "the command line is wrong (nothing was sent)"},
        {65, "EX_DATAERR",
         "a bad address, header, subject, text or message (nothing was sent), or a UTF-8 "
         "address the server cannot take"},
        {66, "EX_NOINPUT", "a message file, attachment or stdin cannot be read"},
        {67, "EX_NOUSER",
         "sendmail, verify and expand: the server does not know a recipient (550, 551, 553 or "
         "5.1.x)"},
        {68, "EX_NOHOST", "the server's host name does not resolve"},
        {69, "EX_UNAVAILABLE",
         "a permanent (5xx) refusal of the greeting, sender, any recipient or the message, "
         "also when the message went to the others; or the server cannot give the TLS "
         "security required (no STARTTLS, a certificate that does not verify); or the "
         "proxy's rules refuse the destination"},
        {70, "EX_SOFTWARE", "an internal error"},
        {75, "EX_TEMPFAIL",
         "a temporary failure worth retrying: a 4xx refusal (a 454 to AUTH too), a timeout, a "
         "refused or lost connection (verdict unknown when lost after the message was sent: "
         "it may have arrived), a proxy that cannot reach the server now"},
        {76, "EX_PROTOCOL",
         "the server (or the proxy) broke the protocol (data injected after STARTTLS "
         "included), the TLS handshake failed, or the login exchange did (a garbled "
         "challenge; a SCRAM server that cannot prove it knows the password)"},
        {77, "EX_NOPERM",
         "the login was refused (535: wrong user name or password, or another permanent "
         "refusal of AUTH), or the proxy refused the proxy user or password, or wants them"},
        {78, "EX_CONFIG",
         "the configuration is wrong: the config file (its line and key are named), a password "
         "or token that cannot be had (file, command, variable) or a secret file others may "
         "read; the local TLS files; or a login that cannot work as configured (--auth "
         "mechanism or AUTH not offered, a clear-text password without TLS, 534, 538)"},
    };
    return table;
}

std::string exit_status_help(std::initializer_list<int> codes) {
    std::string out = "Exit status:";
    for (const ExitStatus& s : exit_statuses()) {
        if (std::find(codes.begin(), codes.end(), s.code) == codes.end()) {
            continue;
        }
        std::string head = "\n  " + std::to_string(s.code);
        head.resize(indent + 1, ' ');  // "\n" + the code in its column
        out += head + wrap(s.meaning);
    }
    return out;
}

}  // namespace smtpkit::cli
