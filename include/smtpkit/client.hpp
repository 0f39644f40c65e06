// smtpkit::Client: one SMTP session, blocking. Every call waits at most the
// connect timeout for each read and write; a silent server fails the call
// with smtpkit::error::timeout.
//
// Each operation has two forms: one that throws smtpkit::system_error, and
// one that takes std::error_code& and does not throw. A 4xx/5xx reply is an
// answer, not an exception, wherever the session can go on: send() reports
// each recipient's reply in its SendResult; verify()/expand()/command()
// return the reply. Where the session cannot go on (greeting, EHLO, MAIL FROM
// refused; protocol violations; lost connection) the call fails, and
// last_reply() holds what the server said.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <vector>

#include "smtpkit/auth.hpp"
#include "smtpkit/envelope.hpp"
#include "smtpkit/error.hpp"
#include "smtpkit/message_source.hpp"
#include "smtpkit/options.hpp"
#include "smtpkit/protocol/capabilities.hpp"
#include "smtpkit/reply.hpp"
#include "smtpkit/tls.hpp"

namespace smtpkit {

using Capabilities = protocol::Capabilities;
using ExtendedOption = protocol::ExtendedOption;

// One message for send_many().
struct OutgoingMessage {
    Envelope envelope;
    MessageSource message;
};

enum class TraceDirection { client, server, info };
// One line of the dialogue (without CRLF). Message content is not traced,
// only its size.
using TraceHandler = std::function<void(TraceDirection, std::string_view line)>;

class Client {
  public:
    Client();
    ~Client();
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;
    Client(Client&&) noexcept;
    Client& operator=(Client&&) noexcept;

    // Connects, reads the greeting and says EHLO (HELO without extended).
    // Port 0: 25 (465 with secure_implicit); port 587 turns extended on.
    void connect(std::string_view host, std::uint16_t port = 0, const ConnectOptions& options = {});
    void connect(std::string_view host, std::uint16_t port, const ConnectOptions& options,
                 std::error_code& ec);

    // AUTH (RFC 4954). Picks or checks the mechanism against what the server
    // offers ("invalid authentication type" when it lacks it). Passwords and
    // tokens in clear text (PLAIN, LOGIN, XOAUTH2, OAUTHBEARER) are refused
    // on a session without TLS unless ConnectOptions::allow_insecure_auth.
    // Neither secret nor user name appears in traces or error messages.
    void authenticate(std::string_view user, std::string_view secret,
                      AuthMechanism mechanism = AuthMechanism::automatic);
    void authenticate(std::string_view user, std::string_view secret, AuthMechanism mechanism,
                      std::error_code& ec);

    // One message to every recipient in the envelope. The message is sent as
    // given (CRLF-normalised and dot-stuffed on the wire); headers are not
    // read for recipients.
    SendResult send(const Envelope& envelope, MessageSource message);
    SendResult send(const Envelope& envelope, MessageSource message, std::error_code& ec);

    // Several messages on one session, pipelined across messages where the
    // server allows (RFC 2920, RFC 3030): on the DATA path the next message's
    // MAIL and RCPTs go out with the previous end of data; with CHUNKING up
    // to TransferOptions::window messages are in flight at once. One result
    // per message, in order, each with its own verdict and error. Refusals
    // are answers; ec (or the exception) is set only when the session itself
    // failed, and then the messages not yet decided say why in their result.
    // Each result's round_trips counts the waits during that message's
    // lifetime (from its MAIL to its verdict): a wait shared by messages in
    // flight together counts for each of them.
    std::vector<SendResult> send_many(std::vector<OutgoingMessage> messages);
    std::vector<SendResult> send_many(std::vector<OutgoingMessage> messages, std::error_code& ec);

    Reply reset();
    Reply reset(std::error_code& ec);
    Reply noop();
    Reply noop(std::error_code& ec);
    Reply verify(std::string_view address);
    Reply verify(std::string_view address, std::error_code& ec);
    Reply expand(std::string_view list);
    Reply expand(std::string_view list, std::error_code& ec);
    // Any single command line (checked: no CR, LF or controls). Commands that
    // change the session's state (DATA, BDAT, STARTTLS, AUTH, EHLO, HELO,
    // QUIT) have their own methods and are refused here.
    Reply command(std::string_view line);
    Reply command(std::string_view line, std::error_code& ec);

    // QUIT, then close. Safe to call when not connected.
    void quit();
    void quit(std::error_code& ec);
    // Closes the connection at once, without QUIT.
    void disconnect() noexcept;

    // --- threads and cancellation ------------------------------------------
    // A Client belongs to the thread that created it. A call from another
    // thread fails with error::not_owner (the throwing forms throw it) and
    // changes nothing, unless the connection was made with
    // Option::free_thread: then any thread may call, and the caller makes
    // sure two calls never overlap. The observers below (last_reply(), ...)
    // are not checked: call them from the owner, or serialise.
    //
    // Moves ownership to `thread` (default: the calling thread) and returns
    // the previous owner. Any thread may call it, e.g. a worker taking over
    // a connected client; the caller makes sure no call is running then.
    std::thread::id attach_thread(std::thread::id thread = {});
    std::thread::id owner_thread() const noexcept;
    // Safe from any thread: the call in progress (connect, send, ...) ends
    // promptly with error::cancelled and the connection is closed, never
    // reused mid-reply. Without a call in progress it does nothing.
    void cancel() noexcept;

    bool connected() const noexcept;
    const Reply& last_reply() const noexcept;
    std::error_code last_error() const noexcept;
    // Why, where the error code alone cannot say: OpenSSL's reason for a TLS
    // failure ("unable to get local issuer certificate"), the file that could
    // not be loaded. Empty otherwise; a server's refusal is in last_reply().
    // The throwing forms put the same words in what().
    const std::string& last_error_detail() const noexcept;
    // The extensions from the last EHLO (empty after HELO).
    const Capabilities& capabilities() const noexcept;
    const Capabilities& extensions() const noexcept { return capabilities(); }
    // The seed's GetExtendedOptions: the offered extensions as flags.
    ExtendedOption extended_options() const noexcept { return capabilities().flags(); }
    // The TLS session: protocol, cipher, certificate, verification result.
    // `active` is false on a plaintext or closed connection; after a close
    // the rest still describes the last TLS session, until the next connect.
    const SecurityInfo& security_info() const noexcept;

    void set_trace(TraceHandler handler);

    struct Impl;  // src/client/client_impl.hpp

  private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace smtpkit
