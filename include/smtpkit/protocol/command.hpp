// SMTP commands as value types that check and serialise themselves. Nothing
// reaches the wire without check() passing: no CR, LF, NUL, other C0 control
// or DEL in any argument, so a caller can never inject a second command.
#pragma once

#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace smtpkit::protocol {

enum class Verb {
    ehlo,
    helo,
    mail,
    rcpt,
    data,
    rset,
    noop,
    vrfy,
    expn,
    help,
    quit,
    starttls,
    auth,  // AUTH and its continuation lines; written by the session, never a Command
    raw,
    bdat,  // BDAT chunks (RFC 3030); written by the session, never a Command
};

const char* to_string(Verb v) noexcept;

// RFC 5321 4.5.3.1.4: a command line is at most 512 octets with CRLF; MAIL
// and RCPT may grow by the extension parameters they carry (RFC 1869 6).
inline constexpr std::size_t max_command_line = 512;
inline constexpr std::size_t max_mail_rcpt_line = 2048;

class Command {
  public:
    static Command ehlo(std::string domain);
    static Command helo(std::string domain);
    // `address` as the caller gave it; check() canonicalises it. `params` are
    // ESMTP parameters ("SIZE=1000", "BODY=8BITMIME"), each checked.
    static Command mail(std::string address, std::vector<std::string> params = {});
    static Command rcpt(std::string address, std::vector<std::string> params = {});
    static Command data();
    static Command rset();
    static Command noop(std::string text = {});
    static Command vrfy(std::string text);
    static Command expn(std::string text);
    static Command help(std::string topic = {});
    static Command quit();
    static Command starttls();
    // Any command text the caller writes (the seed's Command): one line, checked.
    static Command raw(std::string line);

    Verb verb() const { return verb_; }

    // Validates and canonicalises. After success, wire() is the exact line.
    // `allow_utf8`: addresses may be UTF-8 (SMTPUTF8 in use).
    std::error_code check(bool allow_utf8 = false);

    // The line without CRLF. Only meaningful after check() succeeded.
    const std::string& line() const { return line_; }
    // Appends "line CRLF" to out.
    void write_to(std::string& out) const;

  private:
    Command(Verb v, std::string arg, std::vector<std::string> params = {})
        : verb_(v), arg_(std::move(arg)), params_(std::move(params)) {}

    Verb verb_;
    std::string arg_;
    std::vector<std::string> params_;
    std::string line_;
    bool checked_ = false;
};

// True when `text` contains a CR, LF, NUL, another C0 control or DEL.
bool has_forbidden_octet(std::string_view text) noexcept;

}  // namespace smtpkit::protocol
