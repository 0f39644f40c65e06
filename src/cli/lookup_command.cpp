#include "cli/lookup_command.hpp"

#include <sysexits.h>

#include <iostream>
#include <memory>

#include "cli/exit_codes.hpp"
#include "cli/exit_status_text.hpp"
#include "cli/json_output.hpp"
#include "cli/printable.hpp"
#include "cli/send_report.hpp"
#include "cli/session.hpp"
#include "cli/terminal.hpp"

namespace smtpkit::cli {
namespace {

const ConnectionDefaults lookup_defaults{30, "localhost", "Print the reply as JSON on stdout"};

const char* const verify_help =
    R"(Asks the server whether it knows ADDR (VRFY, RFC 5321 3.5.1) and prints its
reply. 250 and 251 confirm the address; 252 means the server will not say but
would accept mail for it (exit 0 all the same); 550 means it does not know it
(exit 67); 502 that VRFY is disabled there (exit 69).

)";

const char* const expand_help =
    R"(Asks the server for the members of a mailing list (EXPN, RFC 5321 3.5.2)
and prints its reply, a member a line. Most servers disable EXPN (502, exit
69); 550 means it does not know the list (exit 67).

)";

Json lookup_json(const char* command, const std::string& argument, const Reply& reply,
                 const SendOutcome& out) {
    Json doc = {{"command", command}, {"argument", argument}, {"reply", reply_json(reply)}};
    if (out.security.active) {
        doc["tls"] = tls_json(out.security);
    }
    if (out.auth) {
        doc["auth"] = {{"requested", out.auth->requested},
                       {"mechanism", out.auth->mechanism},
                       {"result", out.auth->succeeded ? "ok" : "failed"},
                       {"reply", reply_json(out.auth->reply)}};
    }
    if (out.ec) {
        doc["error"] =
            error_json(out.ec, out.subject, out.detail, out.reply, stage_name(out.stage), out.fix);
    }
    return doc;
}

void report(const LookupOptions& o, const char* command, const Reply& reply,
            const SendOutcome& out) {
    if (o.connection.json) {
        std::cout << dump(lookup_json(command, o.argument, reply, out)) << '\n';
    } else {
        for (const std::string& line : reply.lines) {
            std::cout << reply.code << ' ' << printable(line) << '\n';
        }
    }
    std::cout.flush();
    for (const std::string& line : error_lines(out)) {
        print_error(line);
    }
    if (!out.ec && !reply.positive_completion()) {
        print_error("smtpkit: " + std::string(command) + " " + printable(o.argument) + ": " +
                    printable(reply.summary()));
    }
}

}  // namespace

int run_lookup(const LookupOptions& o, bool expand) {
    const char* command = expand ? "EXPN" : "VRFY";
    for (const std::string& line : connection_warnings(o.connection)) {
        print_warning(line);
    }
    SendOutcome out;
    Reply reply;
    Session session(o.connection);
    if (session.open(connect_options(o.connection), out)) {
        out.stage = Stage::send;
        Client& client = session.client();
        reply = expand ? client.expand(o.argument, out.ec) : client.verify(o.argument, out.ec);
        if (out.ec) {
            out.subject = std::string(command) + " " + o.argument;
            out.reply = client.last_reply();
        } else {
            out.stage = Stage::done;
        }
        session.close();
    }
    report(o, command, reply, out);
    return out.ec ? exit_code(out) : exit_code_for_lookup(reply);
}

Subcommand add_lookup_command(CLI::App& tool, bool expand) {
    auto options = std::make_shared<LookupOptions>();
    CLI::App* cmd =
        expand ? tool.add_subcommand("expand", "Ask the server for a mailing list's members (EXPN)")
               : tool.add_subcommand("verify", "Ask the server whether it knows an address (VRFY)");
    add_lookup_flags(*cmd, *options, expand);
    return Subcommand{cmd, [options, expand] { return run_lookup(*options, expand); }};
}

void add_lookup_flags(CLI::App& cmd, LookupOptions& o, bool expand) {
    cmd.add_option(expand ? "LIST" : "ADDR", o.argument,
                   expand ? "The list to expand" : "The address to verify")
        ->required();
    add_connection_flags(cmd, o.connection, lookup_defaults);
    cmd.footer(std::string(expand ? expand_help : verify_help) +
               exit_status_help({0, 64, 67, 68, 69, 75, 76, 77, 78}));
    cmd.final_callback([&cmd, &o] { settle_connection_flags(cmd, o.connection, lookup_defaults); });
}

}  // namespace smtpkit::cli
