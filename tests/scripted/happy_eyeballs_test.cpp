// Connecting: the order of addresses (PREFER_IPV6, families interleaved) and
// the Happy Eyeballs race (RFC 8305), with injected endpoint lists and
// connect steps, then with real loopback sockets: a blackholed address (a
// full accept queue) must not delay a working one by more than the stagger,
// and servers on ::1 only, 127.0.0.1 only and both.
#include <gtest/gtest.h>

#include <asio/io_context.hpp>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "smtpkit/client.hpp"
#include "smtpkit/error.hpp"
#include "support/loopback_listeners.hpp"
#include "transport/connection.hpp"
#include "transport/happy_eyeballs.hpp"

namespace smtpkit::transport {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using test::Blackhole;
using test::GreetingServer;

// Scheduling on a shared, loaded machine: generous, yet far below the
// seconds a blackholed connect would cost without the race.
constexpr auto slack = 150ms;

tcp::endpoint ep(const char* address, std::uint16_t port) {
    return {asio::ip::make_address(address), port};
}

std::vector<std::string> names(const std::vector<tcp::endpoint>& endpoints) {
    std::vector<std::string> out;
    for (const auto& e : endpoints) {
        out.push_back(e.address().to_string() + "/" + std::to_string(e.port()));
    }
    return out;
}

long ms(Clock::duration d) {
    return static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(d).count());
}

TEST(EndpointOrder, InterleavesFamiliesStartingWithTheResolversFirst) {
    const std::vector<tcp::endpoint> resolved = {ep("192.0.2.1", 1), ep("192.0.2.2", 2),
                                                 ep("2001:db8::1", 3), ep("2001:db8::2", 4),
                                                 ep("2001:db8::3", 5)};
    EXPECT_EQ(names(order_endpoints(resolved, false)),
              (std::vector<std::string>{"192.0.2.1/1", "2001:db8::1/3", "192.0.2.2/2",
                                        "2001:db8::2/4", "2001:db8::3/5"}));
    EXPECT_EQ(names(order_endpoints(resolved, true)),
              (std::vector<std::string>{"2001:db8::1/3", "192.0.2.1/1", "2001:db8::2/4",
                                        "192.0.2.2/2", "2001:db8::3/5"}));
}

TEST(EndpointOrder, OneFamilyKeepsItsOrderAndPreferenceNeedsAnIpv6Address) {
    const std::vector<tcp::endpoint> v4 = {ep("192.0.2.2", 1), ep("192.0.2.1", 2)};
    EXPECT_EQ(names(order_endpoints(v4, true)), names(v4));
    const std::vector<tcp::endpoint> v6_first = {ep("::1", 1), ep("127.0.0.1", 2)};
    EXPECT_EQ(names(order_endpoints(v6_first, false)), names(v6_first));
}

// A connect step that records when each attempt started and lets the test
// say how each endpoint behaves: by port, 1 = never completes (blackhole),
// 2 = refused at once, anything else = a real connect.
struct ScriptedStep {
    Clock::time_point start = Clock::now();
    std::vector<std::pair<std::uint16_t, long>> started;  // port, ms after start
    std::vector<std::function<void(std::error_code)>> hanging;
    std::vector<tcp::socket*> hanging_sockets;
    std::vector<bool> hanging_open_at_end;  // run_race: is_open() of each, before teardown

    ConnectStep step() {
        return [this](tcp::socket& socket, const tcp::endpoint& e,
                      std::function<void(std::error_code)> done) {
            started.emplace_back(e.port(), ms(Clock::now() - start));
            if (e.port() == 1) {
                hanging.push_back(std::move(done));
                hanging_sockets.push_back(&socket);
            } else if (e.port() == 2) {
                done(make_error_code(asio::error::connection_refused));
            } else {
                default_connect_step()(socket, e, std::move(done));
            }
        };
    }
};

struct RaceOutcome {
    std::error_code ec;
    tcp::endpoint winner;
    long elapsed_ms = -1;
};

RaceOutcome run_race(std::vector<tcp::endpoint> endpoints, ScriptedStep& script,
                     Clock::duration stagger = default_stagger) {
    asio::io_context io;
    RaceOutcome out;
    script.start = Clock::now();
    auto race =
        ConnectRace::start(io.get_executor(), std::move(endpoints), stagger, script.step(),
                           [&](std::error_code ec, tcp::socket socket, tcp::endpoint winner) {
                               out.ec = ec;
                               out.winner = winner;
                               out.elapsed_ms = ms(Clock::now() - script.start);
                               EXPECT_EQ(socket.is_open(), !ec);
                           });
    io.run_for(5s);
    // The hanging steps hold the race; it must go before the io_context its
    // timer and sockets belong to.
    for (const tcp::socket* socket : script.hanging_sockets) {
        script.hanging_open_at_end.push_back(socket->is_open());
    }
    script.hanging.clear();
    script.hanging_sockets.clear();
    race.reset();
    return out;
}

TEST(ConnectRace, BlackholedFirstAddressCostsOneStagger) {
    GreetingServer good("127.0.0.1", "good");
    ScriptedStep script;
    const RaceOutcome o = run_race({ep("127.0.0.1", 1), good.endpoint()}, script);
    ASSERT_FALSE(o.ec) << o.ec.message();
    EXPECT_EQ(o.winner, good.endpoint());
    ASSERT_EQ(script.started.size(), 2u);
    EXPECT_GE(script.started[1].second, 240);
    EXPECT_LE(o.elapsed_ms, 250 + ms(slack));
    std::printf("[ measure ] blackholed first address (injected): working second after %ld ms\n",
                o.elapsed_ms);
    // The loser was closed when the winner connected.
    ASSERT_EQ(script.hanging_open_at_end.size(), 1u);
    EXPECT_FALSE(script.hanging_open_at_end[0]);
}

TEST(ConnectRace, FailureStartsTheNextAttemptAtOnce) {
    GreetingServer good("127.0.0.1", "good");
    ScriptedStep script;
    const RaceOutcome o =
        run_race({ep("127.0.0.1", 2), ep("127.0.0.1", 2), good.endpoint()}, script);
    ASSERT_FALSE(o.ec) << o.ec.message();
    EXPECT_EQ(o.winner, good.endpoint());
    EXPECT_EQ(script.started.size(), 3u);
    EXPECT_LT(o.elapsed_ms, 100);  // no stagger waited
}

TEST(ConnectRace, StaggerPacesEachNewAttempt) {
    GreetingServer good("127.0.0.1", "good");
    ScriptedStep script;
    const RaceOutcome o =
        run_race({ep("::1", 1), ep("127.0.0.1", 1), ep("::1", 1), good.endpoint()}, script, 100ms);
    ASSERT_FALSE(o.ec);
    ASSERT_EQ(script.started.size(), 4u);
    for (std::size_t i = 1; i < 4; ++i) {
        EXPECT_GE(script.started[i].second - script.started[i - 1].second, 95) << i;
    }
    EXPECT_LE(o.elapsed_ms, 300 + ms(slack));
}

TEST(ConnectRace, AllFailingGivesTheLastError) {
    ScriptedStep script;
    const RaceOutcome o = run_race({ep("127.0.0.1", 2), ep("::1", 2)}, script);
    EXPECT_EQ(o.ec, asio::error::connection_refused);
    EXPECT_EQ(script.started.size(), 2u);
    EXPECT_LT(o.elapsed_ms, 100);
}

TEST(ConnectRace, EmptyListFails) {
    ScriptedStep script;
    const RaceOutcome o = run_race({}, script);
    EXPECT_TRUE(o.ec);
}

// The connection's timeout bounds the whole race, not each attempt.
TEST(ConnectRace, TimeoutBoundsTheWholeRace) {
    asio::io_context io;  // first, so that it goes last: the race lives in `script`
    ScriptedStep script;
    Connection connection(io.get_executor());
    ConnectSettings settings;
    settings.step = script.step();
    std::error_code result;
    const auto start = Clock::now();
    connection.async_connect({ep("127.0.0.1", 1), ep("::1", 1), ep("127.0.0.1", 1)}, settings,
                             400ms, [&](std::error_code ec) { result = ec; });
    io.run_for(5s);
    const long elapsed = ms(Clock::now() - start);
    EXPECT_EQ(result, error::timeout);
    EXPECT_GE(elapsed, 390);
    EXPECT_LE(elapsed, 400 + ms(slack));
    EXPECT_EQ(script.started.size(), 2u);  // at 0 and 250 ms; the third never started
    EXPECT_FALSE(connection.is_open());
}

// ---- real sockets -------------------------------------------------------------

struct ConnectResult {
    std::error_code ec;
    std::string remote;
    long elapsed_ms = 0;
};

ConnectResult connect_to(const std::vector<tcp::endpoint>& endpoints, bool prefer_ipv6,
                         Duration timeout = 5s) {
    asio::io_context io;
    Connection connection(io.get_executor());
    ConnectSettings settings;
    settings.prefer_ipv6 = prefer_ipv6;
    ConnectResult out;
    const auto start = Clock::now();
    connection.async_connect(endpoints, settings, timeout,
                             [&](std::error_code ec) { out.ec = ec; });
    io.run_for(10s);
    out.elapsed_ms = ms(Clock::now() - start);
    out.remote = connection.remote_endpoint();
    return out;
}

TEST(HappyEyeballsLoopback, ABlackholeReallyHangsAConnect) {
    // The premise of the next tests: without the race, a connect to it waits.
    Blackhole hole("127.0.0.1");
    const ConnectResult o = connect_to({hole.endpoint()}, false, 700ms);
    EXPECT_EQ(o.ec, error::timeout);
    EXPECT_GE(o.elapsed_ms, 690);
}

TEST(HappyEyeballsLoopback, BlackholedIpv6DoesNotDelayIpv4ByMoreThanTheStagger) {
    Blackhole hole("::1");
    GreetingServer v4("127.0.0.1", "v4");
    const ConnectResult o = connect_to({v4.endpoint(), hole.endpoint()}, true);
    ASSERT_FALSE(o.ec) << o.ec.message();
    EXPECT_EQ(o.remote, "127.0.0.1:" + std::to_string(v4.port()));
    EXPECT_GE(o.elapsed_ms, 240);  // ::1 was tried first, as preferred
    EXPECT_LE(o.elapsed_ms, 250 + ms(slack));
    std::printf(
        "[ measure ] blackholed [::1] first: 127.0.0.1 connected after %ld ms "
        "(stagger 250 ms)\n",
        o.elapsed_ms);
}

TEST(HappyEyeballsLoopback, BlackholedIpv4DoesNotDelayIpv6ByMoreThanTheStagger) {
    Blackhole hole("127.0.0.1");
    GreetingServer v6("::1", "v6");
    const ConnectResult o = connect_to({hole.endpoint(), v6.endpoint()}, false);
    ASSERT_FALSE(o.ec) << o.ec.message();
    EXPECT_EQ(o.remote, "::1:" + std::to_string(v6.port()));
    EXPECT_LE(o.elapsed_ms, 250 + ms(slack));
}

TEST(HappyEyeballsLoopback, BothFamiliesPreferIpv6PicksIpv6) {
    GreetingServer v4("127.0.0.1", "v4");
    GreetingServer v6("::1", "v6");
    const std::vector<tcp::endpoint> resolved = {v4.endpoint(), v6.endpoint()};
    EXPECT_EQ(connect_to(resolved, true).remote, "::1:" + std::to_string(v6.port()));
    EXPECT_EQ(connect_to(resolved, false).remote, "127.0.0.1:" + std::to_string(v4.port()));
}

// ---- end to end through Client, with literal addresses ---------------------------

std::string greeting_of(const std::string& host, std::uint16_t port, Option extra) {
    Client client;
    ConnectOptions options;
    options.security = Security::plaintext;
    options.options = extra;
    options.timeout = std::chrono::seconds(5);
    options.helo_name = "client.example";
    std::error_code ec;
    client.connect(host, port, options, ec);
    EXPECT_FALSE(ec) << host << ": " << ec.message();
    const std::string reply = client.last_reply().summary();
    client.quit(ec);
    return reply;
}

TEST(HappyEyeballsClient, ServerOnIpv6Only) {
    GreetingServer v6("::1", "only-v6");
    EXPECT_NE(greeting_of("::1", v6.port(), Option::none).find("only-v6"), std::string::npos);
    EXPECT_NE(greeting_of("::1", v6.port(), Option::prefer_ipv6).find("only-v6"),
              std::string::npos);
}

TEST(HappyEyeballsClient, ServerOnIpv4Only) {
    GreetingServer v4("127.0.0.1", "only-v4");
    EXPECT_NE(greeting_of("127.0.0.1", v4.port(), Option::prefer_ipv6).find("only-v4"),
              std::string::npos);
    // localhost resolves to 127.0.0.1 only here; prefer_ipv6 changes nothing.
    EXPECT_NE(greeting_of("localhost", v4.port(), Option::prefer_ipv6).find("only-v4"),
              std::string::npos);
}

TEST(HappyEyeballsClient, TunnelWithoutAProxyIsAMisuseNotADirectConnection) {
    GreetingServer v4("127.0.0.1", "direct");
    Client client;
    ConnectOptions options;
    options.options = Option::tunnel;
    std::error_code ec;
    client.connect("127.0.0.1", v4.port(), options, ec);
    EXPECT_EQ(ec, error::proxy_not_configured);
    EXPECT_EQ(ec, condition::misuse);
    EXPECT_TRUE(client.last_reply().empty());  // nothing was read from the server
}

}  // namespace
}  // namespace smtpkit::transport
