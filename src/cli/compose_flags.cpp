#include "cli/compose_flags.hpp"

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <iterator>
#include <sstream>

#include "smtpkit/error.hpp"

namespace smtpkit::cli {
namespace {

// Runs one setter of the message; a refusal says what it concerns: `what`
// is the flag, or "recipient address" for the address lists.
template <class Set>
bool compose_field(const std::string& what, SendOutcome& out, Set&& set) {
    try {
        set();
        return true;
    } catch (const system_error& e) {
        out.ec = e.code();
        out.subject = (e.code() == error::source_read_failed ? "cannot read " : "bad ") + what;
        out.detail = e.what();
        return false;
    }
}

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

std::string trim(const std::string& text) {
    const auto first = text.find_first_not_of(" \t");
    if (first == std::string::npos) {
        return {};
    }
    return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

// A field the builder writes itself goes through its setter, so that it is
// written once and checked as the setter checks it.
void set_header(Message& m, const std::string& name, const std::string& value) {
    const std::string key = lower(name);
    if (key == "subject") {
        m.subject(value);
    } else if (key == "from") {
        m.from(value);
    } else if (key == "to") {
        m.to(value);
    } else if (key == "cc") {
        m.cc(value);
    } else if (key == "bcc") {
        m.bcc(value);
    } else if (key == "reply-to") {
        m.reply_to(value);
    } else if (key == "sender") {
        m.sender(value);
    } else if (key == "message-id") {
        m.message_id(value);
    } else if (key == "in-reply-to") {
        m.in_reply_to(value);
    } else if (key == "references") {
        std::istringstream words(value);
        m.references({std::istream_iterator<std::string>(words), {}});
    } else if (key == "date") {
        throw system_error(make_error_code(error::invalid_header),
                           "the Date is the time of sending; it cannot be set");
    } else {
        m.header(name, value);
    }
}

bool add_header(Message& m, const std::string& spec, SendOutcome& out) {
    const std::size_t colon = spec.find(':');
    if (colon == std::string::npos || colon == 0) {
        out.ec = make_error_code(error::invalid_header);
        out.subject = "bad --header \"" + spec + "\"";
        out.detail = "it takes 'Name: value'";
        return false;
    }
    const std::string name = trim(spec.substr(0, colon));
    const std::string value = trim(spec.substr(colon + 1));
    return compose_field("--header " + name, out, [&] { set_header(m, name, value); });
}

// The whole of a --text-file (or stdin); false with `out` set otherwise.
bool read_text(const std::string& flag, const std::string& spec, std::string& text,
               SendOutcome& out) {
    std::ostringstream content;
    if (spec == "-") {
        content << std::cin.rdbuf();
    } else {
        std::error_code ec;
        std::ifstream in(spec, std::ios::binary);
        if (std::filesystem::is_directory(spec, ec)) {
            out.ec = std::make_error_code(std::errc::is_a_directory);
        } else if (!in.is_open()) {
            out.ec = std::error_code(errno != 0 ? errno : ENOENT, std::generic_category());
        } else {
            content << in.rdbuf();
        }
    }
    if (out.ec) {
        out.stage = Stage::read_message;
        out.subject = "cannot read " + flag + " \"" + spec + "\"";
        return false;
    }
    text = std::move(content).str();
    return true;
}

bool add_addresses(const char* kind, const std::vector<std::string>& lists, SendOutcome& out,
                   const std::function<void(const std::string&)>& add) {
    return std::all_of(lists.begin(), lists.end(), [&](const std::string& list) {
        return compose_field(std::string(kind) + " address \"" + list + "\"", out,
                             [&] { add(list); });
    });
}

bool add_body(Message& m, const ComposeFlags& f, SendOutcome& out) {
    std::string text = f.text;
    if (!f.text_file.empty() && !read_text("--text-file", f.text_file, text, out)) {
        return false;
    }
    std::string html;
    if (!f.html_file.empty() && !read_text("--html-file", f.html_file, html, out)) {
        return false;
    }
    const bool has_text = !f.text_file.empty() || !f.text.empty() || f.html_file.empty();
    return (!has_text || compose_field("--text", out, [&] { m.text(std::move(text)); })) &&
           (f.html_file.empty() || compose_field("--html-file", out, [&] { m.html(html); }));
}

bool add_parts(Message& m, const ComposeFlags& f, SendOutcome& out) {
    for (const std::string& spec : f.inline_files) {
        const auto [file, type] = split_type(spec);
        const std::string id = std::filesystem::path(file).filename().string();
        if (!compose_field("--inline", out, [&] { m.embed_file(file, id, type); })) {
            return false;
        }
    }
    for (const std::string& spec : f.attach) {
        const auto [file, type] = split_type(spec);
        if (!compose_field("--attach", out, [&] { m.attach_file(file, type); })) {
            return false;
        }
    }
    return true;
}

}  // namespace

std::pair<std::string, std::string> split_type(const std::string& spec) {
    const std::size_t at = spec.rfind(";type=");
    if (at == std::string::npos) {
        return {spec, {}};
    }
    return {spec.substr(0, at), spec.substr(at + 6)};
}

std::vector<CLI::Option*> add_compose_flags(CLI::App& cmd, ComposeFlags& f) {
    CLI::Option_group* g = cmd.add_option_group("Composing (without --message)");
    const auto list = [&](const char* name, std::vector<std::string>& target, const char* help) {
        return g->add_option(name, target, help)->type_name("LIST")->allow_extra_args(false);
    };
    return {
        list("--cc", f.cc, "Cc: recipients (\"Name <a@b>, c@d\"); repeat for more"),
        list("--bcc", f.bcc, "Bcc: recipients, in the envelope only; repeat for more"),
        list("--reply-to", f.reply_to, "Reply-To: addresses"),
        g->add_option("--subject", f.subject, "Subject of the composed message")->type_name("TEXT"),
        g->add_option("--text", f.text, "Plain-text body")->type_name("TEXT"),
        g->add_option("--text-file", f.text_file, "Plain-text body from a file ('-': stdin)")
            ->type_name("FILE|-"),
        g->add_option("--html-file", f.html_file, "HTML body from a file (with --text: both)")
            ->type_name("FILE"),
        g->add_option("--attach", f.attach,
                      "Attach a file; ';type=MEDIA/TYPE' sets its type; repeat for more")
            ->type_name("FILE[;type=T]")
            ->allow_extra_args(false),
        g->add_option("--inline", f.inline_files,
                      "A part the HTML shows as cid:<file name> (an image); repeat for more")
            ->type_name("FILE[;type=T]")
            ->allow_extra_args(false),
        g->add_option("--header", f.headers, "Add a header field; repeat for more")
            ->type_name("'NAME: VALUE'")
            ->allow_extra_args(false),
    };
}

std::optional<Message> compose(const std::string& from, const std::vector<std::string>& to,
                               const ComposeFlags& f, SendOutcome& out) {
    Message m;
    const bool ok =
        add_addresses("sender", {from}, out, [&](const std::string& l) { m.from(l); }) &&
        add_addresses("recipient", to, out, [&](const std::string& l) { m.to(l); }) &&
        add_addresses("recipient", f.cc, out, [&](const std::string& l) { m.cc(l); }) &&
        add_addresses("recipient", f.bcc, out, [&](const std::string& l) { m.bcc(l); }) &&
        add_addresses("--reply-to", f.reply_to, out,
                      [&](const std::string& l) { m.reply_to(l); }) &&
        (f.subject.empty() || compose_field("--subject", out, [&] { m.subject(f.subject); })) &&
        std::all_of(f.headers.begin(), f.headers.end(),
                    [&](const std::string& h) { return add_header(m, h, out); }) &&
        add_body(m, f, out) && add_parts(m, f, out);
    if (!ok) {
        return std::nullopt;
    }
    return m;
}

}  // namespace smtpkit::cli
