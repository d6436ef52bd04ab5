// ntlsd: the Network Trust Link Service. Tiny on purpose: options, the state it keeps
// (settings, client registry, server identity), the HSM side, the TLS side, the bus, and a
// wait for a signal. docs/ntls.md is what clients rely on.
#include "certificate.h"
#include "hsm_control.h"
#include "hsm_link.h"
#include "ntls_bus.h"
#include "registry.h"
#include "settings.h"
#include "tls_context.h"
#include "tls_server.h"

#include "luna/appliance_roles.h"

#include <sdbus-c++/sdbus-c++.h>
#include <systemd/sd-daemon.h>

#include <getopt.h>
#include <syslog.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>

namespace {

void usage() {
    std::fprintf(stderr,
                 "usage: ntlsd --state-dir DIR [--roles FILE] [--port N] [--listen ADDRESS]\n"
                 "             [--data-socket PATH] [--bus-name NAME] [--hsm-bus-name NAME] [--hostname NAME]\n"
                 "             [--log-stderr]\n");
}

unsigned long number(const char* opt, const char* v, unsigned long max) {
    char* end = nullptr;
    errno = 0;
    const unsigned long n = std::strtoul(v, &end, 10);
    if (errno || !*v || *end || n > max) {
        std::fprintf(stderr, "ntlsd: %s needs a number up to %lu, not '%s'\n", opt, max, v);
        std::exit(2);
    }
    return n;
}

std::string hostName() {
    char host[256] = {};
    ::gethostname(host, sizeof host - 1);
    return *host ? host : "localhost";
}

// The identity in the state dir, or a new one (first start, or a pair a crash left unmatched).
luna::ntls::ServerIdentity identity(const std::filesystem::path& dir, const std::string& cn) {
    try {
        auto id = luna::ntls::loadServerIdentity(dir);
        if (id.cert) return id;
    } catch (const std::exception& e) {
        syslog(LOG_ERR, "server certificate unusable (%s); generating a new one", e.what());
    }
    auto id = luna::ntls::generateServerIdentity({.commonName = cn});
    luna::ntls::saveServerIdentity(dir, id);
    syslog(LOG_NOTICE, "generated the NTLS server certificate (CN=%s, fingerprint %s)", cn.c_str(),
           luna::ntls::sha1Fingerprint(id.cert.get()).c_str());
    return id;
}

} // namespace

int main(int argc, char** argv) {
    std::filesystem::path stateDir, dataSocket = "/run/luna-hsm/data.sock";
    std::string roles = "/etc/luna/roles", busName = "com.safenet.Luna.Ntls", hsmBusName = "com.safenet.Luna.Hsm";
    std::string listen, hostname = hostName();
    std::uint16_t port = 1792;
    int logOptions = LOG_PID;
    static const option opts[] = {
        {"state-dir", required_argument, nullptr, 's'},   {"roles", required_argument, nullptr, 'r'},
        {"port", required_argument, nullptr, 'p'},        {"listen", required_argument, nullptr, 'l'},
        {"data-socket", required_argument, nullptr, 'D'}, {"bus-name", required_argument, nullptr, 'b'},
        {"hsm-bus-name", required_argument, nullptr, 'H'}, {"hostname", required_argument, nullptr, 'n'},
        {"log-stderr", no_argument, nullptr, 'e'},        {"help", no_argument, nullptr, 'h'},
        {nullptr, 0, nullptr, 0},
    };
    for (int c; (c = getopt_long(argc, argv, "", opts, nullptr)) != -1;) {
        switch (c) {
        case 's': stateDir = optarg; break;
        case 'r': roles = optarg; break;
        case 'p': port = static_cast<std::uint16_t>(number("--port", optarg, 65535)); break;
        case 'l': listen = optarg; break;
        case 'D': dataSocket = optarg; break;
        case 'b': busName = optarg; break;
        case 'H': hsmBusName = optarg; break;
        case 'n': hostname = optarg; break;
        case 'e': logOptions |= LOG_PERROR; break;   // tests read the log from stderr
        case 'h': usage(); return 0;
        default: usage(); return 2;
        }
    }
    if (stateDir.empty())
        if (const char* sd = std::getenv("STATE_DIRECTORY")) stateDir = sd;   // systemd StateDirectory=
    if (stateDir.empty() || optind != argc || port == 0) {
        usage();
        return 2;
    }
    openlog("ntlsd", logOptions, LOG_DAEMON);

    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &sigs, nullptr);
    std::signal(SIGPIPE, SIG_IGN);

    try {
        using namespace luna::ntls;
        const Settings settings = loadSettings(stateDir / "ntls.conf");
        Registry registry(stateDir / "clients");
        const ServerIdentity id = identity(stateDir, hostname);
        luna::RoleMap roleMap(roles);
        HsmControl hsm(hsmBusName);
        HsmLink link(dataSocket, settings.cmdProcessor);
        TlsServer server(registry, link,
                         ServerConfig{.listenOverride = listen, .port = port, .datapathThreads = settings.datapath,
                                      .keepIdle = settings.keepIdle, .keepInterval = settings.keepInterval,
                                      .keepProbes = settings.keepProbes, .timeout = settings.timeout,
                                      .ipCheck = settings.ipCheck});
        server.setContext(makeServerContext(id));

        auto conn = sdbus::createSystemBusConnection();
        NtlsBus bus(*conn,
                    BusDeps{.roles = roleMap, .registry = registry, .server = server, .hsm = hsm, .stateDir = stateDir,
                            .settings = settings, .port = port, .hostname = hostname},
                    id);
        server.onChange([&bus] { bus.countersChanged(); });
        link.start({.deliver = [&server](std::uint64_t l, luna::proto::Bytes f) { server.deliver(l, std::move(f)); },
                    .lost = [&server](unsigned index) { server.upstreamLost(index); },
                    .beforeConnect = [&bus] { bus.pushAssignments(); }});
        const auto bound = server.start(settings.bindDevice, settings.bindIpv6);
        conn->requestName(busName);
        conn->enterEventLoopAsync();
        sd_notifyf(0, "READY=1\nSTATUS=NTLS on %s port %u", bound.c_str(), static_cast<unsigned>(port));
        syslog(LOG_INFO, "serving %s; NTLS on %s port %u, state in %s", busName.c_str(), bound.c_str(),
               static_cast<unsigned>(port), stateDir.c_str());

        int sig = 0;
        while (sigwait(&sigs, &sig) == 0 && sig == SIGHUP) {
        }
        sd_notify(0, "STOPPING=1");
        syslog(LOG_INFO, "stopping on signal %d", sig);
        server.stop();   // closes every link, telling hsmd
        link.stop();
        conn->leaveEventLoop();
    } catch (const luna::Error& e) {
        std::fprintf(stderr, "ntlsd: %s (%s)\n", e.what(), std::string(e.name()).c_str());
        syslog(LOG_ERR, "%s", e.what());
        return 1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "ntlsd: %s\n", e.what());
        syslog(LOG_ERR, "%s", e.what());
        return 1;
    }
    return 0;
}
