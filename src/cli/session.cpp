#include "cli/session.hpp"

#include <cstdlib>
#include <iostream>

#include "cli/connect_client.hpp"
#include "cli/error_advice.hpp"
#include "cli/login.hpp"
#include "cli/login_secret.hpp"
#include "cli/refused_certificate.hpp"
#include "cli/terminal.hpp"
#include "cli/trace_printer.hpp"

namespace smtpkit::cli {

Session::Session(const ConnectionFlags& flags) : flags_(flags) {
    client_.set_trace([printer = TracePrinter(std::cerr), this](TraceDirection direction,
                                                                std::string_view line) mutable {
        if (direction == TraceDirection::client && auth_sent_.empty()) {
            auth_sent_ = auth_mechanism_in(line);
        }
        if (flags_.trace) {
            printer(direction, line);
        }
    });
}

bool Session::read_secret(std::string& secret, SendOutcome& out) {
    std::vector<std::string> warnings;
    SecretProblem problem;
    const bool ok =
        cli::read_secret(flags_.auth, std::getenv(password_variable), secret, problem, warnings);
    for (const std::string& line : warnings) {
        print_warning(line);
    }
    if (!ok) {
        out.stage = Stage::read_secret;  // exits 78: the local setup is wrong
        out.ec = problem.ec;
        out.subject = std::move(problem.about);
        out.detail = std::move(problem.detail);
    }
    return ok;
}

void Session::explain_connect_failure(const ConnectOptions& options, SendOutcome& out) {
    const auto port = static_cast<std::uint16_t>(flags_.port);
    ConnectContext context{flags_.server,
                           effective_port(port, options.security),
                           effective_tls_mode(flags_.tls, flags_.port, flags_.server),
                           flags_.timeout,
                           {},
                           out.detail};
    if (is_certificate_error(out.ec)) {
        context.refused = look_at_refused_certificate(flags_.server, port, options, flags_.trace);
    }
    const Advice advice = connect_advice(out.ec, context);
    out.subject = "connecting to " + flags_.server + " port " + std::to_string(context.port);
    if (options.proxy.enabled()) {
        out.subject += " through " + describe_proxy(options.proxy);
    }
    if (!advice.cause.empty()) {
        out.subject = advice.cause;
        out.fix = advice.fix;
    }
}

bool Session::open(const ConnectOptions& connect, SendOutcome& out) {
    ConnectOptions options = connect;
    WipedString secret;
    if (wants_auth(flags_.auth) && !read_secret(secret.value, out)) {
        return false;
    }
    out.stage = Stage::connect;
    if (!check_tls_files(flags_.tls, out.subject) ||
        (!flags_.tls.key_password_file.empty() &&
         !read_key_password(flags_.tls.key_password_file, options.tls.key_password, out.subject))) {
        out.ec = make_error_code(error::tls_setup_failed);  // a local TLS file: exits 78
        return false;
    }
    const auto port = static_cast<std::uint16_t>(flags_.port);
    connect_client(client_, flags_.server, port, options, out.ec, out.detail);
    out.security = client_.security_info();
    if (out.ec) {
        out.reply = client_.last_reply();
        explain_connect_failure(options, out);
        return false;
    }
    if (!wants_auth(flags_.auth)) {
        return true;
    }
    out.stage = Stage::authenticate;
    out.auth = log_in(client_, flags_.auth, secret.value, auth_sent_, out.ec, out.detail);
    if (out.ec) {
        out.subject = auth_sent_.empty() ? "authentication (--auth " + flags_.auth.mechanism + ")"
                                         : "authentication with " + auth_sent_;
        out.reply = client_.last_reply();
        close();
        return false;
    }
    return true;
}

void Session::close() {
    std::error_code ignored;
    client_.quit(ignored);
}

}  // namespace smtpkit::cli
