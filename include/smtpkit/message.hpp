// smtpkit::Message: an RFC 5322 / MIME message, built in a few lines and
// streamed as it is sent.
//
//   smtpkit::Message m;
//   m.from("Me <me@example.com>").to("You <you@example.org>").bcc("audit@example.com")
//    .subject("Grüße").text("Hello").html("<p>Hello <img src=\"cid:logo\"></p>")
//    .embed_file("logo.png", "logo").attach_file("report.pdf");
//   client.send(m);   // the envelope comes from the headers; Bcc is not sent
//
// Why a value with chained setters (MimeKit's MimeMessage + BodyBuilder in
// one, lettre's builder without the final build()): a message is a value a
// caller keeps, copies, changes and sends again; the setters read in the
// order of the headers they make; and nothing is rendered until it is sent,
// when the server's extensions (8BITMIME, SMTPUTF8) decide the encodings.
//
// Every setter checks what it is given at once and throws smtpkit::system_error
// on bad input: an address list that does not parse (invalid_address_list),
// a domain IDNA cannot convert (invalid_idn), CR, LF or NUL in any header
// name or value (invalid_header): header and address injection are
// impossible, and nothing is built from bad input.
//
// The body is laid out as mail clients expect: text and HTML become
// multipart/alternative; parts embedded for the HTML (Content-ID, cid: URLs)
// join it in multipart/related; attachments wrap it all in multipart/mixed.
// body(MimePart) sets any other structure, part by part.
//
// Rendering (source(), to_string()) is streaming: a file attachment is read
// as the message goes out, so a 1 GB attachment costs a few buffers, and the
// size is known up front (for SIZE=) whenever every part's size is. Each
// part's transfer encoding is chosen from its content: 7bit when it can go
// as is, quoted-printable for mostly-ASCII text, base64 otherwise; 8bit only
// when RenderOptions says the server takes 8BITMIME. Non-ASCII header text is
// RFC 2047 encoded (raw UTF-8 with SMTPUTF8), parameters RFC 2231, lines
// folded at 78 and never over 998 octets.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "smtpkit/address.hpp"
#include "smtpkit/envelope.hpp"
#include "smtpkit/message_source.hpp"

namespace smtpkit {

class Message;

// How a message is written for one server. Client::send(Message) fills it
// from the server's EHLO; set it yourself for source() and to_string().
struct RenderOptions {
    // RFC 6531/6532: header text and addresses in raw UTF-8 (no RFC 2047,
    // no A-labels). Only when the server offers SMTPUTF8.
    bool smtputf8 = false;
    // 8bit bodies allowed (the server offers 8BITMIME): UTF-8 text goes as
    // is instead of quoted-printable.
    bool eight_bit = false;
};

// One MIME entity: a leaf with content (text, a file, bytes in memory, a
// stream, a whole message) or a multipart holding other parts.
class MimePart {
  public:
    enum class Disposition { none, inline_part, attachment };

    // text/plain or text/html, UTF-8 (line endings become CRLF).
    static MimePart text(std::string utf8, std::string_view subtype = "plain");
    static MimePart html(std::string utf8) { return text(std::move(utf8), "html"); }
    // Content from a file, read each time the message is sent. The media
    // type comes from the file name unless given; the name is the
    // attachment's file name unless set otherwise.
    static MimePart file(const std::filesystem::path& path, std::string_view media_type = {});
    // Content held in memory.
    static MimePart bytes(std::string content, std::string_view media_type,
                          std::string_view filename = {});
    // Content read from any MessageSource (a stream makes the message
    // one-shot, and of unknown size when the source's size is unknown).
    static MimePart stream(MessageSource content, std::string_view media_type,
                           std::string_view filename = {});
    // A whole message as message/rfc822 (a forwarded message).
    static MimePart message(const Message& message);
    // An existing RFC 5322 message file as message/rfc822.
    static MimePart message_file(const std::filesystem::path& path);
    // multipart/<subtype>: "mixed", "alternative", "related", ...
    static MimePart multipart(std::string_view subtype, std::vector<MimePart> parts);

    MimePart& filename(std::string_view name);  // Content-Disposition filename (RFC 2231)
    MimePart& disposition(Disposition d);
    // Content-ID without <> (printable US-ASCII, no spaces): what an HTML
    // part names as "cid:<id>". Makes the part inline unless a disposition
    // is set.
    MimePart& content_id(std::string_view id);
    MimePart& description(std::string_view utf8);                     // Content-Description
    MimePart& header(std::string_view name, std::string_view value);  // any other field

    const std::string& media_type() const;
    bool is_multipart() const;

    struct Data;  // src/message/mime_part.cpp

  private:
    explicit MimePart(std::shared_ptr<Data> data) : data_(std::move(data)) {}
    Data& own();  // copy-on-write: parts are values

    std::shared_ptr<const Data> data_;
    friend class Renderer;
};

class Message {
  public:
    Message();  // draws the Message-ID's random part

    // Address fields: an RFC 5322 address list ("Name <a@b>, c@d", groups,
    // comments; semicolons as separators too) or one Mailbox. Each call
    // adds to the field.
    Message& from(std::string_view list);
    Message& from(Mailbox mailbox);
    Message& sender(std::string_view mailbox);  // one mailbox, replaces
    Message& to(std::string_view list);
    Message& to(Mailbox mailbox);
    Message& cc(std::string_view list);
    Message& cc(Mailbox mailbox);
    // Recipients who get the message without appearing in it: in the
    // envelope, never in what is sent.
    Message& bcc(std::string_view list);
    Message& bcc(Mailbox mailbox);
    Message& reply_to(std::string_view list);

    Message& subject(std::string_view utf8);
    // Default: the time the message is rendered.
    Message& date(std::chrono::system_clock::time_point when);
    // "<id@domain>" or "id@domain": printable US-ASCII, no spaces (the same
    // for in_reply_to() and references()). Default: a random one in the
    // domain of the first From address, the same each time this message is
    // sent.
    Message& message_id(std::string_view id);
    Message& in_reply_to(std::string_view id);
    Message& references(std::vector<std::string> ids);
    // Any other header field; "Bcc", "Content-*" and "MIME-Version" are the
    // builder's own and refused here.
    Message& header(std::string_view name, std::string_view value);

    // The body. text() and html() together make multipart/alternative.
    Message& text(std::string utf8);
    Message& html(std::string utf8);
    // A part the HTML refers to by its Content-ID ("cid:logo").
    Message& embed(MimePart part);
    Message& embed_file(const std::filesystem::path& path, std::string_view content_id,
                        std::string_view media_type = {});
    Message& attach(MimePart part);
    Message& attach_file(const std::filesystem::path& path, std::string_view media_type = {});
    // Any structure: replaces what text(), html(), embed() and attach() make.
    Message& body(MimePart part);

    const std::vector<Mailbox>& from() const { return from_; }
    const std::vector<Mailbox>& to() const { return to_; }
    const std::vector<Mailbox>& cc() const { return cc_; }
    const std::vector<Mailbox>& bcc() const { return bcc_; }

    // The envelope: the reverse-path is Sender, else the first From; the
    // recipients every To, Cc and Bcc address once each, in that order.
    // Domains are A-labels unless `smtputf8` (then as written).
    Envelope envelope(bool smtputf8 = false) const;
    // True when something needs SMTPUTF8 to go as written: a non-ASCII
    // local part in any address (domains can become A-labels instead).
    bool needs_smtputf8() const;

    // The message as it goes out, streamed; restartable unless a part is a
    // one-shot stream. The size is known when every part's size is.
    MessageSource source(const RenderOptions& options = {}) const;
    // The whole message in memory (small messages, tests).
    std::string to_string(const RenderOptions& options = {}) const;

  private:
    friend class Renderer;

    std::vector<Mailbox> from_, to_, cc_, bcc_, reply_to_;
    std::optional<Mailbox> sender_;
    std::optional<std::string> subject_;
    std::optional<std::chrono::system_clock::time_point> date_;
    std::string message_id_;  // set by message_id(); else made from id_token_
    std::string id_token_;    // random, drawn once per Message
    std::string in_reply_to_;
    std::vector<std::string> references_;
    std::vector<std::pair<std::string, std::string>> headers_;
    std::optional<std::string> text_, html_;
    std::vector<MimePart> embedded_, attachments_;
    std::optional<MimePart> body_;
};

}  // namespace smtpkit
