// A ready message from a file or stdin (`send --message`, `sendmail`): its
// header section is read, and only that, so that recipients can be taken
// from it and the header changed (Bcc removed; From, Date and Message-ID
// added) while the body still streams from where it lies: a 1 GB file
// costs a few buffers. Stdin is read once (a one-shot MessageSource).
//
// Input without a header section (the first line is no "Name: value") is all
// body. A header section that breaks later is error::malformed_message.
// sendmail without -i ends the input at a line holding a single ".": that
// input is read into memory, line by line, to find it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <istream>
#include <string>
#include <system_error>
#include <vector>

#include "smtpkit/header_field.hpp"
#include "smtpkit/message_source.hpp"

namespace smtpkit::cli {

struct MessageInput {
    std::string label;                // "message file \"a.eml\"", "the message on stdin"
    std::string head;                 // the header section as read, its empty line included
    std::vector<HeaderField> fields;  // the fields of `head`
    std::filesystem::path file;       // empty: the message comes from a stream
    std::uint64_t body_offset = 0;    // where the body starts in `file`
    std::uint64_t file_size = 0;
    std::string buffered;            // a stream: the body read along with the header
    std::istream* stream = nullptr;  // a stream: the rest of the body
};

struct InputProblem {
    std::error_code ec;
    std::string about;   // "cannot read message file \"x\"", "bad header in ..."
    std::string detail;  // where and why
};

// Reads the header section of `spec`: a file, or "-" for `in`. `stop_at_dot`:
// a line "." ends the input (sendmail without -i).
bool read_message_input(const std::string& spec, std::istream& in, bool stop_at_dot,
                        MessageInput& out, InputProblem& problem);

// Reads the rest of a stream's body into `input.buffered`, so that the
// message can be read twice (DKIM signing hashes it before it is sent). A
// file is left as it is: it can be read again already.
void keep_body_in_memory(MessageInput& input);

// The message with `head` in place of its header section (`head` ends with
// its empty line), the body streamed as it lies. Restartable for a file.
MessageSource message_with_head(const MessageInput& input, std::string head);

// True when the header has a field of this name (ASCII case ignored).
bool has_field(const std::vector<HeaderField>& fields, std::string_view name);

}  // namespace smtpkit::cli
