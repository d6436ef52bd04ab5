// sysconfd: the one privileged (root) configuration daemon. Tiny on purpose: parse options,
// build the managers, publish them on the system bus (DBUS_SYSTEM_BUS_ADDRESS in tests),
// wait for a signal. Requests are served one at a time on the bus thread, so configuration
// changes never interleave.
#include "gatekeeper.h"
#include "platform.h"
#include "sysconf_bus.h"
#include "users_bus.h"

#include "sysconf/accounts.h"
#include "sysconf/users.h"

#include "luna/appliance_roles.h"
#include "luna/errors.h"

#include <sdbus-c++/sdbus-c++.h>
#include <systemd/sd-daemon.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <getopt.h>
#include <string>
#include <vector>
#include <syslog.h>

namespace {

void usage() {
    std::fprintf(stderr,
                 "usage: sysconfd [--etc-dir DIR] [--roles FILE] [--home-dir DIR] [--shell PATH]\n"
                 "                [--group NAME] [--provision-users] [--bus-name NAME]\n"
                 "  --etc-dir DIR      appliance configuration root (default /etc): the roles file is\n"
                 "                     DIR/luna/roles, SSH keys DIR/luna/ssh/authorized_keys/<user>\n"
                 "  --roles FILE       the roles file, if not under --etc-dir\n"
                 "  --home-dir DIR     where appliance users' homes are made (default /home)\n"
                 "  --shell PATH       appliance users' login shell (default " LUNASH_PATH ")\n"
                 "  --group NAME       appliance users' group (default lunausers)\n"
                 "  --provision-users  create the built-in users admin, operator, monitor, audit if missing\n"
                 "Linux accounts are changed with useradd/usermod/userdel/chpasswd/chage on the /etc\n"
                 "of sysconfd's mount namespace.\n%s",
                 luna::sysconfd::PlatformOptions::usage());
}

} // namespace

int main(int argc, char** argv) {
    std::filesystem::path etcDir = "/etc";
    std::string roles, busName = luna::sysconfd::kBusName, group = "lunausers";
    luna::sysconf::UsersConfig users{{}, {}, "/home", LUNASH_PATH};
    bool provision = false;
    luna::sysconfd::PlatformOptions platform;
    std::vector<option> opts = {
        {"etc-dir", required_argument, nullptr, 'e'}, {"roles", required_argument, nullptr, 'r'},
        {"home-dir", required_argument, nullptr, 'H'}, {"shell", required_argument, nullptr, 's'},
        {"group", required_argument, nullptr, 'g'},   {"provision-users", no_argument, nullptr, 'p'},
        {"bus-name", required_argument, nullptr, 'b'}, {"help", no_argument, nullptr, 'h'},
    };
    for (const auto& o : luna::sysconfd::PlatformOptions::longOptions()) opts.push_back(o);
    opts.push_back({nullptr, 0, nullptr, 0});
    for (int c; (c = getopt_long(argc, argv, "", opts.data(), nullptr)) != -1;) {
        if (platform.parse(c, optarg)) continue;
        switch (c) {
        case 'e': etcDir = optarg; break;
        case 'r': roles = optarg; break;
        case 'H': users.homeRoot = optarg; break;
        case 's': users.shell = optarg; break;
        case 'g': group = optarg; break;
        case 'p': provision = true; break;
        case 'b': busName = optarg; break;
        case 'h': usage(); return 0;
        default: usage(); return 2;
        }
    }
    if (optind != argc || !etcDir.is_absolute() || !users.homeRoot.is_absolute() || users.shell.empty() ||
        users.shell.front() != '/') {
        usage();
        return 2;
    }
    users.rolesFile = roles.empty() ? etcDir / "luna/roles" : std::filesystem::path(roles);
    users.keysDir = etcDir / "luna/ssh/authorized_keys";
    // Under systemd stderr is the journal already (JOURNAL_STREAM); elsewhere (tests, a
    // terminal) refusals and changes should be seen without a syslog daemon.
    openlog("sysconfd", LOG_PID | (std::getenv("JOURNAL_STREAM") ? 0 : LOG_PERROR), LOG_DAEMON);

    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGINT);
    pthread_sigmask(SIG_BLOCK, &sigs, nullptr);
    std::signal(SIGPIPE, SIG_IGN);   // a tool that exits before reading its input

    try {
        luna::RoleMap roleMap(users.rolesFile);
        luna::sysconf::LinuxAccounts accounts(group);
        luna::sysconf::UserManager userManager(users, accounts);
        if (provision) userManager.provisionBuiltins();

        auto conn = sdbus::createSystemBusConnection();
        luna::sysconfd::Gatekeeper gate(*conn, roleMap, [&](uid_t uid) { return userManager.applianceUser(uid); });
        luna::sysconfd::SysconfBus sysconfBus(*conn, gate);
        luna::sysconfd::UsersBus usersBus(*conn, luna::sysconfd::kObjectPath, gate, userManager);
        luna::sysconfd::Platform platformBuses(*conn, gate, platform, etcDir, users.rolesFile, users.keysDir);
        conn->requestName(busName);
        conn->enterEventLoopAsync();
        sd_notify(0, "READY=1\nSTATUS=serving appliance configuration on the system bus");
        syslog(LOG_INFO, "serving %s; roles in %s", busName.c_str(), users.rolesFile.c_str());
        int sig = 0;
        sigwait(&sigs, &sig);
        sd_notify(0, "STOPPING=1");
        conn->leaveEventLoop();
        syslog(LOG_INFO, "stopping on signal %d", sig);
    } catch (const luna::Error& e) {
        std::fprintf(stderr, "sysconfd: %s (%s)\n", e.what(), std::string(e.name()).c_str());
        syslog(LOG_ERR, "%s", e.what());
        return 1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "sysconfd: %s\n", e.what());
        syslog(LOG_ERR, "%s", e.what());
        return 1;
    }
    return 0;
}
