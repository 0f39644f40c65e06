// Who and where the tool runs, for sendmail's defaults: the sender
// user@host when neither -f nor an account gives one, and the domain a bare
// recipient name ("root", as cron writes it) is qualified with.
#pragma once

#include <string>

namespace smtpkit::cli {

// The machine's host name (gethostname) when it is a name EHLO could carry,
// else "localhost".
std::string local_host_name();

// The login name of the user running the tool ("root"), from the password
// database; "nobody" when there is none.
std::string login_name();

// The user's full name from the password database (the GECOS field up to
// its first comma); "" when there is none.
std::string full_name();

}  // namespace smtpkit::cli
