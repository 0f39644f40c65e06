#include "cli/missing_fields.hpp"

#include "cli/message_input.hpp"
#include "smtpkit/header_reader.hpp"
#include "smtpkit/message.hpp"

namespace smtpkit::cli {

std::string missing_fields(const std::vector<HeaderField>& present, const Mailbox& sender) {
    // A message of nothing but these fields, rendered by the message layer;
    // its header section gives them back, unfolded.
    Message m;
    if (!sender.address.empty()) {
        m.from(sender);
    }
    const HeaderSection rendered = read_header_section(m.to_string());
    std::string out;
    for (const char* name : {"From", "Date", "Message-ID"}) {
        if (has_field(present, name)) {
            continue;
        }
        for (const HeaderField& f : rendered.fields) {
            if (f.name == name) {
                out += f.name + ": " + f.value + "\r\n";
            }
        }
    }
    return out;
}

}  // namespace smtpkit::cli
