// The fault-injection matrix: a scripted server walks a whole session
// (greeting, EHLO, STARTTLS, EHLO over TLS, AUTH, the EHLO after it, MAIL,
// three RCPTs, DATA, the end of data, a second message, QUIT) and at one step
// answers with a fault instead of its reply. For every step x fault:
//   - every call returns within its bound (the timeout + 1 s; a trickle
//     only the deadline can end: the deadline + 1 s);
//   - the call that fails is the one that owns the step, and its error
//     names the step (the step in last_error_detail(), or the refusal's own
//     code for a 421);
//   - the verdict is exact: `unknown` only when the end of data was written
//     and its reply never came, `delivered` only for what the server stored;
//   - the same Client connects again and delivers.
// docs/reliability.md prints the matrix.
#include <gtest/gtest.h>

#include <chrono>
#include <iostream>
#include <string>
#include <vector>

#include "scripted/client_fixture.hpp"
#include "support/test_certs.hpp"

namespace smtpkit::test {
namespace {

enum class Step {
    greeting,
    ehlo,
    starttls,
    ehlo_tls,
    auth,
    ehlo_auth,
    mail,
    rcpt1,
    rcpt2,
    rcpt3,
    data,
    end_of_data,
    second_mail,
    quit,
};

enum class Fault {
    reset,            // RST instead of the reply
    close,            // FIN instead of the reply
    code_421,         // 421, then FIN
    stall,            // never answers
    trickle,          // the reply one octet every 300 ms: only the deadline ends it
    garbage,          // octets that are no reply
    cut_mid_line,     // part of a multi-line reply, then FIN
    one_byte_writes,  // the right reply, one octet per write: not a fault at all
};

const char* name(Step s) {
    static constexpr const char* names[] = {
        "Greeting", "Ehlo",  "Starttls", "EhloTls", "Auth",      "EhloAuth",   "Mail",
        "Rcpt1",    "Rcpt2", "Rcpt3",    "Data",    "EndOfData", "SecondMail", "Quit"};
    return names[static_cast<int>(s)];
}

const char* name(Fault f) {
    static constexpr const char* names[] = {"Reset",   "Close",   "Code421",    "Stall",
                                            "Trickle", "Garbage", "CutMidLine", "OneByteWrites"};
    return names[static_cast<int>(f)];
}

constexpr auto timeout = std::chrono::seconds(1);
constexpr auto deadline = std::chrono::milliseconds(2500);
const std::vector<std::string> extensions = {"STARTTLS", "AUTH PLAIN", "8BITMIME"};
const std::vector<std::string> extensions_tls = {"AUTH PLAIN", "8BITMIME"};

std::string ehlo_reply(const std::vector<std::string>& ext) {
    std::string r = "250-test.invalid greets you\r\n";
    for (std::size_t i = 0; i < ext.size(); ++i) {
        r += (i + 1 == ext.size() ? "250 " : "250-") + ext[i] + "\r\n";
    }
    return r;
}

// Builds the faulty connection's script step by step.
class Dialogue {
  public:
    Dialogue(Step at, Fault fault) : at_(at), fault_(fault) {}

    // The reply to `step`, or the fault in its place. False: the session
    // ends here (the script stops).
    bool reply(Step step, const std::string& normal) {
        if (step != at_) {
            script_.send(normal);
            return true;
        }
        switch (fault_) {
            case Fault::reset:
                script_.abort();
                return false;
            case Fault::close:
                script_.close();
                return false;
            case Fault::code_421:
                script_.send("421 4.3.2 test.invalid shutting down\r\n").close();
                return false;
            case Fault::stall:
                script_.stall();
                return false;
            case Fault::trickle:
                script_.send_split("250 2.0.0 " + std::string(20, 'z') + "\r\n", 1, Millis(300));
                return false;
            case Fault::garbage:
                script_.send(std::string("\x16\x03\x01\x00 not smtp \xff\xfe\r\n", 19)).close();
                return false;
            case Fault::cut_mid_line:
                script_.send("250-first line\r\n250 seco").close();
                return false;
            case Fault::one_byte_writes:
                script_.send_split(normal, 1, Millis(1));
                return true;
        }
        return false;
    }

    Script& script() { return script_; }

  private:
    Step at_;
    Fault fault_;
    Script script_;
};

// The whole session, the fault at `at`.
Script faulty_session(Step at, Fault fault, const TlsServerConfig& tls) {
    Dialogue d(at, fault);
    Script& s = d.script();
    if (!d.reply(Step::greeting, "220 test.invalid ESMTP ready\r\n")) {
        return s;
    }
    s.expect("EHLO ");
    if (!d.reply(Step::ehlo, ehlo_reply(extensions))) {
        return s;
    }
    s.expect("STARTTLS");
    if (!d.reply(Step::starttls, "220 2.0.0 go ahead\r\n")) {
        return s;
    }
    s.start_tls(tls).expect("EHLO ");
    if (!d.reply(Step::ehlo_tls, ehlo_reply(extensions_tls))) {
        return s;
    }
    s.expect("AUTH PLAIN ");
    if (!d.reply(Step::auth, "235 2.7.0 ok\r\n")) {
        return s;
    }
    s.expect("EHLO ");
    if (!d.reply(Step::ehlo_auth, ehlo_reply(extensions_tls))) {
        return s;
    }
    s.expect("MAIL FROM:");
    if (!d.reply(Step::mail, "250 2.1.0 ok\r\n")) {
        return s;
    }
    for (Step rcpt : {Step::rcpt1, Step::rcpt2, Step::rcpt3}) {
        s.expect("RCPT TO:");
        if (!d.reply(rcpt, "250 2.1.5 ok\r\n")) {
            return s;
        }
    }
    s.expect("DATA");
    if (!d.reply(Step::data, "354 go ahead\r\n")) {
        return s;
    }
    s.expect_data();
    if (!d.reply(Step::end_of_data, "250 2.0.0 queued as ONE\r\n")) {
        return s;
    }
    s.expect("MAIL FROM:");
    if (!d.reply(Step::second_mail, "250 2.1.0 ok\r\n")) {
        return s;
    }
    s.expect("RCPT TO:").send("250 2.1.5 ok\r\n").expect("DATA").send("354 go ahead\r\n");
    s.expect_data().send("250 2.0.0 queued as TWO\r\n").expect("QUIT");
    d.reply(Step::quit, "221 2.0.0 bye\r\n");
    return s;
}

// The session after the fault: the same client delivers one message.
Script recovery_session(const TlsServerConfig& tls) {
    Script s = Script::esmtp(extensions);
    s.accept_starttls(tls).ehlo(extensions_tls);
    s.expect("AUTH PLAIN ").send("235 2.7.0 ok\r\n").ehlo(extensions_tls);
    s.expect("MAIL FROM:").send("250 2.1.0 ok\r\n").expect("RCPT TO:").send("250 2.1.5 ok\r\n");
    s.expect("DATA").send("354 go ahead\r\n").expect_data().send("250 2.0.0 queued\r\n");
    return s.quit();
}

ConnectOptions options() {
    ConnectOptions o;
    o.security = Security::starttls;
    o.tls.ca_file = test_certificates().ca_file;
    o.timeout = timeout;
    o.deadline = deadline;
    o.helo_name = helo_name;
    return o;
}

// The calls of a session, in order; each step belongs to one.
enum class Call { connect, authenticate, send_first, send_second, quit, none };

Call owner(Step s) {
    if (s <= Step::ehlo_tls) {
        return Call::connect;
    }
    if (s <= Step::ehlo_auth) {
        return Call::authenticate;
    }
    if (s <= Step::end_of_data) {
        return Call::send_first;
    }
    return s == Step::second_mail ? Call::send_second : Call::quit;
}

// What last_error_detail() says when the connection failed at the step.
std::string words(Step s) {
    switch (s) {
        case Step::greeting:
            return "waiting for the greeting";
        case Step::ehlo:
        case Step::ehlo_tls:
        case Step::ehlo_auth:
            return "waiting for the reply to EHLO";
        case Step::starttls:
            return "waiting for the reply to STARTTLS";
        case Step::auth:
            return "waiting for the reply to AUTH";
        case Step::mail:
        case Step::second_mail:
            return "waiting for the reply to MAIL FROM";
        case Step::rcpt1:
        case Step::rcpt2:
        case Step::rcpt3:
            return "waiting for the reply to RCPT TO";
        case Step::data:
            return "waiting for the reply to DATA";
        case Step::end_of_data:
            return "waiting for the reply to the end of data";
        case Step::quit:
            return "waiting for the reply to QUIT";
    }
    return {};
}

const std::vector<Recipient> three = {"a@example.com", "b@example.com", "c@example.com"};

struct Cell {
    Step step;
    Fault fault;
};

class FaultMatrix : public ::testing::TestWithParam<Cell> {
  protected:
    // Runs `call` and checks it returned within its bound.
    template <typename F>
    void bounded(const char* what, F&& call) {
        Stopwatch watch;
        call();
        const auto limit = (GetParam().fault == Fault::trickle ? deadline : timeout) + 1s;
        EXPECT_LE(watch.elapsed(), limit) << what << " took too long";
    }
};

TEST_P(FaultMatrix, BoundedExactAndRecovers) {
    const auto [step, fault] = GetParam();
    const TestCertificates& pki = test_certificates();
    const TlsServerConfig tls = server_tls(pki.good);
    ScriptServer server({faulty_session(step, fault, tls), recovery_session(tls)});
    Client client;

    Call failed = Call::none;
    std::error_code ec;
    SendResult first;
    SendResult second;
    bounded("connect", [&] { client.connect("localhost", server.port(), options(), ec); });
    failed = ec ? Call::connect : failed;
    if (!ec) {
        bounded("authenticate",
                [&] { client.authenticate("user", "pw", AuthMechanism::plain, ec); });
        failed = ec ? Call::authenticate : failed;
    }
    if (!ec) {
        bounded("send", [&] { first = client.send(envelope_to(three), message(), ec); });
        // A refusal is the message's answer, not the call's error; either
        // way the message failed here.
        failed = ec || !first.delivered() ? Call::send_first : failed;
        ec = ec ? ec : first.error;
    }
    if (!ec) {
        bounded("second send",
                [&] { second = client.send(envelope_to({"d@example.com"}), message(), ec); });
        failed = ec || !second.delivered() ? Call::send_second : failed;
        ec = ec ? ec : second.error;
    }
    if (!ec) {
        bounded("quit", [&] { client.quit(ec); });
        failed = ec ? Call::quit : failed;
    }

    // The failing call is the step's, and its error says where.
    const bool harmless = fault == Fault::one_byte_writes;
    const Call expected_failure = harmless ? Call::none : owner(step);
    if (expected_failure == Call::quit) {
        // A QUIT that gets no answer still ends the session: not an error
        // worth failing the call for, but never a hang.
        EXPECT_TRUE(failed == Call::quit || failed == Call::none);
    } else {
        EXPECT_EQ(static_cast<int>(failed), static_cast<int>(expected_failure))
            << "error: " << ec.message() << " (" << client.last_error_detail() << ")";
    }
    if (failed != Call::none && failed != Call::quit) {
        if (fault == Fault::code_421) {
            EXPECT_EQ(client.last_reply().code, 421) << ec.message();
        } else if (step == Step::greeting && fault == Fault::reset) {
            // A reset that comes at once may end the TCP connect itself.
            const std::string& detail = client.last_error_detail();
            EXPECT_TRUE(detail == words(step) || detail.rfind("connecting to localhost", 0) == 0)
                << detail;
        } else {
            EXPECT_EQ(client.last_error_detail(), words(step)) << ec.message();
        }
    }

    // Verdicts: exact, and consistent with what the server stored.
    const bool first_stored = harmless || step >= Step::end_of_data;
    const bool second_stored = harmless || step == Step::quit;
    if (owner(step) == Call::send_first && !harmless) {
        const bool end_written = step == Step::end_of_data;
        const Verdict want =
            end_written && fault != Fault::code_421 ? Verdict::unknown : Verdict::not_delivered;
        EXPECT_EQ(first.verdict, want) << first.error.message();
    } else if (first_stored) {
        EXPECT_EQ(first.verdict, Verdict::delivered);
    }
    if (step == Step::second_mail && !harmless) {
        EXPECT_EQ(second.verdict, Verdict::not_delivered);
    } else if (second_stored) {
        EXPECT_EQ(second.verdict, Verdict::delivered);
    }
    const std::size_t first_connection = (first_stored ? 1u : 0u) + (second_stored ? 1u : 0u);
    EXPECT_EQ(server.messages().size(), first_connection);

    // One line per cell for docs/reliability.md (scripts/reliability_table.sh).
    const char* calls[] = {"connect", "authenticate", "send", "second send", "quit", "-"};
    std::cout << "matrix|" << name(step) << '|' << name(fault) << '|'
              << calls[static_cast<int>(failed)] << '|'
              << (!ec                                 ? std::string("-")
                  : ec.category() == error_category() ? to_string(static_cast<error>(ec.value()))
                                                      : ec.message())
              << '|' << client.last_error_detail() << '|' << to_string(first.verdict) << '|'
              << to_string(second.verdict) << '\n';

    // A 421 closed the session: the client knows it.
    if (fault == Fault::code_421 && failed != Call::none) {
        EXPECT_FALSE(client.connected());
    }

    // The same client connects again and delivers.
    client.quit(ec);
    std::error_code again;
    bounded("reconnect", [&] { client.connect("localhost", server.port(), options(), again); });
    ASSERT_FALSE(again) << again.message() << " (" << client.last_error_detail() << ")";
    client.authenticate("user", "pw", AuthMechanism::plain, again);
    ASSERT_FALSE(again) << again.message();
    const SendResult after = client.send(envelope_to({"e@example.com"}), message(), again);
    EXPECT_EQ(after.verdict, Verdict::delivered) << again.message();
    client.quit();
    ASSERT_TRUE(server.wait_done(Millis(10000)));
    EXPECT_EQ(server.messages().size(), first_connection + 1);
}

std::vector<Cell> every_cell() {
    std::vector<Cell> cells;
    for (int s = 0; s <= static_cast<int>(Step::quit); ++s) {
        for (int f = 0; f <= static_cast<int>(Fault::one_byte_writes); ++f) {
            cells.push_back({static_cast<Step>(s), static_cast<Fault>(f)});
        }
    }
    return cells;
}

INSTANTIATE_TEST_SUITE_P(EveryStepAndFault, FaultMatrix, ::testing::ValuesIn(every_cell()),
                         [](const ::testing::TestParamInfo<Cell>& info) {
                             return std::string(name(info.param.step)) + name(info.param.fault);
                         });

}  // namespace
}  // namespace smtpkit::test
