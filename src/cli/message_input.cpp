#include "cli/message_input.hpp"

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <iterator>
#include <memory>

#include "smtpkit/error.hpp"
#include "smtpkit/header_reader.hpp"

namespace smtpkit::cli {
namespace {

constexpr std::size_t block = 64 * 1024;
// A header section over the reader's limit fails there; reading a block
// past it is enough to know.
const std::size_t head_limit = HeaderLimits{}.max_size + block;

// Where the header section ends in `text` (just after its empty line), or npos.
std::size_t header_end(std::string_view text) {
    if (text.starts_with("\n")) {
        return 1;
    }
    if (text.starts_with("\r\n")) {
        return 2;
    }
    const std::size_t lf = text.find("\n\n");
    const std::size_t crlf = text.find("\n\r\n");
    const std::size_t first = std::min(lf, crlf);
    if (first == std::string_view::npos) {
        return first;
    }
    return first + (first == lf ? 2 : 3);
}

// Reads `in` until the header section is complete, the input ends or the
// limit is passed.
void read_head(std::istream& in, std::string& buffer) {
    std::string chunk(block, '\0');
    while (header_end(buffer) == std::string::npos && buffer.size() < head_limit) {
        in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
        const auto got = static_cast<std::size_t>(in.gcount());
        buffer.append(chunk.data(), got);
        if (got < chunk.size()) {
            return;
        }
    }
}

// sendmail without -i: everything up to a line holding a single ".".
void read_until_dot(std::istream& in, std::string& buffer) {
    std::string line;
    while (std::getline(in, line)) {
        if (line == "." || line == ".\r") {
            return;
        }
        buffer += line;
        buffer += '\n';
    }
}

std::size_t line_of(std::string_view text, std::size_t offset) {
    return 1 + static_cast<std::size_t>(
                   std::count(text.begin(), text.begin() + std::min(offset, text.size()), '\n'));
}

// The header section of `buffer` into `out`; false for a broken one.
bool take_header(const std::string& buffer, MessageInput& out, InputProblem& problem) {
    std::error_code ec;
    ParseError where;
    HeaderSection h = read_header_section(buffer, ec, &where);
    if (ec && where.offset == 0) {
        out.body_offset = 0;  // no header section at all: it is all body
        return true;
    }
    if (ec) {
        problem.ec = ec;
        problem.about = "bad header in " + out.label;
        problem.detail =
            "line " + std::to_string(line_of(buffer, where.offset)) + ": " + where.reason;
        return false;
    }
    out.fields = std::move(h.fields);
    out.body_offset = h.body_offset;
    out.head = buffer.substr(0, h.body_offset);
    if (!h.complete) {
        // A header without a body: the head still ends with its empty line.
        if (!out.head.empty() && out.head.back() != '\n') {
            out.head += "\r\n";
        }
        out.head += "\r\n";
    }
    return true;
}

bool read_file_head(const std::string& spec, MessageInput& out, InputProblem& problem) {
    out.file = spec;
    std::error_code ec;
    if (std::filesystem::is_directory(out.file, ec)) {
        problem.ec = std::make_error_code(std::errc::is_a_directory);
        return false;
    }
    std::ifstream in(out.file, std::ios::binary);
    if (!in.is_open()) {
        problem.ec = std::error_code(errno != 0 ? errno : ENOENT, std::generic_category());
        return false;
    }
    out.file_size = std::filesystem::file_size(out.file, ec);
    if (ec) {
        problem.ec = ec;
        return false;
    }
    std::string buffer;
    read_head(in, buffer);
    if (in.bad()) {
        problem.ec = std::make_error_code(std::errc::io_error);
        return false;
    }
    return take_header(buffer, out, problem);
}

bool non_ascii(std::string_view text) {
    return std::any_of(text.begin(), text.end(),
                       [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
}

// Copies what is left of `text` from `pos` into `buf`.
std::size_t copy_from(const std::string& text, std::size_t& pos, char* buf, std::size_t n) {
    const std::size_t k = std::min(n, text.size() - pos);
    std::copy_n(text.data() + pos, k, buf);
    pos += k;
    return k;
}

MessageSource file_with_head(const MessageInput& input, std::shared_ptr<const std::string> head) {
    const std::filesystem::path file = input.file;
    const std::uint64_t offset = input.body_offset;
    auto open = [file, offset, head](std::error_code& ec) -> MessageSource::Reader {
        auto in = std::make_shared<std::ifstream>(file, std::ios::binary);
        if (!in->is_open()) {
            ec = std::error_code(errno != 0 ? errno : ENOENT, std::generic_category());
            return {};
        }
        in->seekg(static_cast<std::streamoff>(offset));
        auto pos = std::make_shared<std::size_t>(0);
        return [in, head, pos](char* buf, std::size_t n, std::error_code& read_ec) {
            if (*pos < head->size()) {
                return copy_from(*head, *pos, buf, n);
            }
            in->read(buf, static_cast<std::streamsize>(n));
            if (in->bad()) {
                read_ec = std::make_error_code(std::errc::io_error);
            }
            return static_cast<std::size_t>(in->gcount());
        };
    };
    return MessageSource::from_opener(open, head->size() + (input.file_size - offset));
}

MessageSource stream_with_head(const MessageInput& input, std::shared_ptr<const std::string> head) {
    auto prefix = std::make_shared<std::string>(*head + input.buffered);
    auto pos = std::make_shared<std::size_t>(0);
    std::istream* rest = input.stream;
    auto reader = [prefix, pos, rest](char* buf, std::size_t n, std::error_code& ec) {
        if (*pos < prefix->size()) {
            return copy_from(*prefix, *pos, buf, n);
        }
        if (rest == nullptr) {
            return std::size_t{0};
        }
        rest->read(buf, static_cast<std::streamsize>(n));
        if (rest->bad()) {
            ec = std::make_error_code(std::errc::io_error);
        }
        return static_cast<std::size_t>(rest->gcount());
    };
    if (rest == nullptr) {
        return MessageSource::from_string(*prefix);  // all of it is in memory: restartable
    }
    return MessageSource::from_reader(reader);
}

}  // namespace

bool read_message_input(const std::string& spec, std::istream& in, bool stop_at_dot,
                        MessageInput& out, InputProblem& problem) {
    out = MessageInput{};
    out.label = spec == "-" ? std::string("the message on stdin") : "message file \"" + spec + "\"";
    problem.about = "cannot read " + out.label;
    if (spec != "-") {
        return read_file_head(spec, out, problem);
    }
    std::string buffer;
    if (stop_at_dot) {
        read_until_dot(in, buffer);
    } else {
        read_head(in, buffer);
        out.stream = &in;
    }
    if (in.bad()) {
        problem.ec = std::make_error_code(std::errc::io_error);
        return false;
    }
    if (!take_header(buffer, out, problem)) {
        return false;
    }
    out.buffered = buffer.substr(out.body_offset);
    return true;
}

void keep_body_in_memory(MessageInput& input) {
    if (input.stream != nullptr) {
        input.buffered.append(std::istreambuf_iterator<char>(*input.stream), {});
        input.stream = nullptr;
    }
}

MessageSource message_with_head(const MessageInput& input, std::string head) {
    const bool eight_bit = non_ascii(head);
    auto shared = std::make_shared<const std::string>(std::move(head));
    MessageSource source =
        input.file.empty() ? stream_with_head(input, shared) : file_with_head(input, shared);
    source.set_eight_bit_headers(eight_bit);
    return source;
}

bool has_field(const std::vector<HeaderField>& fields, std::string_view name) {
    const auto same = [name](const HeaderField& f) {
        return f.name.size() == name.size() &&
               std::equal(f.name.begin(), f.name.end(), name.begin(), [](char a, char b) {
                   return std::tolower(static_cast<unsigned char>(a)) ==
                          std::tolower(static_cast<unsigned char>(b));
               });
    };
    return std::any_of(fields.begin(), fields.end(), same);
}

}  // namespace smtpkit::cli
