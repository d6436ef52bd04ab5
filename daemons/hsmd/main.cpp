// hsmd: owns the HSM core and serves it on the system bus (DBUS_SYSTEM_BUS_ADDRESS in
// tests). Tiny on purpose: parse options, build the core, publish, wait for a signal.
#include "luna/appliance_roles.h"
#include "client_access_bus.h"
#include "data_plane_service.h"
#include "audit_bus.h"
#include "hsm_bus.h"
#include "work_queue.h"

#include "hsm/hsm.h"
#include "luna/errors.h"

#include <sdbus-c++/sdbus-c++.h>
#include <systemd/sd-daemon.h>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <getopt.h>
#include <pwd.h>
#include <set>
#include <string>
#include <syslog.h>
#include <thread>

namespace {
void usage() {
    std::fprintf(stderr,
                 "usage: hsmd --state-dir DIR [--roles FILE] [--bus-name NAME] [--kdf-iterations N]\n"
                 "            [--licensed-partitions N] [--data-socket PATH] [--ntls-uid UID|USER]\n"
                 "            [--client-assignments FILE] [--usage-without-login]\n"
                 "            [--cbs-user USER|UID] [--audit-capacity RECORDS] [--audit-sync-each]\n"
                 "            [--audit-staging-dir DIR]\n");
}

unsigned long number(const char* opt, const char* v) {
    char* end = nullptr;
    errno = 0;
    unsigned long n = std::strtoul(v, &end, 10);
    if (errno || !*v || *end) {
        std::fprintf(stderr, "hsmd: %s needs a number, not '%s'\n", opt, v);
        std::exit(2);
    }
    return n;
}
// --ntls-uid takes a uid or a user name (hsmd.service names luna-ntls, whose uid sysusers
// chose). An unknown name is logged and skipped: hsmd still serves D-Bus without ntlsd.
void addNtlsUid(std::set<uid_t>& uids, const char* v) {
    if (*v && std::strspn(v, "0123456789") == std::strlen(v)) {
        uids.insert(static_cast<uid_t>(number("--ntls-uid", v)));
    } else if (const passwd* pw = ::getpwnam(v)) {
        uids.insert(pw->pw_uid);
    } else {
        std::fprintf(stderr, "hsmd: --ntls-uid: no user '%s'; ntlsd will not be admitted\n", v);
    }
}
// --cbs-user: cbsd's user (name or uid), the only caller that may fetch audit records.
void addCbsUid(std::set<uid_t>& uids, const char* v) {
    if (const passwd* pw = ::getpwnam(v)) uids.insert(pw->pw_uid);
    else if (*v && std::strspn(v, "0123456789") == std::strlen(v)) uids.insert(static_cast<uid_t>(number("--cbs-user", v)));
    else std::fprintf(stderr, "hsmd: --cbs-user: no user '%s'; audit records stay buffered in the HSM\n", v);
}
} // namespace

int main(int argc, char** argv) {
    luna::hsm::HsmConfig config;
    std::string roles = "/etc/luna/roles";
    std::string busName = "com.safenet.Luna.Hsm";
    luna::hsmd::DataPlaneOptions data;
    static const option opts[] = {
        {"state-dir", required_argument, nullptr, 's'},  {"roles", required_argument, nullptr, 'r'},
        {"bus-name", required_argument, nullptr, 'b'},   {"kdf-iterations", required_argument, nullptr, 'k'},
        {"licensed-partitions", required_argument, nullptr, 'l'}, {"help", no_argument, nullptr, 'h'},
        {"data-socket", required_argument, nullptr, 'D'}, {"ntls-uid", required_argument, nullptr, 'U'},
        {"client-assignments", required_argument, nullptr, 'A'}, {"usage-without-login", no_argument, nullptr, 'W'},
        {"cbs-user", required_argument, nullptr, 'C'}, {"audit-capacity", required_argument, nullptr, 'Q'},
        {"audit-sync-each", no_argument, nullptr, 'Y'},   {"audit-staging-dir", required_argument, nullptr, 'G'},
        {nullptr, 0, nullptr, 0},
    };
    std::set<uid_t> cbsUids;
    for (int c; (c = getopt_long(argc, argv, "", opts, nullptr)) != -1;) {
        switch (c) {
        case 's': config.stateDir = optarg; break;
        case 'r': roles = optarg; break;
        case 'b': busName = optarg; break;
        case 'k': config.kdfIterations = static_cast<std::uint32_t>(number("--kdf-iterations", optarg)); break;
        case 'l': config.licensedPartitions = static_cast<std::uint32_t>(number("--licensed-partitions", optarg)); break;
        case 'D': data.socket = optarg; break;
        case 'U': addNtlsUid(data.ntlsUids, optarg); break;
        case 'A': data.assignments = optarg; break;
        case 'W': data.usageWithoutLogin = true; break;
        case 'C': addCbsUid(cbsUids, optarg); break;
        case 'Q': config.auditCapacity = number("--audit-capacity", optarg); break;
        case 'Y': config.auditSyncEach = true; break;
        case 'G': config.auditStagingDir = optarg; break;
        case 'h': usage(); return 0;
        default: usage(); return 2;
        }
    }
    if (config.stateDir.empty()) {
        if (const char* sd = std::getenv("STATE_DIRECTORY")) config.stateDir = sd;   // systemd StateDirectory=
    }
    if (data.socket.empty()) {
        if (const char* rd = std::getenv("RUNTIME_DIRECTORY")) data.socket = std::filesystem::path(rd) / "data.sock";
    }
    if (config.stateDir.empty() || optind != argc || config.kdfIterations < 1000 || config.auditCapacity == 0) {
        usage();
        return 2;
    }
    openlog("hsmd", LOG_PID, LOG_DAEMON);

    // Signals are taken by sigwait in the main thread only; block them before any thread.
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &sigs, nullptr);

    try {
        luna::hsm::Hsm hsm(config);
        luna::RoleMap roleMap(roles);
        luna::hsmd::WorkQueue work(std::max(1u, std::thread::hardware_concurrency()));
        auto conn = sdbus::createSystemBusConnection();
        // The crypto data plane (no socket given and no RuntimeDirectory: D-Bus only).
        std::unique_ptr<luna::hsmd::DataPlaneService> dataPlane;
        if (!data.socket.empty()) dataPlane = std::make_unique<luna::hsmd::DataPlaneService>(hsm, data);
        // ntlsd pushes the NTLS client assignments the data plane enforces.
        std::unique_ptr<luna::hsmd::ClientAccessBus> clientAccess;
        if (dataPlane) clientAccess = std::make_unique<luna::hsmd::ClientAccessBus>(*conn, dataPlane->assignments(), data.ntlsUids);
        luna::hsmd::HsmBus bus(*conn, hsm, roleMap, work, dataPlane ? &dataPlane->counters() : nullptr);
        luna::hsmd::AuditBus auditBus(*conn, hsm, roleMap, work, cbsUids, [&bus] { bus.publishChanges(); });
        conn->requestName(busName);
        conn->enterEventLoopAsync();
        sd_notify(0, "READY=1\nSTATUS=serving the HSM on the system bus");
        syslog(LOG_INFO, "serving %s, state in %s", busName.c_str(), config.stateDir.c_str());
        int sig = 0;
        while (sigwait(&sigs, &sig) == 0 && sig == SIGHUP) {
            try {
                if (dataPlane) dataPlane->reload();
                syslog(LOG_INFO, "reloaded the client assignments");
            } catch (const std::exception& e) {
                syslog(LOG_ERR, "keeping the old client assignments: %s", e.what());
            }
        }
        sd_notify(0, "STOPPING=1");
        conn->leaveEventLoop();
        syslog(LOG_INFO, "stopping on signal %d", sig);
    } catch (const luna::Error& e) {
        std::fprintf(stderr, "hsmd: %s (%s)\n", e.what(), std::string(e.name()).c_str());
        syslog(LOG_ERR, "%s", e.what());
        return 1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "hsmd: %s\n", e.what());
        syslog(LOG_ERR, "%s", e.what());
        return 1;
    }
    return 0;
}
