#include "support/proxy_servers.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <thread>

namespace smtpkit::test {
namespace {

// True once something accepts TCP connections on 127.0.0.1:port.
bool accepts(std::uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return false;
    }
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port);
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    ::close(fd);
    return ok;
}

std::string dante_conf(std::uint16_t port) {
    return "logoutput: stderr\n"
           "internal: 127.0.0.1 port = " +
           std::to_string(port) +
           "\n"
           "external: 127.0.0.1\n"
           "clientmethod: none\n"
           "socksmethod: none\n"
           "user.privileged: root\n"
           "user.unprivileged: nobody\n"
           "client pass { from: 127.0.0.0/8 to: 0.0.0.0/0 }\n"
           "socks pass { from: 127.0.0.0/8 to: 0.0.0.0/0 command: connect }\n";
}

std::string tinyproxy_conf(std::uint16_t port, const ProxyServerOptions& o) {
    std::string conf = "User nobody\nGroup nogroup\nPort " + std::to_string(port) +
                       "\nListen 127.0.0.1\nAllow 127.0.0.1\nTimeout 30\nLogLevel Info\n"
                       "MaxClients 20\n";
    for (const std::uint16_t p : o.connect_ports) {
        conf += "ConnectPort " + std::to_string(p) + "\n";
    }
    if (!o.user.empty()) {
        conf += "BasicAuth " + o.user + " " + o.password + "\n";
    }
    return conf;
}

}  // namespace

const char* to_string(ProxyProgram program) {
    switch (program) {
        case ProxyProgram::microsocks:
            return "microsocks";
        case ProxyProgram::dante:
            return "dante";
        case ProxyProgram::tinyproxy:
            return "tinyproxy";
    }
    return "?";
}

std::vector<std::string> ProxyServer::command(std::uint16_t port) const {
    const std::string conf = (dir_.path() / "proxy.conf").string();
    switch (options_.program) {
        case ProxyProgram::microsocks: {
            std::vector<std::string> argv = {"microsocks", "-i", "127.0.0.1", "-p",
                                             std::to_string(port)};
            if (!options_.user.empty()) {
                argv.insert(argv.end(), {"-u", options_.user, "-P", options_.password});
            }
            return argv;
        }
        case ProxyProgram::dante:
            write_file(conf, dante_conf(port));
            return {"/usr/sbin/danted", "-f", conf, "-N", "1"};
        case ProxyProgram::tinyproxy:
            write_file(conf, tinyproxy_conf(port, options_));
            return {"tinyproxy", "-d", "-c", conf};
    }
    return {};
}

// Starts the proxy on `port`; false when it exits (the port was taken
// meanwhile) or does not accept in time.
bool ProxyServer::start(std::uint16_t port) {
    process_ = ChildProcess(command(port), dir_.path() / "stdout", dir_.path() / "stderr");
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
        if (!process_.running()) {
            return false;
        }
        if (accepts(port)) {
            port_ = port;
            return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    process_.stop();
    return false;
}

ProxyServer::ProxyServer(ProxyServerOptions options)
    : options_(std::move(options)), dir_("smtpkit-proxy-") {
    for (int attempt = 0; attempt < 3; ++attempt) {
        if (start(free_loopback_port())) {
            return;
        }
    }
    throw std::runtime_error(std::string(to_string(options_.program)) + " did not start:\n" +
                             log());
}

ProxyServer::~ProxyServer() {
    process_.stop(std::chrono::seconds(2), true);
}

std::string ProxyServer::log() const {
    return read_file(dir_.path() / "stdout") + read_file(dir_.path() / "stderr");
}

}  // namespace smtpkit::test
